#!/usr/bin/env bash
# The API contract against a live server: the OpenAPI document must be valid, and schemathesis, driven by the
# document with real credentials, must find no 5xx, no answer that breaks the document and no request the
# document forbids that the server accepts.
#
#   bash .ci/contract.sh BIN [DATABASE_URL]      # SQLite in a temp directory when no URL is given
#
# Checks: every schemathesis check except `positive_data_acceptance`. That one expects any schema-valid input
# to succeed, but the server has rules no schema can state (an email must belong to an existing user, a
# manifest must be a valid DMSA manifest, traditional accounts are blocked after the cutoff); those answers are
# 4xx by design and documented. See docs/api.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$1"
DATABASE="${2:-}"
BUDGET="${CONTRACT_SECONDS:-90}"

python3 -c 'import schemathesis, openapi_spec_validator' 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check schemathesis openapi-spec-validator
python3 openapi/generate.py --check
python3 -m openapi_spec_validator Sources/GatehouseServer/Web/OpenAPI/openapi.json

DIR="$(mktemp -d /tmp/gatehouse-contract.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
export GATEHOUSE_ADMIN_TOKEN="contract-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DB_ARGS=(--data-directory "$DIR")
[ -n "$DATABASE" ] && DB_ARGS+=(--database "$DATABASE")
LOG_LEVEL=warning "$BIN" serve --port "$PORT" "${DB_ARGS[@]}" \
    --traditional-deprecated-at 2100-01-01 --traditional-creation-blocked-at 2100-01-02 --traditional-sunset-at 2100-01-03 \
    --rate-limit-hourly 100000000 --rate-limit-spike 100000000 --auth-failures-per-address 100000000 --auth-failures-per-credential 100000000 \
    >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done

admin() { curl -sf -X "$1" "$BASE/admin/v1$2" -H "Authorization: Bearer $GATEHOUSE_ADMIN_TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Real data for the fuzzer to reach: a company with a project, and a service account that may read and write it,
# with a fresh token. Made anew before each REST run: the admin run, which comes first, resets secrets and
# deactivates companies at random, and a token it killed would leave the REST runs answering 401 only.
rest_fixture() {
    COMPANY=$(admin POST /companies '{"name":"Contract Co"}' | json '["id"]')
    admin POST "/companies/$COMPANY/projects" '{"name":"Contract Tower"}' >/dev/null
    local account client_id secret contact
    account=$(admin POST "/companies/$COMPANY/service_accounts" '{"name":"Contract","app_type":"custom"}')
    client_id=$(echo "$account" | json '["client_id"]')
    secret=$(echo "$account" | json '["client_secret"]')
    contact=$(echo "$account" | json '["contact"]["id"]')
    admin PUT "/companies/$COMPANY/people/$contact/permissions" \
        '{"tools":{"admin":"admin","portfolio":"admin","directory":"admin","permissions":"admin"}}' >/dev/null
    ACCESS=$(curl -sf -X POST "$BASE/oauth/token" -d grant_type=client_credentials -d "client_id=$client_id" -d "client_secret=$secret" | json '["access_token"]')
    curl -sf "$BASE/rest/v1.0/me" -H "Authorization: Bearer $ACCESS" -H "Procore-Company-Id: $COMPANY" >/dev/null
}

run() {
    local label="$1"; shift
    echo "--- schemathesis: $label"
    schemathesis run "$BASE/openapi.json" --exclude-checks positive_data_acceptance --max-time "$BUDGET" \
        -n "${CONTRACT_EXAMPLES:-15}" --no-shrink --seed 1 --report junit --report-dir "$DIR/reports" "$@" | tee "$DIR/last.txt"
}

# A run whose credentials stopped working tests nothing past authentication: fail it rather than pass it. (One or
# two operations may answer 403 only by design: in negative mode every generated company header is someone else's.)
authenticated() {
    local refused
    refused=$(grep -oE "Authentication failed: [0-9]+ operation" "$DIR/last.txt" | grep -oE "[0-9]+" | head -1 || true)
    if [ "${refused:-0}" -gt 3 ]; then
        echo "contract: the $1 run was answered 401/403 only on $refused operations; its credentials did not work" >&2
        exit 1
    fi
}

run "admin API (operator token)" --mode positive -H "Authorization: Bearer $GATEHOUSE_ADMIN_TOKEN" --include-path-regex '^/admin/'
authenticated admin
# The admin API in negative mode too: ids, page numbers, time bounds and bodies the document forbids must be
# refused with a 4xx, never accepted and never a 5xx.
run "admin API, requests the document forbids (operator token)" --mode negative -H "Authorization: Bearer $GATEHOUSE_ADMIN_TOKEN" --include-path-regex '^/admin/'
authenticated "negative admin"
# With the company header fixed, only positive mode: the negative mode would "break" a header that -H then
# overwrites, and count the server's acceptance of the fixed value as a violation.
rest_fixture
run "REST (access token)" --mode positive -H "Authorization: Bearer $ACCESS" -H "Procore-Company-Id: $COMPANY" --include-path-regex '^/rest/'
authenticated REST
# Negative mode without the fixed company header: schemathesis generates and breaks it like any other parameter.
# No stateful phase here: its inferred links feed a response's integer `id` into the `Procore-Company-Id` header,
# and schemathesis 4.32 then fails in its own client ("Header part (119) … must be of type str or bytes, not
# <class 'int'>") before a request is sent. The positive run above covers the stateful sequences.
rest_fixture
run "REST, requests the document forbids (access token)" --mode negative --phases examples,coverage,fuzzing -H "Authorization: Bearer $ACCESS" --include-path-regex '^/rest/'
authenticated "negative REST"
run "OAuth and operations (no credentials)" --include-path-regex '^/(oauth|\.well-known|health|ready|openapi\.json|docs/api)'
echo "contract ok: no failures"
