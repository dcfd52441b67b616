#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets (address sanitizer on) and runs each for
# FUZZ_SECONDS (default 60) from its seed corpus in Tests/Fuzz/Corpus/<target>.
# New inputs go to a scratch corpus, never into the repository; a crash, a hang, a
# leak or a broken invariant stops the run with the input saved under
# .build/fuzz-findings/ (turn it into a regression test, then add it to the seeds).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-note statement json allowed-signers revoked-keys checkpoint policy keys agent-payload diff-blocks gitattributes}"
swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --product sessiontrace-fuzz
binary="$(swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --show-bin-path)/sessiontrace-fuzz"
findings="$PWD/.build/fuzz-findings"
mkdir -p "$findings"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0
for target in $targets; do
    mkdir -p "$scratch/$target"
    log="$findings/$target.log"
    if "$binary" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$findings/$target-" "$scratch/$target" "Corpus/$target" > "$log" 2>&1; then
        runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo "?")
        echo "fuzz $target: ${seconds}s, $runs runs, nothing found"
    else
        echo "fuzz $target: FOUND a problem (log: $log)"
        grep -E 'ERROR|invariant broken|Fatal error|SUMMARY|Test unit written' "$log" | head -5
        status=1
    fi
done
exit $status
