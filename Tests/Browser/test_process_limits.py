"""Limits that only the real process shows: the connection cap (`--max-connections`).

Hummingbird's live test harness does not apply the cap, so this starts the built binary itself.
"""
import os
import secrets
import shutil
import socket
import tempfile
import time
import urllib.request

from conftest import binary, free_port, start_gatehouse  # binary is re-exported: the other binary tests import it from here


def get_health(sock, close=False):
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n" + (b"Connection: close\r\n" if close else b"") + b"\r\n")
    try:
        return sock.recv(1000)
    except socket.timeout:
        return b""


def test_connections_past_the_cap_wait_for_a_free_one():
    data = tempfile.mkdtemp(prefix="gatehouse-limits-")
    port = free_port()
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=secrets.token_urlsafe(32), LOG_LEVEL="warning")
    process, _ = start_gatehouse(data, "--max-connections", "2", env=env, port=port)
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health").read()
        time.sleep(0.5)  # the probe's connection has closed
        first = socket.create_connection(("127.0.0.1", port), timeout=5)
        second = socket.create_connection(("127.0.0.1", port), timeout=5)
        assert get_health(first).startswith(b"HTTP/1.1 200")
        assert get_health(second).startswith(b"HTTP/1.1 200")
        third = socket.create_connection(("127.0.0.1", port), timeout=1)
        assert get_health(third, close=True) == b"", "a third connection is not served while two are open"
        first.close()
        third.settimeout(5)
        assert third.recv(1000).startswith(b"HTTP/1.1 200"), "it is served once one closes"
        second.close()
        third.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
