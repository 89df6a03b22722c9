"""The CLI's operator-token commands against the built binary and a live server on the same data directory:
arguments, output and exit status, and that a revoked token stops working on the server at once."""
import base64
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request

from conftest import FAR_SUNSET, free_port, start_gatehouse
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
        server, base = start_gatehouse(data, env=env, port=port)
        code, companies = status(base + "/admin/v1/companies", token)
        assert code == 200 and companies == []
        code, tokens = status(base + "/admin/v1/admin_tokens", token)
        assert code == 200 and tokens[0]["name"] == "deploy-bot" and tokens[0]["last_used_at"] is not None
        code, rows = status(base + "/admin/v1/audit?action=admin_token.create", token)
        assert code == 200 and len(rows) == 1, rows
        assert rows[0]["actor"] == "operator:cli" and rows[0]["target"] == f"admin_token:{token_id}", "creation is audited, as revocation is"

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


def cli(*args, base, token):
    # `--token=…`: a token_urlsafe token may begin with "-", which would read as an option.
    return subprocess.run([binary(), *args, f"--url={base}", f"--token={token}"], capture_output=True, text=True, timeout=60)


def test_company_project_and_people_commands_against_a_live_server():
    data = tempfile.mkdtemp(prefix="gatehouse-cli-")
    port = free_port()
    token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=token, LOG_LEVEL="warning")
    server, base = start_gatehouse(data, env=env, port=port)
    try:
        created = cli("companies", "create", "Acme", base=base, token=token)
        assert created.returncode == 0, created.stderr
        company = json.loads(created.stdout)["id"]

        renamed = cli("companies", "update", str(company), "--name", "Acme Builders", base=base, token=token)
        assert renamed.returncode == 0 and json.loads(renamed.stdout)["name"] == "Acme Builders"
        off = cli("companies", "deactivate", str(company), base=base, token=token)
        assert off.returncode == 0 and json.loads(off.stdout)["is_active"] is False
        on = cli("companies", "activate", str(company), base=base, token=token)
        assert json.loads(on.stdout)["is_active"] is True

        request = urllib.request.Request(f"{base}/admin/v1/companies/{company}/projects", data=b'{"name":"Tower"}', method="POST",
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        project = json.loads(urllib.request.urlopen(request).read())["id"]
        archived = cli("projects", "archive", str(project), "--company", str(company), base=base, token=token)
        assert archived.returncode == 0 and json.loads(archived.stdout)["active"] is False
        listed = cli("projects", "list", "--company", str(company), "--per-page", "10", base=base, token=token)
        assert [p["id"] for p in json.loads(listed.stdout)] == [project], "the admin list keeps archived projects"

        missing = cli("companies", "deactivate", "999999", base=base, token=token)
        assert missing.returncode == 1
        assert json.loads(missing.stdout)["error"]["code"] == "not_found"
        bad_token = cli("companies", "list", base=base, token="wrong-token-wrong-token-wrong-token")
        assert bad_token.returncode == 1
        usage = subprocess.run([binary(), "companies", "deactivate", "not-a-number"], capture_output=True, text=True)
        assert usage.returncode == 64, "ArgumentParser's usage error"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


def test_serve_logs_one_json_object_per_line():
    data = tempfile.mkdtemp(prefix="gatehouse-logs-")
    port = free_port()
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=secrets.token_urlsafe(32), LOG_LEVEL="info")
    server, _ = start_gatehouse(data, "--log-format", "json", env=env, port=port, output=subprocess.PIPE, errors=subprocess.PIPE, text=True)
    try:
        status(f"http://127.0.0.1:{port}/admin/v1/companies", "wrong-token-wrong-token-wrong-token")
    finally:
        server.terminate()
        out, err = server.communicate(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert lines, "the server logged at info"
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "label", "message"} <= entry.keys(), line
    bad = subprocess.run([binary(), "serve", "--log-format", "xml"], capture_output=True, text=True)
    assert bad.returncode != 0 and "text or json" in bad.stderr


