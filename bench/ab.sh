#!/usr/bin/env bash
# Two builds of Gatehouse on one machine, run after run: an A/B in which the machine's drift falls on both sides.
#
#   bash bench/ab.sh OLD_BINARY NEW_BINARY            # 3 rounds of CONFIGS=default, one bench/run.sh run each
#   ROUNDS=5 CONFIGS=quiet bash bench/ab.sh A B
#
# Each round runs `bench/run.sh` once with A's binary and once with B's (RUNS=1; the order alternates by round),
# then the script prints, for every row, the median ratio to /health and the median req/s of each side, and B's
# req/s against A's. Make OLD_BINARY with, for example:
#   git stash; swift build -c release --product gatehouse; cp .build/release/gatehouse /tmp/gatehouse-old; git stash pop
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bash bench/ab.sh OLD_BINARY NEW_BINARY" >&2; exit 64; }
A="$1"; B="$2"; ROUNDS="${ROUNDS:-3}"
OUT="$(mktemp -d /tmp/gatehouse-ab.XXXXXX)"
for round in $(seq 1 "$ROUNDS"); do
    order="A B"; [ $((round % 2)) -eq 0 ] && order="B A"
    for side in $order; do
        bin="$A"; [ "$side" = B ] && bin="$B"
        GATEHOUSE_BIN="$bin" RUNS=1 CONFIGS="${CONFIGS:-default}" RAW="$OUT/$side.$round" bash bench/run.sh >/dev/null
        echo "round $round: $side done" >&2
    done
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import statistics, sys, os
out, rounds = sys.argv[1], int(sys.argv[2])
sides = {}
for side in "AB":
    rows = {}
    for r in range(1, rounds + 1):
        runs = {}
        for line in open(os.path.join(out, f"{side}.{r}")):
            parts = line.split()
            if len(parts) == 6:
                config, name, _, rps, p50, p99 = parts
                runs[(config, name)] = (float(rps), float(p99))
        for (config, name), (rps, p99) in runs.items():
            rows.setdefault((config, name), []).append((rps, rps / runs[(config, "health")][0], p99))
    sides[side] = rows
print(f"{'row':22} {'A ratio':>8} {'B ratio':>8} {'A req/s':>8} {'B req/s':>8} {'B/A':>6} {'A p99':>7} {'B p99':>7}")
for key in sides["A"]:
    a, b = sides["A"][key], sides["B"].get(key)
    if not b: continue
    med = lambda rows, i: statistics.median(x[i] for x in rows)
    print(f"{key[0] + ' ' + key[1]:22} {med(a,1):8.3f} {med(b,1):8.3f} {med(a,0):8.0f} {med(b,0):8.0f} {med(b,0)/med(a,0):6.3f} {med(a,2):7.2f} {med(b,2):7.2f}")
PY
rm -rf "$OUT"
