# Shared by the bench scripts: build, start a server on a free port, talk to it, measure it.
# Source it after `set -euo pipefail` and `cd` to the repository root.

BUILD="${BUILD:-release}"
THREADS="${THREADS:-2}"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install -y wrk" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_server EXTRA_ARGS...: builds, starts `gatehouse serve` on a fresh data directory, waits for /health.
# Sets BIN, PORT, BASE, DATA, SERVER and GATEHOUSE_ADMIN_TOKEN; the EXIT trap stops it and removes DATA.
# GATEHOUSE_BIN=path runs that binary instead of building one (an A/B of two commits: bench/ab.sh).
start_server() {
    if [ -n "${GATEHOUSE_BIN:-}" ]; then
        BIN="$GATEHOUSE_BIN"
    else
        swift build -c "$BUILD" --product gatehouse >/dev/null
        BIN="$(swift build -c "$BUILD" --show-bin-path)/gatehouse"
    fi
    PORT="${PORT:-$(free_port)}"
    BASE="http://127.0.0.1:$PORT"
    DATA="$(mktemp -d /tmp/gatehouse-bench.XXXXXX)"
    export GATEHOUSE_ADMIN_TOKEN="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    local db_args=(--data-directory "$DATA")
    [ -n "${DATABASE:-}" ] && db_args+=(--database "$DATABASE")
    if [ -n "${ACCOUNTS_FILE:-}" ]; then
        # A database seeded before (`gatehouse seed … --output FILE`): PostgreSQL seeds at about 600 accounts/s.
        # Its secrets are peppered and its signing keys sealed with the master key of the seed's data directory.
        cp "$ACCOUNTS_FILE" "$DATA/accounts.txt"
        cp -p "$(dirname "$ACCOUNTS_FILE")/master.key" "$DATA/master.key"
    elif [ -n "${SEED_ACCOUNTS:-}" ]; then
        # Bulk accounts before the server starts, through the same service as the admin API.
        "$BIN" seed "${db_args[@]}" --service-accounts "$SEED_ACCOUNTS" --companies "${SEED_COMPANIES:-1}" --output "$DATA/accounts.txt" >&2
    fi
    # SERVER_LOG_LEVEL: warning (quiet) unless a bench asks for the default, info. PHASE=deprecated puts
    # traditional accounts in the deprecated phase (their REST calls carry Deprecation and Sunset headers).
    local deprecated_at=2100-01-01
    [ "${PHASE:-active}" = deprecated ] && deprecated_at=2020-01-01
    LOG_LEVEL="${SERVER_LOG_LEVEL:-warning}" "$BIN" serve --port "$PORT" "${db_args[@]}" \
        --traditional-deprecated-at "$deprecated_at" --traditional-creation-blocked-at 2100-01-02 --traditional-sunset-at 2100-01-03 \
        "$@" >"$DATA/server.log" 2>&1 &
    SERVER=$!
    trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
    for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && return 0; sleep 0.1; done
    echo "the server did not start:" >&2; cat "$DATA/server.log" >&2; exit 1
}

# stop_server: a graceful stop (the access log's last batch is written), then the data directory goes.
stop_server() {
    kill -TERM "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -rf "$DATA"
    trap - EXIT
}

admin() { curl -sf -X "$1" "$BASE/admin/v1$2" -H "Authorization: Bearer $GATEHOUSE_ADMIN_TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Resident memory of the server, in MB.
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER/status"; }

# Size of the SQLite database with its WAL, in MB (PostgreSQL: the database's size).
db_mb() {
    if [ -n "${DATABASE:-}" ]; then
        psql "$DATABASE" -Atc "SELECT round(pg_database_size(current_database()) / 1048576.0, 1)"
    else
        du -cb "$DATA"/gatehouse.sqlite* | awk '/total/ {printf "%.1f", $1 / 1048576}'
    fi
}

# measure [wrk args]: "req/s p50_ms p99_ms"; exits non-zero if any answer was not 2xx.
measure() {
    local out
    out=$(wrk -t"$THREADS" -c"${CONNECTIONS:-16}" -d"${DURATION:-10s}" --latency "$@" 2>&1)
    if echo "$out" | grep -q "Non-2xx"; then echo "non-2xx answers: $out" >&2; exit 1; fi
    echo "$out" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /Requests\/sec/ { rps = $2 }
        END { printf "%s %.2f %.2f\n", rps, p50, p99 }'
}

# rate [wrk args]: requests/second; exits non-zero if any answer was not 2xx.
rate() {
    local out
    out=$(wrk -t"$THREADS" -c"${CONNECTIONS:-16}" -d"${DURATION:-10s}" --latency "$@" 2>&1)
    if echo "$out" | grep -q "Non-2xx"; then echo "non-2xx answers: $out" >&2; exit 1; fi
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}

# A traditional service account in a fresh company; sets COMPANY, CLIENT_ID and SECRET.
make_account() {
    COMPANY=$(admin POST /companies "{\"name\":\"${1:-Bench Co}\"}" | json '["id"]')
    local account
    account=$(admin POST "/companies/$COMPANY/service_accounts" '{"name":"Bench","app_type":"custom"}')
    CLIENT_ID=$(echo "$account" | json '["client_id"]')
    SECRET=$(echo "$account" | json '["client_secret"]')
}

# token_script FILE ADDRESS: a wrk script that asks for tokens as the bench client from ADDRESS.
token_script() {
    cat >"$1" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$SECRET"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Forwarded-For"] = "$2"
LUA
}