def test_master_key_rotate_status_and_drop_previous():
    """The runbook's rotation, step by step, against the binary: rotate (refused while the server runs), status,
    drop-previous refused while an operator token is still on the old key, then the token moves on use."""
    data = tempfile.mkdtemp(prefix="gatehouse-mk-")
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=secrets.token_urlsafe(32), LOG_LEVEL="warning")
    env.pop("GATEHOUSE_MASTER_KEY", None)
    env.pop("GATEHOUSE_MASTER_KEY_PREVIOUS", None)
    server = None
    try:
        token = run("admin-token", "create", "--name", "ops", data=data).stdout.strip()
        before = run("master-key", "status", data=data)
        assert before.returncode == 0, before.stderr
        old_id = before.stdout.splitlines()[0].split(": ")[1]
        assert "accepted earlier keys: none" in before.stdout
        assert f"operator tokens: 1 on {old_id}" in before.stdout

        new_key = os.path.join(data, "new.key")
        with open(new_key, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)).decode())  # as `openssl rand -base64 32` writes

        server, base = start_gatehouse(data, env=env)
        refused = run("master-key", "rotate", "--new-key-file", new_key, data=data)
        assert refused.returncode != 0 and "stop it before rotating" in refused.stderr
        server.terminate(); server.wait(timeout=30); server = None

        rotated = run("master-key", "rotate", "--new-key-file", new_key, data=data)
        assert rotated.returncode == 0, rotated.stderr
        assert "re-sealed 1 signing keys under" in rotated.stdout
        assert oct(os.stat(os.path.join(data, "master.key.previous")).st_mode & 0o777) == "0o600"
        during = run("master-key", "status", data=data).stdout
        assert f"accepted earlier keys: {old_id}" in during and "1 stored values still need an earlier key" in during

        dropped = run("master-key", "drop-previous", data=data)
        assert dropped.returncode != 0 and "still need an earlier master key" in dropped.stderr

        server, base = start_gatehouse(data, env=env)
        assert status(base + "/admin/v1/companies", token)[0] == 200, "the old token works, and moves to the new key"
        server.terminate(); server.wait(timeout=30); server = None

        assert "nothing needs an earlier key" in run("master-key", "status", data=data).stdout
        dropped = run("master-key", "drop-previous", data=data)
        assert dropped.returncode == 0, dropped.stderr
        assert not os.path.exists(os.path.join(data, "master.key.previous"))
        server, base = start_gatehouse(data, env=env)
        assert status(base + "/admin/v1/companies", token)[0] == 200
    finally:
        if server:
            server.kill()
            server.wait()
        shutil.rmtree(data, ignore_errors=True)


