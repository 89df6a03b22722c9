#!/usr/bin/env bash
# Load figures for Gatehouse, as ratios against the same server's /health, the median of RUNS runs.
#
#   bash bench/run.sh                          # release build, SQLite, 10 accounts, 3 runs
#   ACCOUNTS=100000 bash bench/run.sh          # issuance rotates over 100,000 seeded accounts
#   DATABASE=postgres://… bash bench/run.sh    # an empty database
#   BUILD=debug RUNS=1 DURATION=3s bash bench/run.sh
#
# Every row runs wrk with THREADS threads x CONNECTIONS connections (2 x 64) for DURATION (10 s) on
# 127.0.0.1. A run measures /health and then each endpoint; its ratios use its own /health. The script prints
# the median ratio, req/s, p50 and p99 of each row, the server's RSS at the end, and fails if any answer was
# not 2xx. The sunset dates are moved to 2100 so the accounts are in the active phase.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

RUNS="${RUNS:-3}"
ACCOUNTS="${ACCOUNTS:-10}"
export CONNECTIONS="${CONNECTIONS:-64}" DURATION="${DURATION:-10s}"
SEED_ACCOUNTS="$ACCOUNTS" SEED_COMPANIES="$(( ACCOUNTS >= 100 ? ACCOUNTS / 100 : 1 ))" \
    start_server --rate-limit-hourly 100000000 --rate-limit-spike 100000000

# The REST caller: its own company, a project, portfolio read.
make_account "Bench Co"
PROJECT=$(admin POST "/companies/$COMPANY/projects" '{"name":"Bench Tower"}' | json '["id"]')
CONTACT=$(admin GET "/companies/$COMPANY/service_accounts" | json '[0]["contact"]["id"]')
admin PUT "/companies/$COMPANY/people/$CONTACT/permissions" '{"tools":{"portfolio":"readonly"}}' >/dev/null
TOKEN=$(curl -sf -X POST "$BASE/oauth/token" -d grant_type=client_credentials -d "client_id=$CLIENT_ID" -d "client_secret=$SECRET" | json '["access_token"]')

# Issuance rotates over every seeded account, each thread from its own starting point.
cat >"$DATA/token.lua" <<LUA
local accounts = {}
for line in io.lines("$DATA/accounts.txt") do
    local _, id, secret = line:match("^(%S+) (%S+) (%S+)$")
    accounts[#accounts + 1] = "grant_type=client_credentials&client_id=" .. id .. "&client_secret=" .. secret
end
local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
local n = 0
function init(args) n = math.random(1, #accounts) end
function request()
    n = n % #accounts + 1
    return wrk.format("POST", "/oauth/token", headers, accounts[n])
end
LUA
cat >"$DATA/rest.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Procore-Company-Id"] = "$COMPANY"
LUA

ENGINE=SQLite; [ -n "${DATABASE:-}" ] && ENGINE=PostgreSQL
echo "Gatehouse load figures ($BUILD build, $ENGINE, $ACCOUNTS accounts, $THREADS threads x $CONNECTIONS connections, $DURATION per row, median of $RUNS runs, $(nproc) cores)"
: >"$DATA/results.txt"
for run in $(seq 1 "$RUNS"); do
    echo "health $run $(measure "$BASE/health")" >>"$DATA/results.txt"
    echo "token $run $(measure -s "$DATA/token.lua" "$BASE/oauth/token")" >>"$DATA/results.txt"
    echo "me $run $(measure -s "$DATA/rest.lua" "$BASE/rest/v1.0/me")" >>"$DATA/results.txt"
    echo "project $run $(measure -s "$DATA/rest.lua" "$BASE/rest/v1.0/projects/$PROJECT")" >>"$DATA/results.txt"
    echo "list $run $(measure -s "$DATA/rest.lua" "$BASE/rest/v1.0/companies/$COMPANY/projects")" >>"$DATA/results.txt"
done
RSS=$(rss_mb)

python3 - "$DATA/results.txt" "$RSS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, run, rps, p50, p99 = line.split()
    rows.setdefault(name, {})[int(run)] = (float(rps), float(p50), float(p99))
health = rows["health"]
labels = [("health", "GET /health (baseline)"), ("token", "POST /oauth/token"), ("me", "GET /rest/v1.0/me"),
          ("project", "GET /rest/v1.0/projects/{id}"), ("list", "GET /rest/v1.0/companies/{id}/projects")]
print(f"{'endpoint':40} {'ratio':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   ratios per run")
for key, label in labels:
    runs = rows[key]
    ratios = [runs[r][0] / health[r][0] for r in sorted(runs)]
    med = lambda i: statistics.median(v[i] for v in runs.values())
    print(f"{label:40} {statistics.median(ratios):7.3f} {med(0):8.0f} {med(1):8.2f} {med(2):8.2f}   " + " ".join(f"{x:.3f}" for x in ratios))
print(f"server RSS after the runs: {sys.argv[2]} MB")
PY
