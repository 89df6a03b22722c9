#!/usr/bin/env bash
# Load figures for Gatehouse, as ratios against the same server's /health, the median of RUNS runs.
#
#   bash bench/run.sh                          # release build, SQLite, 10 accounts, 3 runs, both configurations
#   CONFIGS=default bash bench/run.sh          # only the configuration users run
#   ACCOUNTS=100000 bash bench/run.sh          # issuance rotates over 100,000 seeded accounts
#   DATABASE=postgres://… bash bench/run.sh    # an empty database
#   DATABASE=postgres://… ACCOUNTS=100000 ACCOUNTS_FILE=seeded.txt bash bench/run.sh
#                                              # a database seeded before with `gatehouse seed --output seeded.txt`
#   BUILD=debug RUNS=1 DURATION=3s bash bench/run.sh
#
# Two server configurations, one after the other, in the same invocation:
#   quiet    LOG_LEVEL=warning, the active sunset phase: the ceiling.
#   default  what users run: the default log level (info, one access-log line per request) and the deprecated
#            phase, so the traditional account's REST answers carry Deprecation and Sunset headers; plus rows for
#            a DMSA app installed in the same company, whose calls carry none. Least-privilege recording is on
#            (the default): every allowed REST call counts the grant it used.
#   unrecorded the default configuration with --no-usage-recording, the comparison for recording's cost.
# Every row runs wrk with THREADS threads x CONNECTIONS connections (2 x 64) for DURATION (10 s) on 127.0.0.1.
# A run measures /health and then each endpoint; its ratios use its own /health. The script prints the median
# ratio, req/s, p50 and p99 of each row, each server's RSS, and fails if any answer was not 2xx.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

RUNS="${RUNS:-3}"
ACCOUNTS="${ACCOUNTS:-10}"
CONFIGS="${CONFIGS:-quiet default unrecorded}"
export CONNECTIONS="${CONNECTIONS:-64}" DURATION="${DURATION:-10s}"
RESULTS="$(mktemp /tmp/gatehouse-bench-results.XXXXXX)"

# A DMSA app installed in $COMPANY, with portfolio read declared in its manifest; sets DMSA_TOKEN.
make_dmsa() {
    local app app_id client_id secret version
    app=$(admin POST /apps '{"name":"Bench Sync"}')
    app_id=$(echo "$app" | json '["id"]'); client_id=$(echo "$app" | json '["client_id"]'); secret=$(echo "$app" | json '["client_secret"]')
    version=$(admin POST "/apps/$app_id/versions" '{"version":"1.0.0","manifest":{"schema_version":"4.1","components":{"data_connector":{"service_account":true}},"permissions":{"company":{"portfolio":"readonly"}}}}')
    admin POST "/apps/$app_id/versions/$(echo "$version" | json '["id"]')/promote" >/dev/null
    admin POST "/companies/$COMPANY/installations" "{\"version_key\":\"$(echo "$version" | json '["version_key"]')\"}" >/dev/null
    DMSA_TOKEN=$(curl -sf -X POST "$BASE/oauth/token" -d grant_type=client_credentials -d "client_id=$client_id" -d "client_secret=$secret" | json '["access_token"]')
    cat >"$DATA/dmsa-token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=$client_id&client_secret=$secret"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
    cat >"$DATA/dmsa-rest.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $DMSA_TOKEN"
wrk.headers["Procore-Company-Id"] = "$COMPANY"
LUA
}

