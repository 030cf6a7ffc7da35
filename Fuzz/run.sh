#!/usr/bin/env bash
# Builds the fuzzers (libFuzzer + AddressSanitizer + LeakSanitizer) and runs each for SECONDS (default 60),
# starting from the seeds in Fuzz/Corpus/<target>/. Fails on the first finding: a crash, a broken
# invariant, a leak, an input slower than 10 s, or more than 2 GiB resident. A finding is saved
# as Fuzz/.build/findings/<target>-crash-… ; replay it with
#     Fuzz/.build/debug/Fuzz<Target> Fuzz/.build/findings/<file>
# and once fixed, add it to Fuzz/Corpus/<target>/ so FuzzCorpusTests keeps checking it.
#
# Usage: Fuzz/run.sh [SECONDS] [TARGET…]     TARGET: json payload dump xlsx catalog manifest (default: all)
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json payload dump xlsx catalog manifest)

# `--sanitize=fuzzer --sanitize=address` does not work: SwiftPM passes them as two
# `-sanitize=` flags in no fixed order and swiftc keeps only the last, so each module randomly
# got coverage or ASan, not both. `--sanitize=fuzzer` makes SwiftPM link for libFuzzer (no
# `main` of its own); the combined flag, given last, instruments every module for both.
swift build -c debug --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address

declare -A executable=([json]=FuzzJSON [payload]=FuzzPayload [dump]=FuzzDump [xlsx]=FuzzXLSX [catalog]=FuzzCatalog [manifest]=FuzzManifest)
declare -A max_len=([json]=16384 [payload]=8192 [dump]=65536 [xlsx]=32768 [catalog]=16384 [manifest]=16384)

mkdir -p .build/findings
status=0
for target in "${targets[@]}"; do
    exe="${executable[$target]:-}"
    [ -n "$exe" ] || { echo "unknown target $target (json, payload, dump, xlsx, catalog, manifest)" >&2; exit 64; }
    # New inputs go to a scratch corpus; the checked-in seeds are only read.
    # The section list is read whole first: `objdump | grep -q` under pipefail fails whenever grep
    # finds the section and exits before objdump has written the rest (SIGPIPE), which is how a
    # CI run once reported an instrumented fuzzer as uninstrumented.
    if command -v objdump >/dev/null; then
        sections="$(objdump -h ".build/debug/$exe")"
        if [[ "$sections" != *__sancov_cntrs* ]]; then
            echo "!! $exe has no coverage instrumentation" >&2; exit 1
        fi
    fi
    work=".build/corpus/$target"
    scratch=".build/tmp/$target"
    mkdir -p "$work" "$scratch"
    echo "== $target: ${seconds}s"
    # The dump and xlsx targets write their input to a file under TMPDIR.
    if ! TMPDIR="$PWD/$scratch" ".build/debug/$exe" "$work" "Corpus/$target" \
        -max_total_time="$seconds" -max_len="${max_len[$target]}" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix=".build/findings/$target-" -print_final_stats=1 2>".build/$target.log"; then
        status=1
        echo "!! $target: finding (see Fuzz/.build/$target.log and Fuzz/.build/findings/)" >&2
        grep -E "ERROR|fuzz invariant|Fatal error|SUMMARY|Test unit written" ".build/$target.log" >&2 || tail -20 ".build/$target.log" >&2
    fi
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+.*DONE" ".build/$target.log" || true
    rm -rf "$scratch"
done
exit $status
