#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes with libFuzzer, each for the given number of seconds.
#
#   bash fuzz/run.sh SECONDS [TARGET ...]     # every target in ParserHarness.targets when none is named
#
# Builds one instrumented binary (-sanitize=fuzzer,address) in .build-fuzz, then runs each target on a copy of
# its seed corpus (fuzz/corpus/TARGET). A crash stops the run with a non-zero exit, and its input is left in
# fuzz/regressions/TARGET/, where `swift test` (ParserRegressionTests) replays it from then on: fix the parser,
# and commit the input.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:?usage: fuzz/run.sh SECONDS [TARGET ...]}"
shift
ALL=(form token-request multipart jwt manifest company-header forwarded-for request-number document json-body)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

echo "==> building the fuzz targets (-sanitize=fuzzer,address, .build-fuzz)"
GATEHOUSE_FUZZ=1 swift build --scratch-path .build-fuzz --product GatehouseFuzz \
    -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -vE "warning: Cannot export local symbol|^\[" || true
BIN="$(GATEHOUSE_FUZZ=1 swift build --scratch-path .build-fuzz --show-bin-path)/GatehouseFuzz"
[ -x "$BIN" ] || { echo "fuzz: $BIN was not built" >&2; exit 1; }

WORK="$(mktemp -d /tmp/gatehouse-fuzz.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
# Leaks are not crashes: Foundation and the Swift runtime keep caches for the life of the process.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
SUMMARY=()
for target in "${TARGETS[@]}"; do
    mkdir -p "$WORK/$target" "fuzz/regressions/$target"
    [ -d "fuzz/corpus/$target" ] && cp -r "fuzz/corpus/$target/." "$WORK/$target/"
    echo "==> $target for ${SECONDS_EACH}s"
    if ! GATEHOUSE_FUZZ_TARGET="$target" "$BIN" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="fuzz/regressions/$target/" "$WORK/$target" >"$WORK/$target.log" 2>&1; then
        tail -40 "$WORK/$target.log"
        echo "fuzz: $target crashed; the input is in fuzz/regressions/$target/ (swift test replays it)" >&2
        exit 1
    fi
    runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$WORK/$target.log" | grep -oE '[0-9]+$' || echo '?')"
    cov="$(grep -oE 'cov: [0-9]+' "$WORK/$target.log" | tail -1 | grep -oE '[0-9]+' || echo '?')"
    SUMMARY+=("$target: $runs executions, coverage $cov edges, no crash")
    echo "    ${SUMMARY[-1]}"
done
echo "==> fuzz summary (${SECONDS_EACH}s each)"
printf '    %s\n' "${SUMMARY[@]}"