# bench_config NAME: starts a server for that configuration, measures every row RUNS times, stops it.
bench_config() {
    local name="$1" extra=()
    case "$name" in
        quiet) export SERVER_LOG_LEVEL=warning PHASE=active ;;
        default) export SERVER_LOG_LEVEL=info PHASE=deprecated ;;
        unrecorded) export SERVER_LOG_LEVEL=info PHASE=deprecated; extra=(--no-usage-recording) ;;
        *) echo "unknown configuration $name (quiet, default or unrecorded)" >&2; exit 1 ;;
    esac
    SEED_ACCOUNTS="$ACCOUNTS" SEED_COMPANIES="$(( ACCOUNTS >= 100 ? ACCOUNTS / 100 : 1 ))" \
        start_server --rate-limit-hourly 100000000 --rate-limit-spike 100000000 "${extra[@]}"

    # The REST caller: its own company, a project, portfolio read.
    make_account "Bench Co"
    PROJECT=$(admin POST "/companies/$COMPANY/projects" '{"name":"Bench Tower"}' | json '["id"]')
    CONTACT=$(admin GET "/companies/$COMPANY/service_accounts" | json '[0]["contact"]["id"]')
    admin PUT "/companies/$COMPANY/people/$CONTACT/permissions" '{"tools":{"portfolio":"readonly"}}' >/dev/null
    TOKEN=$(curl -sf -X POST "$BASE/oauth/token" -d grant_type=client_credentials -d "client_id=$CLIENT_ID" -d "client_secret=$SECRET" | json '["access_token"]')
    # Proof the phase took: a deprecated traditional account's answer carries the Deprecation header.
    if [ "$PHASE" = deprecated ]; then
        curl -sfi "$BASE/rest/v1.0/me" -H "Authorization: Bearer $TOKEN" -H "Procore-Company-Id: $COMPANY" | grep -qi '^deprecation:' \
            || { echo "the default configuration's account is not deprecated" >&2; exit 1; }
        make_dmsa
    fi

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
    for run in $(seq 1 "$RUNS"); do
        echo "$name health $run $(measure "$BASE/health")" >>"$RESULTS"
        echo "$name token $run $(measure -s "$DATA/token.lua" "$BASE/oauth/token")" >>"$RESULTS"
        echo "$name me $run $(measure -s "$DATA/rest.lua" "$BASE/rest/v1.0/me")" >>"$RESULTS"
        echo "$name project $run $(measure -s "$DATA/rest.lua" "$BASE/rest/v1.0/projects/$PROJECT")" >>"$RESULTS"
        echo "$name list $run $(measure -s "$DATA/rest.lua" "$BASE/rest/v1.0/companies/$COMPANY/projects")" >>"$RESULTS"
        if [ "$PHASE" = deprecated ]; then
            echo "$name dmsa-token $run $(measure -s "$DATA/dmsa-token.lua" "$BASE/oauth/token")" >>"$RESULTS"
            echo "$name dmsa-me $run $(measure -s "$DATA/dmsa-rest.lua" "$BASE/rest/v1.0/me")" >>"$RESULTS"
            echo "$name dmsa-project $run $(measure -s "$DATA/dmsa-rest.lua" "$BASE/rest/v1.0/projects/$PROJECT")" >>"$RESULTS"
        fi
    done
    echo "$name rss $(rss_mb)" >>"$RESULTS"
    if [ "$name" = default ]; then
        # Proof recording was on: after the flush interval the REST caller's report shows the counted calls.
        sleep 11
        local calls; calls=$(admin GET "/companies/$COMPANY/service_accounts/$(admin GET "/companies/$COMPANY/service_accounts" | json '[0]["id"]')/usage" \
            | python3 -c 'import json,sys; print(sum(u["calls"] for u in json.load(sys.stdin)["used"]))')
        echo "$name recorded-calls $calls" >>"$RESULTS"
    fi
    if [ "$SERVER_LOG_LEVEL" = info ]; then
        local lines; lines=$(grep -c ' request$' "$DATA/server.log" || true)
        echo "$name access-log-lines $lines" >>"$RESULTS"
    fi
    stop_server
}

ENGINE=SQLite; case "${DATABASE:-}" in postgres://*|postgresql://*) ENGINE=PostgreSQL ;; esac
echo "Gatehouse load figures ($BUILD build, $ENGINE, $ACCOUNTS accounts, $THREADS threads x $CONNECTIONS connections, $DURATION per row, median of $RUNS runs, $(nproc) cores)"
for config in $CONFIGS; do bench_config "$config"; done

python3 - "$RESULTS" <<'PY'
import statistics, sys
rows, extra = {}, {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 3:
        extra.setdefault(parts[0], {})[parts[1]] = parts[2]
        continue
    config, name, run, rps, p50, p99 = parts
    rows.setdefault(config, {}).setdefault(name, {})[int(run)] = (float(rps), float(p50), float(p99))
labels = [("health", "GET /health (baseline)"), ("token", "POST /oauth/token"), ("me", "GET /rest/v1.0/me"),
          ("project", "GET /rest/v1.0/projects/{id}"), ("list", "GET /rest/v1.0/companies/{id}/projects"),
          ("dmsa-token", "POST /oauth/token (DMSA app)"), ("dmsa-me", "GET /rest/v1.0/me (DMSA)"),
          ("dmsa-project", "GET /rest/v1.0/projects/{id} (DMSA)")]
titles = {"quiet": "quiet: LOG_LEVEL=warning, active phase", "default": "default: info logs, deprecated traditional account, DMSA app",
          "unrecorded": "unrecorded: the default with --no-usage-recording"}
medians = {}
for config, table in rows.items():
    print(f"\n{titles.get(config, config)}")
    print(f"{'endpoint':40} {'ratio':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   ratios per run")
    health = table["health"]
    for key, label in labels:
        if key not in table: continue
        runs = table[key]
        ratios = [runs[r][0] / health[r][0] for r in sorted(runs)]
        med = lambda i: statistics.median(v[i] for v in runs.values())
        medians[(config, key)] = statistics.median(ratios)
        print(f"{label:40} {statistics.median(ratios):7.3f} {med(0):8.0f} {med(1):8.2f} {med(2):8.2f}   " + " ".join(f"{x:.3f}" for x in ratios))
    for key, value in extra.get(config, {}).items():
        print(f"{key}: {value}" + (" MB" if key == "rss" else ""))
if ("quiet", "token") in medians and ("default", "token") in medians:
    print("\ndefault against quiet (req/s of the same row; the access log and the deprecation headers are the difference):")
    for key in ["health", "token", "me", "project", "list"]:
        q = statistics.median(v[0] for v in rows["quiet"][key].values()); d = statistics.median(v[0] for v in rows["default"][key].values())
        print(f"  {key:8} {d / q:6.3f}")
if ("unrecorded", "me") in medians and ("default", "me") in medians:
    print("\nleast-privilege recording's cost: the default's ratio against the unrecorded one's (1.000 = no cost):")
    for key in ["token", "me", "project", "list", "dmsa-me", "dmsa-project"]:
        if ("default", key) in medians and ("unrecorded", key) in medians:
            print(f"  {key:13} {medians[('default', key)] / medians[('unrecorded', key)]:6.3f}")
PY
# RAW=file keeps the per-run lines (config row run req/s p50 p99), for bench/ab.sh.
if [ -n "${RAW:-}" ]; then cp "$RESULTS" "$RAW"; fi
rm -f "$RESULTS"
