"""Browser suite for the Gatehouse console: a real Chromium against a live server on a throw-away database.

Environment:
  GATEHOUSE_BIN    the gatehouse executable (default: `swift build --show-bin-path`/gatehouse)
  SCREENSHOT_DIR   where screenshots of the main pages go (default: Tests/Browser/screenshots)
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PASSWORD = "correct-horse-battery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary():
    """The gatehouse executable under test: GATEHOUSE_BIN, or the one `swift build` made."""
    path = os.environ.get("GATEHOUSE_BIN")
    if path:
        return path
    bin_path = subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip()
    return os.path.join(bin_path, "gatehouse")


# Traditional accounts may still be created and used: the real clock is past Procore's sunset.
FAR_SUNSET = ["--traditional-deprecated-at", "2100-01-01", "--traditional-creation-blocked-at", "2100-01-02",
              "--traditional-sunset-at", "2100-01-03"]


def start_gatehouse(data, *args, env=None, port=None, output=subprocess.DEVNULL, errors=subprocess.STDOUT, text=False, scheme="http"):
    """Starts `gatehouse serve` on a free port with the data directory `data` and the extra `args`, and waits until
    it accepts connections. Answers (process, base URL); the caller stops it. The one way the suite starts the
    binary: `output` and `errors` say where its stdout and stderr go (stderr joins stdout by default)."""
    port = port or free_port()
    process = subprocess.Popen([binary(), "serve", "--port", str(port), "--data-directory", data, *args],
                               env=env, stdout=output, stderr=errors, text=text)
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"{scheme}://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                raise AssertionError(f"gatehouse serve exited with status {process.returncode}")
            time.sleep(0.05)
    process.kill()
    raise AssertionError("gatehouse serve did not start")


class Http:
    """Plain HTTP against the server: the admin API with the operator token, OAuth and REST."""

    def __init__(self, base, admin_token):
        self.base = base
        self.admin_token = admin_token

    def call(self, method, path, body=None, headers=None, form=None):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text.startswith(("{", "[")) else text)
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return error.code, (json.loads(text) if text.startswith(("{", "[")) else text)

    def admin(self, method, path, body=None):
        status, answer = self.call(method, "/admin/v1" + path, body, {"Authorization": f"Bearer {self.admin_token}"})
        assert status < 300, f"{method} {path}: {status} {answer}"
        return answer

    def token_status(self, client_id, secret):
        status, answer = self.call("POST", "/oauth/token", form={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        return status, answer

    def token(self, client_id, secret):
        status, answer = self.token_status(client_id, secret)
        assert status == 200, answer
        return answer["access_token"]

    def rest(self, path, token, company):
        return self.call("GET", path, headers={"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company)})[0]


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("GATEHOUSE_BIN")
    if not binary:
        bin_path = subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip()
        binary = os.path.join(bin_path, "gatehouse")
    data = tempfile.mkdtemp(prefix="gatehouse-browser-")
    port = free_port()
    admin_token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=admin_token, LOG_LEVEL="warning")
    log = open(os.path.join(data, "server.log"), "w")
    process = subprocess.Popen(
        [binary, "serve", "--port", str(port), "--data-directory", data,
         # Deprecated but not yet blocked, so accounts can be created and the banner shows.
         "--traditional-deprecated-at", "2020-01-01", "--traditional-creation-blocked-at", "2099-01-01", "--traditional-sunset-at", "2099-12-31"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/health")
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("the server did not start: " + open(os.path.join(data, "server.log")).read())
    http = Http(base, admin_token)
    company = http.admin("POST", "/companies", {"name": "Riverside Builders"})["id"]
    admin = http.admin("POST", f"/companies/{company}/users", {"first_name": "Casey", "last_name": "Admin", "email": "casey@riverside.test", "password": PASSWORD})
    http.admin("PUT", f"/companies/{company}/people/{admin['id']}/permissions", {"tools": {"admin": "admin"}})
    http.admin("POST", f"/companies/{company}/users", {"first_name": "Robin", "last_name": "Field", "email": "robin@riverside.test", "password": PASSWORD})
    http.admin("POST", f"/companies/{company}/users", {"first_name": "Dev", "last_name": "Builder", "email": "dev@apps.test", "password": PASSWORD})
    tower = http.admin("POST", f"/companies/{company}/projects", {"name": "Riverside Tower"})["id"]
    harbor = http.admin("POST", f"/companies/{company}/projects", {"name": "Harbor Bridge"})["id"]
    template = http.admin("POST", f"/companies/{company}/permission_templates", {"name": "Project reader", "tools": {"rfi": "readonly", "directory": "readonly"}})["id"]
    yield {"base": base, "http": http, "company": company, "tower": tower, "harbor": harbor, "template": template}
    process.terminate()
    process.wait(timeout=10)
    log.close()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshots():
    folder = os.environ.get("SCREENSHOT_DIR") or os.path.join(HERE, "screenshots")
    os.makedirs(folder, exist_ok=True)
    return folder


@pytest.fixture
def driver():
    options = Options()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--window-size=1280,1100")
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            options.binary_location = candidate
            break
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    browser = webdriver.Chrome(options=options, service=service)
    browser.implicitly_wait(2)
    yield browser
    browser.quit()
