"""The CLI's operator-token commands against the built binary and a live server on the same data directory:
arguments, output and exit status, and that a revoked token stops working on the server at once."""
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from conftest import free_port
from test_process_limits import binary


def run(*args, data):
    return subprocess.run([binary(), *args, "--data-directory", data], capture_output=True, text=True, timeout=60)


def status(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_admin_token_create_list_and_revoke():
    data = tempfile.mkdtemp(prefix="gatehouse-cli-")
    port = free_port()
    server = None
    try:
        created = run("admin-token", "create", "--name", "deploy-bot", data=data)
        assert created.returncode == 0, created.stderr
        token = created.stdout.strip()
        assert len(token) >= 40 and "\n" not in token

        listed = run("admin-token", "list", data=data)
        assert listed.returncode == 0, listed.stderr
        lines = listed.stdout.strip().splitlines()
        assert lines[0].split("\t") == ["ID", "NAME", "CREATED", "LAST USED"]
        token_id, name, _, last_used = lines[1].split("\t")
        assert name == "deploy-bot" and last_used == "never"
        assert token not in listed.stdout, "the token itself is never listed"

        env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=secrets.token_urlsafe(32), LOG_LEVEL="warning")
        server = subprocess.Popen([binary(), "serve", "--port", str(port), "--data-directory", data],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        code, companies = status(base + "/admin/v1/companies", token)
        assert code == 200 and companies == []
        code, tokens = status(base + "/admin/v1/admin_tokens", token)
        assert code == 200 and tokens[0]["name"] == "deploy-bot" and tokens[0]["last_used_at"] is not None

        revoked = run("admin-token", "revoke", token_id, data=data)
        assert revoked.returncode == 0, revoked.stderr
        assert revoked.stdout.strip() == f"revoked operator token {token_id}"
        code, body = status(base + "/admin/v1/companies", token)
        assert code == 401 and body["error"]["code"] == "unauthorized"

        again = run("admin-token", "revoke", token_id, data=data)
        assert again.returncode != 0
        assert "not found" in again.stderr
        bad = run("admin-token", "revoke", "abc", data=data)
        assert bad.returncode != 0
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
