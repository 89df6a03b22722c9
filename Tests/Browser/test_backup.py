"""`gatehouse backup` under write load and `gatehouse restore` into a new directory, against the built binary:
every write acknowledged before the backup started is in the restored database, and restore refuses a database
that a running server holds."""
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

from conftest import free_port, start_gatehouse
from test_process_limits import binary


def start(data, token):
    return start_gatehouse(data, env=dict(os.environ, GATEHOUSE_ADMIN_TOKEN=token, LOG_LEVEL="warning"))


def admin(base, token, method, path, body=None):
    request = urllib.request.Request(base + "/admin/v1" + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_backup_under_load_then_restore_into_a_new_directory():
    source, target = tempfile.mkdtemp(prefix="gatehouse-backup-"), tempfile.mkdtemp(prefix="gatehouse-restore-")
    backup = os.path.join(tempfile.mkdtemp(prefix="gatehouse-file-"), "backup.sqlite")
    token = secrets.token_urlsafe(32)
    server, base = start(source, token)
    restored = None
    acknowledged = []
    stop = threading.Event()

    def write():
        n = 0
        while not stop.is_set():
            n += 1
            company = admin(base, token, "POST", "/companies", {"name": f"Load {n}"})
            acknowledged.append((time.monotonic(), company["id"]))

    writers = [threading.Thread(target=write) for _ in range(4)]
    try:
        for writer in writers:
            writer.start()
        time.sleep(1.0)
        started = time.monotonic()
        made = subprocess.run([binary(), "backup", "--to", backup, "--data-directory", source], capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        assert "keep the master key apart" in made.stdout
        time.sleep(0.5)
        stop.set()
        for writer in writers:
            writer.join()
        before = {company for at, company in acknowledged if at < started}
        assert len(before) > 20, "the backup ran under load"

        again = subprocess.run([binary(), "backup", "--to", backup, "--data-directory", source], capture_output=True, text=True)
        assert again.returncode != 0 and "already exists" in again.stderr

        refused = subprocess.run([binary(), "restore", "--from", backup, "--data-directory", source], capture_output=True, text=True)
        assert refused.returncode != 0 and "running gatehouse server" in refused.stderr

        done = subprocess.run([binary(), "restore", "--from", backup, "--data-directory", target], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        shutil.copy(os.path.join(source, "master.key"), os.path.join(target, "master.key"))
        restored, restored_base = start(target, token)
        found = set()
        page = 1
        while True:
            batch = admin(restored_base, token, "GET", f"/companies?per_page=1000&page={page}")
            found |= {company["id"] for company in batch}
            if len(batch) < 1000:
                break
            page += 1
        missing = before - found
        assert not missing, f"{len(missing)} acknowledged writes are missing from the restored copy"
    finally:
        stop.set()
        for process in (server, restored):
            if process:
                process.terminate()
                process.wait(timeout=10)
        for path in (source, target, os.path.dirname(backup)):
            shutil.rmtree(path, ignore_errors=True)


def test_a_second_server_on_the_same_file_refuses_to_start():
    data = tempfile.mkdtemp(prefix="gatehouse-lock-")
    token = secrets.token_urlsafe(32)
    server, _ = start(data, token)
    try:
        second = subprocess.run([binary(), "serve", "--port", str(free_port()), "--data-directory", data],
                                env=dict(os.environ, GATEHOUSE_ADMIN_TOKEN=token), capture_output=True, text=True, timeout=30)
        assert second.returncode != 0
        assert "another gatehouse server holds" in second.stderr + second.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
