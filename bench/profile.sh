#!/usr/bin/env bash
# A CPU profile of token issuance and of GET /rest/v1.0/me in the configuration users run: the default log
# level (info, one access-log line per request) and a traditional account in the deprecated phase.
#
#   bash bench/profile.sh                 # release build, SQLite
#   DATABASE=postgres://… bash bench/profile.sh
#   TOP=40 bash bench/profile.sh          # more rows
#
# For each endpoint, wrk drives it with 2 threads x 64 connections for 12 s while `perf record -g` samples the
# server for 8 s of the middle; the script prints req/s while profiled and the TOP symbols by inclusive share
# (`perf report --children`), ours and the libraries' alike. Needs `perf` (apt-get install linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
command -v perf >/dev/null || { echo "perf is required: apt-get install -y linux-perf" >&2; exit 1; }
TOP="${TOP:-40}"
# Where the perf data stays, for `perf report -i $OUT/token.data` afterwards.
OUT="${OUT:-/tmp/gatehouse-profile}"; mkdir -p "$OUT"
# Frames every request passes through (threads, executors, the event loop, thunks): left out of the listing.
GENERIC='start_thread|_dispatch|swift_job_run|runJobInEstablishedExecutorContext|ThreadOpsPosix|MultiThreadedEventLoopGroup|thunk for|SelectableEventLoop|Selector\.whenReady|entry_SYSCALL|do_syscall_64|partial apply for closure #1 in static|swift::|^[0-9.]+% [0-9.]+% +\[|_start|__libc_start|main$'

export SERVER_LOG_LEVEL=info PHASE=deprecated
start_server --rate-limit-hourly 100000000 --rate-limit-spike 100000000
make_account "Profile Co"
TOKEN=$(curl -sf -X POST "$BASE/oauth/token" -d grant_type=client_credentials -d "client_id=$CLIENT_ID" -d "client_secret=$SECRET" | json '["access_token"]')
cat >"$DATA/rest.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Procore-Company-Id"] = "$COMPANY"
LUA
cat >"$DATA/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$SECRET"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA

# profile NAME SCRIPT URL
profile() {
    local name="$1" script="$2" url="$3"
    wrk -t2 -c64 -d12s -s "$script" "$url" >"$DATA/$name-wrk.txt" &
    local load=$!
    sleep 2
    perf record -F 999 -g -p "$SERVER" -o "$OUT/$name.data" -- sleep 8 >/dev/null 2>&1
    wait "$load"
    echo
    echo "== $name: $(grep 'Requests/sec' "$DATA/$name-wrk.txt" | awk '{print $2}') req/s while profiled; inclusive share of the server's samples"
    perf report -i "$OUT/$name.data" --children --sort symbol --stdio --no-demangle -g none --percent-limit 0.5 2>/dev/null \
        | grep -E '^ +[0-9]' | awk '{ $3 = ""; print }' \
        | { command -v swift-demangle >/dev/null && swift-demangle --simplified || cat; } \
        | grep -vE "$GENERIC" | head -n "$TOP" | cut -c1-150  || true   # head closes the pipe early: not a failure
}
profile token "$DATA/token.lua" "$BASE/oauth/token"
profile me "$DATA/rest.lua" "$BASE/rest/v1.0/me"
stop_server
