"""SIGTERM under load, against the built binary: `/ready` turns 503 at once while requests are still served for
`--shutdown-drain`, a request still being sent when the listener closes is answered, the process exits 0, and
every answered token has its audit row.

The load behaves as a load balancer does: it watches `/ready` and sends no new request once it says 503. Under
that rule no request may fail at all, neither with an HTTP error nor with a broken connection.
"""
import http.client
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import FAR_SUNSET, Http, free_port, start_gatehouse


def get(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_sigterm_under_load_drains_answers_in_flight_requests_and_loses_no_audit_row():
    data = tempfile.mkdtemp(prefix="gatehouse-shutdown-")
    port = free_port()
    admin_token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=admin_token, LOG_LEVEL="info", GATEHOUSE_LOG_FORMAT="json")
    # A file, not a pipe: one log line per request would fill a pipe nobody reads and stall the server.
    log_file = open(os.path.join(data, "server.log"), "w")
    process, base = start_gatehouse(data, "--shutdown-drain", "1", "--shutdown-timeout", "10", *FAR_SUNSET,
                                    env=env, port=port, output=log_file)
    try:
        assert get(base, "/ready") == (200, b'{"status":"ready"}')
        api = Http(base, admin_token)
        company = api.admin("POST", "/companies", {"name": "Shutdown Co"})["id"]
        account = api.admin("POST", f"/companies/{company}/service_accounts", {"name": "Drain", "app_type": "custom"})
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": account["client_id"],
                                       "client_secret": account["client_secret"]}).encode()
        answered, failures, lock = [], [], threading.Lock()
        routable = threading.Event()
        routable.set()
        seen = {}

        def issue():
            while routable.is_set():
                request = urllib.request.Request(base + "/oauth/token", data=body, method="POST",
                                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        response.read()
                        with lock:
                            answered.append(response.headers["X-Request-Id"])
                except Exception as error:  # any failure at all is a finding
                    with lock:
                        failures.append(repr(error))
                    return

        def watch_ready():
            while routable.is_set():
                status, text = get(base, "/ready")
                if status == 503:
                    seen["ready"] = text
                    seen["health"] = get(base, "/health")[0]
                    routable.clear()
                    return
                time.sleep(0.02)

        # A token request whose body is still arriving when the listener closes: it is in flight and must be answered.
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: gatehouse\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body[:10])

        threads = [threading.Thread(target=issue) for _ in range(6)] + [threading.Thread(target=watch_ready)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        sent_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join(timeout=15)
        # After the drain, the listener closes: new connections are refused.
        time.sleep(1.5)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            refused = False
        except OSError:
            refused = True
        slow.sendall(body[10:])
        reply = http.client.HTTPResponse(slow)
        reply.begin()
        slow_body = reply.read()
        slow.close()

        code = process.wait(timeout=20)
        stopped_after = time.monotonic() - sent_at
        log_file.close()
        with open(os.path.join(data, "server.log")) as handle:
            log = handle.read()

        assert not failures, f"{len(failures)} requests failed during shutdown: {failures[:3]}"
        assert len(answered) > 50, f"only {len(answered)} tokens were answered under load"
        assert seen["ready"] == b'{"status":"draining"}' and seen["health"] == 200, "draining: not ready, still alive"
        assert refused, "the listener closed after the drain"
        assert reply.status == 200 and b"access_token" in slow_body, "the request in flight when the listener closed was answered"
        assert code == 0, f"exit status {code}"
        assert stopped_after < 15
        assert '"message":"draining"' in log and '"message":"stopped"' in log

        db = sqlite3.connect(os.path.join(data, "gatehouse.sqlite"))
        stored = {row[0] for row in db.execute("SELECT request_id FROM audit_log WHERE action = 'token.issue' AND outcome = 'success'")}
        db.close()
        missing = [rid for rid in answered + [reply.headers["X-Request-Id"]] if rid not in stored]
        assert not missing, f"{len(missing)} of {len(answered) + 1} answered tokens have no audit row"
    finally:
        if process.poll() is None:
            process.kill()
        shutil.rmtree(data, ignore_errors=True)
