#!/usr/bin/env bash
# What a person sees during a long export, checked in a real terminal (tmux):
#   bash Tests/tmux_progress.sh [STEPEXPORT]        (default: .build/debug/stepexport)
# Generates a dump big enough to take a few seconds (450,000 events: a debug build exports
# 150,000 in about 1.5 s since strings are scanned 16 bytes at a time), starts an export in a
# tmux pane, waits for the progress line, checks that it moves (bytes of the total, percentage,
# rate, time left), presses Ctrl-C, and checks the pane then says `stepexport: interrupted:
# nothing written`, the exit status is 130 and no file (partial or not) is left. Prints the
# screens it saw; exits 0 when all held.
set -euo pipefail
cd "$(dirname "$0")/.."
exe="$(cd "$(dirname "${1:-.build/debug/stepexport}")" && pwd)/$(basename "${1:-.build/debug/stepexport}")"
command -v tmux >/dev/null || { echo "tmux_progress: tmux is not installed (apt-get install tmux)"; exit 2; }
[ -x "$exe" ] || { echo "tmux_progress: no executable at $exe (swift build first)"; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/stepexport-tmux-XXXXXX")"
session="stepexport-progress-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

"$exe" generate --events "${EVENTS:-450000}" --seed 7 --output "$work/dump" > "$work/generated.tsv"
read -r org workflow step < <(awk -F'\t' '$1 == "write-heavy" { print $2, $3, $4 }' "$work/generated.tsv")
mkdir "$work/out"
command="'$exe' export --dump '$work/dump' --org $org --workflow $workflow --step $step"
command+=" --payload '$work/dump/requests/write-heavy.json' --output '$work/out/result.csv'"
tmux new-session -d -s "$session" -x 160 -y 12 "$command; echo EXIT=\$?; sleep 600"

screen() { tmux capture-pane -p -t "$session"; }
fail() { echo "tmux_progress: FAIL: $1"; echo "--- the pane:"; screen; exit 1; }
wait_for() { # PATTERN SECONDS
    for _ in $(seq 1 $(( $2 * 10 ))); do screen | grep -Eq "$1" && return 0; sleep 0.1; done
    return 1
}

line='stepexport: [0-9,]+\.[0-9] of [0-9,]+\.[0-9] MB read \([0-9]+%\)'
wait_for "$line" 60 || fail "no progress line with bytes of a total and a percentage"
first="$(screen | grep -E "$line")"
sleep 1.5
second="$(screen | grep -E 'stepexport: ' | head -1)"
[ "$first" != "$second" ] || fail "the progress line did not move in 1.5 s"
echo "$second" | grep -Eq 'MB/s|rows/s' || fail "no rate on the progress line"
echo "$second" | grep -Eq '[0-9]+:[0-9]{2} left' || fail "no time left on the progress line"
echo "progress seen:"; echo "  $first"; echo "  $second"

tmux send-keys -t "$session" C-c
wait_for '^EXIT=' 10 || fail "the export did not end within 10 s of Ctrl-C"
final="$(screen)"
echo "after Ctrl-C:"; echo "$final" | grep -v '^$' | sed 's/^/  /'
echo "$final" | grep -q '^stepexport: interrupted: nothing written$' || fail "no 'interrupted: nothing written' line"
echo "$final" | grep -q '^EXIT=130$' || fail "exit status is not 130"
echo "$final" | grep -Eq 'MB read' && fail "the progress line was not erased"
[ -z "$(ls -A "$work/out")" ] || fail "files left in the output folder: $(ls -A "$work/out")"
echo "tmux_progress: PASS"
