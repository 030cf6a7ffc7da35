#!/usr/bin/env bash
# Latency of `stepexport serve` under load: a release build, a generated dump, the server on a
# loopback port, and wrk (Debian's) with 64 connections POSTing a mix of the dump's ready requests
# (CSV and XLSX) and error requests (400, 404, 406) for DURATION seconds. Prints wrk's summary and
# p50 / p90 / p99 latency, and the server's peak RSS.
#
# Usage: [STEPEXPORT_BIN=path] Benchmarks/serve/run.sh [EVENTS] [DURATION]   (defaults: 20000 events, 30 s)
set -euo pipefail
cd "$(dirname "$0")/../.."
events="${1:-20000}"
duration="${2:-30}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

# STEPEXPORT_BIN: an already built release executable (else this builds one).
bin="${STEPEXPORT_BIN:-}"
if [ -z "$bin" ]; then
    swift build -c release --product stepexport >/dev/null
    bin="$(swift build -c release --show-bin-path)/stepexport"
fi
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" generate --events "$events" --seed 3 --output "$work/dump" >"$work/generated.tsv"
# The ready requests, then errors: a bad format (400), an unknown workflow (404), a filter not implemented (406).
requests="$work/requests.tsv"
: >"$requests"
base=""
while IFS=$'\t' read -r name org workflow step format rows; do
    [ "$name" = request ] && continue
    [ -f "$work/dump/requests/$name.json" ] || continue
    printf '/api/reporting/workflow/v1/orgs/%s/workflows/%s/step/%s/download/\t%s\n' \
        "$org" "$workflow" "$step" "$work/dump/requests/$name.json" >>"$requests"
    [ -n "$base" ] || base="$org $workflow $step"
done <"$work/generated.tsv"
read -r org workflow step <<<"$base"
interval='"interval":{"start":"2022-11-01T00:00:00Z","end":"2022-11-08T00:00:00Z"}'
printf '{"filters":[],%s,"format":"pdf"}' "$interval" >"$work/bad-format.json"
printf '{"filters":[{"property":"page_url","values":["x"]}],%s}' "$interval" >"$work/bad-filter.json"
printf '/api/reporting/workflow/v1/orgs/%s/workflows/%s/step/%s/download/\t%s\n' \
    "$org" "$workflow" "$step" "$work/bad-format.json" \
    "$org" "00000000-0000-4000-8000-000000000000" "$step" "$work/bad-format.json" \
    "$org" "$workflow" "$step" "$work/bad-filter.json" >>"$requests"

"$bin" serve --dump "$work/dump" --port 0 --quiet 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/serve.log" && break; sleep 0.1; done
port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.log")"
echo "serve on port $port: $(wc -l <"$requests") kinds of request over $events events, 64 connections, ${duration}s"
STEPEXPORT_REQUESTS="$requests" wrk -t 2 -c 64 -d "${duration}s" --timeout 30s --latency \
    -s Benchmarks/serve/mixed.lua "http://127.0.0.1:$port"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
