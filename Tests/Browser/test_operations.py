"""The runbook's artefacts against the built binary: every series the sample Prometheus alerts name is one
`/metrics` serves, and the systemd unit's command line is one `gatehouse serve` accepts."""
import os
import re
import secrets
import shlex
import shutil
import subprocess
import tempfile
import urllib.parse
import urllib.request

from conftest import free_port, start_gatehouse
from test_process_limits import binary

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def test_every_series_the_alerts_name_is_served():
    with open(os.path.join(ROOT, "deploy", "prometheus-alerts.yml")) as handle:
        rules = handle.read()
    named = set(re.findall(r"\b(gatehouse_[a-z_]+?)(?:_bucket|_count|_sum)?\b", rules))
    assert {"gatehouse_http_requests_total", "gatehouse_token_requests_total"} <= named

    data = tempfile.mkdtemp(prefix="gatehouse-ops-")
    port = free_port()
    token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=token, LOG_LEVEL="warning")
    server, base = start_gatehouse(data, env=env, port=port)
    try:
        # One failed token request and one admin call, so the token and HTTP series exist.
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}).encode()
        try:
            urllib.request.urlopen(urllib.request.Request(base + "/oauth/token", data=body, method="POST"))
        except urllib.error.HTTPError as error:
            assert error.code == 401
        urllib.request.urlopen(urllib.request.Request(base + "/admin/v1/companies", headers={"Authorization": f"Bearer {token}"}))
        exposition = urllib.request.urlopen(base + "/metrics").read().decode()
        served = set(re.findall(r"^(gatehouse_[a-z_]+?)(?:_bucket|_count|_sum)?[{ ]", exposition, re.MULTILINE))
        assert named <= served, f"alerts name series the server does not serve: {sorted(named - served)}"
        assert 'outcome="invalid_client"' in exposition, "the label the invalid-client alert matches"
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)


def test_the_systemd_unit_runs_a_command_line_serve_accepts():
    with open(os.path.join(ROOT, "deploy", "gatehouse.service")) as handle:
        unit = handle.read().replace("\\\n", " ")
    command = shlex.split(re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE).group(1))
    assert command[0] == "/usr/local/bin/gatehouse" and command[1] == "serve"
    # Every flag the unit passes is one serve knows: --help lists them all.
    known = subprocess.run([binary(), "serve", "--help"], capture_output=True, text=True).stdout
    for flag in [part for part in command if part.startswith("--")]:
        assert flag in known, f"{flag} is not a serve flag"
    assert re.search(r"^ExecReload=/bin/kill -HUP \$MAINPID$", unit, re.MULTILINE)
    stop = int(re.search(r"^TimeoutStopSec=(\d+)$", unit, re.MULTILINE).group(1))
    drain = int(command[command.index("--shutdown-drain") + 1])
    timeout = int(command[command.index("--shutdown-timeout") + 1])
    assert stop > drain + timeout, "systemd must not SIGKILL a node that is still draining"
