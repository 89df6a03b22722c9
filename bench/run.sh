#!/usr/bin/env bash
# Load figures for Gatehouse, as ratios against the same server's /health, measured in one run.
#
#   bash bench/run.sh                 # release build (swift build -c release), SQLite
#   BUILD=debug bash bench/run.sh     # debug build, for a quick look only
#   DATABASE=postgres://… bash bench/run.sh
#
# Traffic goes to 127.0.0.1 only; every wrk run is bounded by DURATION (default 10 s). The sunset dates are
# moved to 2100 so the traditional account used here is in the active phase (no deprecation headers).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD="${BUILD:-release}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install -y wrk" >&2; exit 1; }

swift build -c "$BUILD" --product gatehouse >/dev/null
BIN="$(swift build -c "$BUILD" --show-bin-path)/gatehouse"
DATA="$(mktemp -d /tmp/gatehouse-bench.XXXXXX)"
export GATEHOUSE_ADMIN_TOKEN="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DB_ARGS=(--data-directory "$DATA")
[ -n "${DATABASE:-}" ] && DB_ARGS+=(--database "$DATABASE")
LOG_LEVEL=warning "$BIN" serve --port "$PORT" "${DB_ARGS[@]}" --rate-limit-hourly 100000000 --rate-limit-spike 100000000 \
    --traditional-deprecated-at 2100-01-01 --traditional-creation-blocked-at 2100-01-02 --traditional-sunset-at 2100-01-03 >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done

admin() { curl -sf -X "$1" "$BASE/admin/v1$2" -H "Authorization: Bearer $GATEHOUSE_ADMIN_TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

COMPANY=$(admin POST /companies '{"name":"Bench Co"}' | json '["id"]')
PROJECT=$(admin POST "/companies/$COMPANY/projects" '{"name":"Bench Tower"}' | json '["id"]')
ACCOUNT=$(admin POST "/companies/$COMPANY/service_accounts" '{"name":"Bench","app_type":"custom"}')
CLIENT_ID=$(echo "$ACCOUNT" | json '["client_id"]')
SECRET=$(echo "$ACCOUNT" | json '["client_secret"]')
CONTACT=$(echo "$ACCOUNT" | json '["contact"]["id"]')
admin PUT "/companies/$COMPANY/people/$CONTACT/permissions" '{"tools":{"portfolio":"readonly"}}' >/dev/null
TOKEN=$(curl -sf -X POST "$BASE/oauth/token" -d grant_type=client_credentials -d "client_id=$CLIENT_ID" -d "client_secret=$SECRET" | json '["access_token"]')

cat >"$DATA/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$SECRET"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
cat >"$DATA/rest.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Procore-Company-Id"] = "$COMPANY"
LUA

rate() {  # prints requests/second and fails if any request was not 2xx
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" 2>&1)
    if echo "$out" | grep -q "Non-2xx"; then echo "non-2xx answers: $out" >&2; exit 1; fi
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}

ENGINE=SQLite; [ -n "${DATABASE:-}" ] && ENGINE=PostgreSQL
echo "Gatehouse load figures ($BUILD build, $ENGINE, $THREADS threads x $CONNECTIONS connections, $DURATION each, $(nproc) cores)"
HEALTH=$(rate "$BASE/health")
TOKENS=$(rate -s "$DATA/token.lua" "$BASE/oauth/token")
ME=$(rate -s "$DATA/rest.lua" "$BASE/rest/v1.0/me")
PROJECT_RPS=$(rate -s "$DATA/rest.lua" "$BASE/rest/v1.0/projects/$PROJECT")
LIST=$(rate -s "$DATA/rest.lua" "$BASE/rest/v1.0/companies/$COMPANY/projects")

python3 - "$HEALTH" "$TOKENS" "$ME" "$PROJECT_RPS" "$LIST" <<'PY'
import sys
health, tokens, me, project, listing = map(float, sys.argv[1:])
rows = [("GET /health (baseline)", health), ("POST /oauth/token", tokens), ("GET /rest/v1.0/me", me),
        ("GET /rest/v1.0/projects/{id}", project), ("GET /rest/v1.0/companies/{id}/projects", listing)]
print(f"{'endpoint':42} {'req/s':>10} {'ratio to /health':>18}")
for name, value in rows:
    print(f"{name:42} {value:10.0f} {value / health:18.3f}")
PY
