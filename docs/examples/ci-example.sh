#!/usr/bin/env bash
# Gatehouse as an offline Procore in CI, without a browser: start the server with a fixture document, then let a
# real Procore client (ProPyCore, from PyPI) sign in with the credentials the document fixes and read the fixture.
#
#   bash docs/examples/ci-example.sh [GATEHOUSE_BIN] [PYTHON]
#
# .ci/run runs this on every change, so the example in docs/as-code.md cannot rot.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:-$(swift build --show-bin-path)/gatehouse}"
PY="${2:-python3}"
DIR="$(mktemp -d /tmp/gatehouse-ci-example.XXXXXX)"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"

# 1. A virtualenv with the Procore client, as a CI job would have.
"$PY" -m venv "$DIR/venv"
"$DIR/venv/bin/pip" install -q --disable-pip-version-check propycore==0.8.0

# 2. The server: the fixture applied before it listens; given credentials allowed (CI only); traditional accounts
#    kept alive, since this fixture uses one (Procore's own dates have passed).
"$BIN" serve --data-directory "$DIR/data" --port "$PORT" \
    --apply docs/examples/ci-fixture.yaml --allow-given-credentials \
    --traditional-deprecated-at 2099-01-01 --traditional-creation-blocked-at 2099-06-01 --traditional-sunset-at 2099-12-31 \
    >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done

# 3. The integration's own code, unchanged but for the base URL.
GATEHOUSE_URL="http://127.0.0.1:$PORT" "$DIR/venv/bin/python" - <<'PYTHON'
import os
from ProPyCore import Procore

base = os.environ["GATEHOUSE_URL"]
procore = Procore(client_id="ci-sync", client_secret="ci-sync-secret-at-least-32-characters-long",
                  redirect_uri="", base_url=base, oauth_url=base)
companies = procore.companies.get()
assert [c["name"] for c in companies] == ["Riverside Builders"], companies
projects = procore.projects.get(company_id=companies[0]["id"])
assert sorted(p["name"] for p in projects) == ["Tower A", "Tower B"], projects
print(f"ci example ok: ProPyCore read {companies[0]['name']} and its {len(projects)} projects with the fixture's credentials")
PYTHON