def test_directory_membership_and_audit_commands_against_a_live_server():
    data = tempfile.mkdtemp(prefix="gatehouse-cli-")
    port = free_port()
    token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=token, LOG_LEVEL="warning")
    server, base = start_gatehouse(data, env=env, port=port)

    def admin(method, path, body):
        request = urllib.request.Request(base + "/admin/v1" + path, data=json.dumps(body).encode(), method=method,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request).read())

    try:
        company = admin("POST", "/companies", {"name": "Acme"})["id"]
        project = admin("POST", f"/companies/{company}/projects", {"name": "Tower"})["id"]
        person = admin("POST", f"/companies/{company}/users", {"first_name": "Pat", "email": "pat@example.com"})["id"]
        template = admin("POST", f"/companies/{company}/permission_templates", {"name": "Field", "tools": {"rfi": "standard"}})["id"]
        admin("POST", f"/projects/{project}/memberships", {"person_id": person, "permission_template_id": template})

        changed = cli("memberships", "update", str(person), "--project", str(project), "--levels", "rfi=readonly",
                      base=base, token=token)
        assert changed.returncode == 0, changed.stdout + changed.stderr
        assert json.loads(changed.stdout) == {"project_id": project, "person_id": person}
        assert [m["id"] for m in status(f"{base}/admin/v1/projects/{project}/memberships", token)[1]] == [person]
        both = cli("memberships", "update", str(person), "--project", str(project), "--levels", "rfi=admin", "--template", "1",
                   base=base, token=token)
        assert both.returncode == 64 and "not both" in both.stderr
        bad_level = cli("memberships", "update", str(person), "--project", str(project), "--levels", "rfi=godmode",
                        base=base, token=token)
        assert bad_level.returncode == 1 and json.loads(bad_level.stdout)["error"]["fields"]

        removed = cli("people", "remove", str(person), "--company", str(company), base=base, token=token)
        assert removed.returncode == 0, removed.stdout + removed.stderr
        assert status(f"{base}/admin/v1/projects/{project}/memberships", token)[1] == [], "their membership went with them"
        again = cli("people", "remove", str(person), "--company", str(company), base=base, token=token)
        assert again.returncode == 1 and json.loads(again.stdout)["error"]["code"] == "not_found"

        audit = cli("audit", "--company", str(company), "--action", "directory.remove", "--outcome", "success",
                    "--since", "2020-01-01T00:00:00+00:00", base=base, token=token)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        entries = json.loads(audit.stdout)
        assert len(entries) == 1 and entries[0]["action"] == "directory.remove" and entries[0]["target"].endswith(str(person))
        changes = json.loads(cli("audit", "--company", str(company), "--action", "membership.add", base=base, token=token).stdout)
        assert [entry["detail"] for entry in changes] == [None, f"template {template}"], "newest first: levels in place of the template"
        future = cli("audit", "--company", str(company), "--since", "2999-01-01T00:00:00Z", base=base, token=token)
        assert json.loads(future.stdout) == []
        wrong = cli("audit", "--outcome", "maybe", base=base, token=token)
        assert wrong.returncode == 1 and json.loads(wrong.stdout)["error"]["fields"] == {"outcome": "must be one of success, failure, refused"}
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


def admin_json(base, token, method, path, body=None):
    request = urllib.request.Request(base + "/admin/v1" + path, data=None if body is None else json.dumps(body).encode(), method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def test_service_account_usage_commands_after_a_restart():
    """One allowed REST call, then SIGTERM: the graceful shutdown writes the count, and after a restart
    `service-accounts usage` reports it and `usage apply` lowers the unused grant (with --force: a new account)."""
    data = tempfile.mkdtemp(prefix="gatehouse-cli-")
    port = free_port()
    token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=token, LOG_LEVEL="warning")
    server, base = start_gatehouse(data, *FAR_SUNSET, env=env, port=port)
    try:
        company = admin_json(base, token, "POST", "/companies", {"name": "Acme"})["id"]
        account = admin_json(base, token, "POST", f"/companies/{company}/service_accounts", {"name": "Sync", "app_type": "custom"})
        admin_json(base, token, "PUT", f"/companies/{company}/people/{account['contact']['id']}/permissions",
                   {"tools": {"directory": "readonly", "portfolio": "readonly"}})
        basic = base64.b64encode(f"{account['client_id']}:{account['client_secret']}".encode()).decode()
        issued = urllib.request.urlopen(urllib.request.Request(base + "/oauth/token", data=b"grant_type=client_credentials", method="POST",
                                                               headers={"Authorization": f"Basic {basic}"}), timeout=10)
        access = json.loads(issued.read())["access_token"]
        code, _ = status(f"{base}/rest/v1.0/companies/{company}/users?company_id={company}", access)
        assert code == 200
        server.terminate()
        server.wait(timeout=20)

        server, base = start_gatehouse(data, *FAR_SUNSET, env=env, port=port)
        report = cli("service-accounts", "usage", "--company", str(company), str(account["id"]), "--days", "7", base=base, token=token)
        assert report.returncode == 0, report.stderr
        body = json.loads(report.stdout)
        assert body["days"] == 7 and body["complete"] is False
        assert [(u["tool"], u["level"], u["calls"]) for u in body["used"]] == [("directory", "readonly", 1)], body
        assert [(u["tool"], u["granted"], u["used"]) for u in body["unused"]] == [("portfolio", "readonly", "none")], body

        refused = cli("service-accounts", "usage", "apply", "--company", str(company), str(account["id"]), base=base, token=token)
        assert refused.returncode == 1 and json.loads(refused.stdout)["error"]["fields"]["force"], refused.stdout
        applied = cli("service-accounts", "usage", "apply", "--force", "--company", str(company), str(account["id"]), base=base, token=token)
        assert applied.returncode == 0, applied.stdout
        assert json.loads(applied.stdout)["granted"]["company"] == {"directory": "readonly"}
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "examples", "ci-fixture.yaml")


