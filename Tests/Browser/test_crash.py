"""Kill the server with SIGKILL while tokens are issued; every token that was answered has its audit row.

Audit rows are written in group commits, and a request is answered only after the batch holding its row has
committed, so an abrupt end loses only requests that were never answered. The answer's X-Request-Id is the
key: it is stored with the audit row.
"""
import os
import secrets
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import FAR_SUNSET, Http, free_port, start_gatehouse


def test_every_answered_token_is_audited_after_sigkill():
    data = tempfile.mkdtemp(prefix="gatehouse-crash-")
    port = free_port()
    admin_token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=admin_token, LOG_LEVEL="warning")
    process, base = start_gatehouse(data, *FAR_SUNSET, env=env, port=port)
    try:
        http = Http(base, admin_token)
        company = http.admin("POST", "/companies", {"name": "Crash Co"})["id"]
        account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": "Crash", "app_type": "custom"})
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": account["client_id"],
                                       "client_secret": account["client_secret"]}).encode()
        answered, lock, stop = [], threading.Lock(), threading.Event()

        def issue():
            while not stop.is_set():
                request = urllib.request.Request(base + "/oauth/token", data=body, method="POST",
                                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        response.read()
                        if response.status == 200:
                            with lock:
                                answered.append(response.headers["X-Request-Id"])
                except (urllib.error.URLError, ConnectionError, OSError):
                    return

        threads = [threading.Thread(target=issue) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(2.5)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        assert len(answered) > 50, f"only {len(answered)} tokens were answered before the kill"
        db = sqlite3.connect(os.path.join(data, "gatehouse.sqlite"))
        stored = {row[0] for row in db.execute("SELECT request_id FROM audit_log WHERE action = 'token.issue' AND outcome = 'success'")}
        db.close()
        missing = [rid for rid in answered if rid not in stored]
        assert not missing, f"{len(missing)} of {len(answered)} answered tokens have no audit row"
    finally:
        if process.poll() is None:
            process.kill()
        shutil.rmtree(data, ignore_errors=True)
