#!/usr/bin/env bash
# The test suite under the sanitizers, each in its own build folder (so that neither invalidates
# the plain `.build` nor the other):
#
#   1. AddressSanitizer (with LeakSanitizer): the whole suite — the `stepexport` executable the
#      CLI tests run is built with ASan too — except what is slow under ASan and adds no memory
#      checking of its own: the differential tests against the Python oracle (many processes),
#      and the progress and interrupt tests (a 150k–300k-event dump each; their code paths run
#      in the CLI, batch and hostile-input tests too). LeakSanitizer checks the `stepexport`
#      processes the tests run; in the test process itself it cannot: swift-corelibs-xctest keeps
#      every test case in a reference cycle (with all it allocated) and Foundation leaks in
#      Bundle.allBundles, Process.run and Data(contentsOf:), so leaks whose stack passes through
#      XCTest are suppressed. (The fuzzers check the libraries for leaks per input.)
#      The `serve` tests (StepExportServerTests) are left out too, although their target is built: the
#      `stepexport serve` they start would be the ASan build, and LeakSanitizer would judge, at its
#      exit, the event-loop threads and singletons SwiftNIO keeps for the process's life (the tests
#      check its exit status); the load and fault tests (2,000 requests, 60,000-event dumps, 10,000
#      connections) would also take many minutes of CI's 90 under ASan. Not run under ASan yet.
#   2. ThreadSanitizer: the tests of the parallel code — the dump scanner's threads (NDJSON and
#      `.json` array chunks, ArrayChunkerTests; the gzip CRC pieces they take, GzipCheckTests), the golden
#      cases run with 1 and 2 threads, batch jobs written in parallel, the row-rendering pipeline,
#      rows written during the scan, the spilled runs read back a buffer ahead by a thread of their
#      own (SpilledRunsTests), the output's writing thread (`DirectFileSink`, in BytesTests),
#      and the locks, conditions and threads themselves (ThreadsTests).
#
# Usage: Tests/sanitizers.sh [address|thread]...   (default: both). Fails if any test fails or a
# sanitizer reports anything (a report makes the process, or the child process a test runs, fail).
set -euo pipefail
cd "$(dirname "$0")/.."

# HostileInputTests measure the executable's peak memory; a sanitizer's shadow memory and
# quarantine are not the program's, so they only log it.
export STEPEXPORT_SANITIZER=1
# Stop at the first report, with exit codes XCTest and the CLI tests see as failures.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
suppressions="$(mktemp)"
trap 'rm -f "$suppressions"' EXIT
# Everything allocated under XCTest: the test process, not the `stepexport` processes it runs.
printf '%s\n' 'leak:libXCTest.so' >"$suppressions"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$suppressions:print_suppressions=0}"

kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)

for kind in "${kinds[@]}"; do
    case "$kind" in
    address)
        echo "== AddressSanitizer: the suite but DifferentialTests, ProgressTests, InterruptTests, StepExportServerTests"
        swift test --scratch-path .build-asan --sanitize=address \
            --skip DifferentialTests --skip ProgressTests --skip InterruptTests --skip StepExportServerTests
        ;;
    thread)
        echo "== ThreadSanitizer: the parallel code"
        swift test --scratch-path .build-tsan --sanitize=thread --filter 'DumpScannerTests|GzipCheckTests|ArrayChunkerTests|GoldenTests|BatchTests|RowPipelineTests|RowStreamTests|SpilledRunsTests|BytesTests|ThreadsTests'
        ;;
    *)
        echo "usage: $0 [address|thread]..." >&2
        exit 64
        ;;
    esac
done