def test_apply_and_export_exit_codes_for_ci():
    """`gatehouse apply`: 0 when applied or nothing to change, 2 when a dry run finds drift, 1 when the API refuses,
    64 for a file it cannot read; created credentials go to a 0600 file. `export` writes YAML that applies back.
    And `serve --apply` with a bad document stops start-up, naming the path, before it listens."""
    data = tempfile.mkdtemp(prefix="gatehouse-ascode-")
    token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=token, LOG_LEVEL="warning")
    server = None
    try:
        server, base = start_gatehouse(data, *FAR_SUNSET, env=env)
        cli_env = dict(env, GATEHOUSE_URL=base)

        def cli(*args):
            return subprocess.run([binary(), *args], capture_output=True, text=True, timeout=60, env=cli_env)

        # The fixture's given credentials need --allow-given-credentials, which this server lacks: 1, naming the flag.
        refused = cli("apply", "-f", FIXTURE)
        assert refused.returncode == 1 and "--allow-given-credentials" in refused.stderr, refused.stderr

        document = open(FIXTURE).read().replace("        client_id: ci-sync\n", "").replace(
            "        client_secret: ci-sync-secret-at-least-32-characters-long\n", "")
        path = os.path.join(data, "deployment.yaml")
        open(path, "w").write(document)
        drift = cli("apply", "-f", path, "--dry-run")
        assert drift.returncode == 2, drift.stdout + drift.stderr
        assert "+ service_account" in drift.stdout and "Plan: 7 to create, 0 to update, 0 to delete." in drift.stdout

        creds = os.path.join(data, "creds.json")
        applied = cli("apply", "-f", path, "--credentials-out", creds)
        assert applied.returncode == 0, applied.stderr
        assert os.stat(creds).st_mode & 0o777 == 0o600
        created = json.load(open(creds))
        assert [c["name"] for c in created] == ["Riverside Builders/CI Sync"]
        assert created[0]["client_secret"] not in applied.stdout, "with --credentials-out the secret is not printed"

        clean = cli("apply", "-f", path, "--dry-run")
        assert clean.returncode == 0 and "No changes" in clean.stdout, clean.stdout

        exported = cli("export")
        assert exported.returncode == 0 and "name: Riverside Builders" in exported.stdout
        assert "client_secret" not in exported.stdout
        again = os.path.join(data, "exported.yaml")
        open(again, "w").write(exported.stdout)
        assert cli("apply", "-f", again, "--dry-run").returncode == 0, "the export describes the deployment exactly"

        assert cli("apply", "-f", os.path.join(data, "missing.yaml")).returncode == 64
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)

    bad = os.path.join(data, "bad.yaml")
    open(bad, "w").write("version: 1\ncompanies:\n  - name: X\n    service_accounts:\n      - name: S\n        projects:\n          - {project: Nowhere, tools: {rfi: readonly}}\n")
    stopped = subprocess.run([binary(), "serve", "--port", str(free_port()), "--data-directory", os.path.join(data, "second"), "--apply", bad],
                             capture_output=True, text=True, timeout=60, env=env)
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    assert "companies[0].service_accounts[0].projects[0].project" in stopped.stderr
    shutil.rmtree(data, ignore_errors=True)
