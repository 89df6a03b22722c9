"""Data at rest is private to the service user, against the built binary under a umask of 022: the data
directory is 0700 (and an existing wider one is tightened, with a warning), the database and its WAL and SHM files
are 0600, and so is every backup."""
import os
import shutil
import stat
import subprocess
import tempfile
import time
import urllib.request

from conftest import binary, start_gatehouse, FAR_SUNSET


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def with_umask_022():
    os.umask(0o022)


def test_data_directory_database_and_backup_are_private_under_umask_022():
    root = tempfile.mkdtemp(prefix="gatehouse-modes-")
    old = os.umask(0o022)
    try:
        data = os.path.join(root, "data")
        log = open(os.path.join(root, "server.log"), "wb")
        process, base = start_gatehouse(data, *FAR_SUNSET, env=dict(os.environ, LOG_LEVEL="info"), output=log)
        try:
            urllib.request.urlopen(base + "/health", timeout=5).read()
            database = os.path.join(data, "gatehouse.sqlite")
            for _ in range(100):
                if os.path.exists(database + "-wal") and os.path.exists(database + "-shm"):
                    break
                time.sleep(0.05)
            assert mode(data) == 0o700, oct(mode(data))
            for path in [database, database + "-wal", database + "-shm", os.path.join(data, "master.key")]:
                assert mode(path) == 0o600, f"{path}: {oct(mode(path))}"
            backup = os.path.join(root, "backup.sqlite")
            subprocess.run([binary(), "backup", "--data-directory", data, "--to", backup], check=True,
                           stdout=subprocess.DEVNULL, preexec_fn=with_umask_022)
            assert os.path.getsize(backup) > 0
            assert mode(backup) == 0o600, oct(mode(backup))
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()

        # An existing directory and database that others can read are tightened at start-up, with a warning.
        os.chmod(data, 0o755)
        os.chmod(os.path.join(data, "gatehouse.sqlite"), 0o644)
        log = open(os.path.join(root, "server2.log"), "wb")
        process, base = start_gatehouse(data, *FAR_SUNSET, env=dict(os.environ, LOG_LEVEL="info"), output=log)
        try:
            urllib.request.urlopen(base + "/health", timeout=5).read()
            assert mode(data) == 0o700
            assert mode(os.path.join(data, "gatehouse.sqlite")) == 0o600
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()
        assert "tightened a data path" in open(os.path.join(root, "server2.log"), errors="replace").read()
    finally:
        os.umask(old)
        shutil.rmtree(root, ignore_errors=True)
