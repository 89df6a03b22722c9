#!/usr/bin/env bash
# Gatehouse as code at scale: one document of ACCOUNTS traditional accounts over COMPANIES companies (each
# account with company levels and two project memberships), applied to an empty server, then applied again (an
# empty plan), then planned (a dry run). Times are wall-clock seconds of `gatehouse apply`, CLI and HTTP included,
# at the default log level.
#
#   bash bench/apply.sh                              # release build, SQLite, 1,000 accounts over 10 companies
#   DATABASE=postgres://… bash bench/apply.sh        # an empty database
#   BUILD=debug ACCOUNTS=100 bash bench/apply.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

ACCOUNTS="${ACCOUNTS:-1000}"
COMPANIES="${COMPANIES:-10}"
export SERVER_LOG_LEVEL=info
start_server
DOC="$DATA/deployment.json"
python3 - "$ACCOUNTS" "$COMPANIES" >"$DOC" <<'PY'
import json, sys
accounts, companies = int(sys.argv[1]), int(sys.argv[2])
per = accounts // companies
doc = {"version": 1, "companies": []}
for c in range(companies):
    doc["companies"].append({
        "name": f"Company {c:03d}",
        "projects": [{"name": f"Project {p}"} for p in range(5)],
        "permission_templates": [{"name": "Reader", "tools": {"rfi": "readonly", "directory": "readonly"}}],
        "service_accounts": [{
            "name": f"Account {a:04d}",
            "company_tools": {"directory": "readonly", "portfolio": "readonly"},
            "projects": [{"project": f"Project {a % 5}", "template": "Reader"},
                         {"project": f"Project {(a + 1) % 5}", "tools": {"rfi": "standard"}}],
        } for a in range(per)],
    })
print(json.dumps(doc))
PY
export GATEHOUSE_URL="$BASE"
timed() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); python3 -c "print(f'{$end - $start:.2f}')"; }
FIRST=$(timed "$BIN" apply -f "$DOC" --credentials-out "$DATA/creds.json")
SECOND=$(timed "$BIN" apply -f "$DOC")
set +e; DRY=$(timed "$BIN" apply -f "$DOC" --dry-run); set -e
CHANGES=$("$BIN" apply -f "$DOC" --dry-run --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["changes"]))')
[ "$CHANGES" = 0 ] || { echo "the second apply left $CHANGES changes" >&2; exit 1; }
CREATED=$(python3 -c "import json; print(len(json.load(open('$DATA/creds.json'))))")
RSS=$(ps -o rss= -p "$SERVER" | awk '{printf "%.0f", $1/1024}')
echo "| store | accounts | companies | first apply (s) | accounts/s | second apply, empty plan (s) | dry run (s) | RSS after (MB) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| ${DATABASE:+PostgreSQL}${DATABASE:-SQLite} | $CREATED | $COMPANIES | $FIRST | $(python3 -c "print(round($CREATED / $FIRST))") | $SECOND | $DRY | $RSS |" \
    | sed 's#PostgreSQLpostgres://[^ ]*#PostgreSQL#'
stop_server
