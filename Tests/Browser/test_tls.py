"""TLS against the built binary, with certificates this test makes itself: a token over HTTPS, an https issuer,
Secure cookies, TLS 1.2 as the floor, and a certificate reloaded on SIGHUP without dropping an open connection."""
import base64
import datetime
import http.client
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import FAR_SUNSET, free_port, start_gatehouse
from test_process_limits import binary


def make_certificate(directory, name):
    """A self-signed certificate for 127.0.0.1, written as PEM; answers (cert path, key path, DER bytes)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, f"{name}.crt"), os.path.join(directory, f"{name}.key")
    with open(cert_path, "wb") as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    return cert_path, key_path, certificate.public_bytes(serialization.Encoding.DER)


def trusting(*cert_paths):
    context = ssl.create_default_context()
    for path in cert_paths:
        context.load_verify_locations(path)
    return context


def request(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_tls_serves_tokens_reloads_on_sighup_and_refuses_old_protocols():
    directory = tempfile.mkdtemp(prefix="gatehouse-tls-")
    served_cert, served_key = os.path.join(directory, "server.crt"), os.path.join(directory, "server.key")
    first_cert, first_key, first_der = make_certificate(directory, "first")
    second_cert, second_key, second_der = make_certificate(directory, "second")
    shutil.copy(first_cert, served_cert)
    shutil.copy(first_key, served_key)
    port = free_port()
    admin_token = secrets.token_urlsafe(32)
    env = dict(os.environ, GATEHOUSE_ADMIN_TOKEN=admin_token, LOG_LEVEL="warning")
    process, _ = start_gatehouse(os.path.join(directory, "data"), "--tls-cert", served_cert, "--tls-key", served_key, *FAR_SUNSET,
                                 env=env, port=port, scheme="https")
    both = trusting(first_cert, second_cert)
    try:
        kept = http.client.HTTPSConnection("127.0.0.1", port, context=both, timeout=10)
        admin = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}
        status, _, body = request(kept, "POST", "/admin/v1/companies", json.dumps({"name": "TLS Co"}), admin)
        assert status == 201, body
        company = json.loads(body)["id"]
        status, _, body = request(kept, "POST", f"/admin/v1/companies/{company}/service_accounts",
                                  json.dumps({"name": "Over TLS", "app_type": "custom"}), admin)
        account = json.loads(body)
        assert kept.sock.getpeercert(binary_form=True) == first_der
        assert kept.sock.version() in ("TLSv1.2", "TLSv1.3")

        # A token over TLS, with an https issuer (the default when TLS is on).
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": account["client_id"],
                                       "client_secret": account["client_secret"]})
        status, _, body = request(kept, "POST", "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body
        payload = json.loads(body)["access_token"].split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert claims["iss"] == f"https://127.0.0.1:{port}"
        status, _, body = request(kept, "GET", "/.well-known/oauth-authorization-server")
        assert json.loads(body)["token_endpoint"] == f"https://127.0.0.1:{port}/oauth/token"

        # Cookies are Secure and host-pinned behind TLS.
        status, headers, _ = request(kept, "GET", "/login")
        cookie = headers.get("Set-Cookie", "")
        assert cookie.startswith("__Host-gh_csrf=") and "Secure" in cookie and "HttpOnly" in cookie

        # TLS 1.1 and older are refused.
        old = trusting(first_cert)
        old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        try:
            old.set_ciphers("DEFAULT:@SECLEVEL=0")
        except ssl.SSLError:
            pass
        try:
            with old.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="127.0.0.1"):
                refused = False
        except (ssl.SSLError, OSError):
            refused = True
        assert refused, "a TLS 1.1 handshake must fail"

        # Plain HTTP gets no HTTP answer on the TLS port.
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            plain.request("GET", "/health")
            answered = plain.getresponse().status == 200
        except (http.client.HTTPException, OSError):
            answered = False
        assert not answered

        # SIGHUP: new connections get the renewed certificate; the open one keeps working on the old.
        shutil.copy(second_cert, served_cert)
        shutil.copy(second_key, served_key)
        process.send_signal(signal.SIGHUP)
        renewed = None
        for _ in range(100):
            fresh = http.client.HTTPSConnection("127.0.0.1", port, context=both, timeout=5)
            fresh.connect()
            renewed = fresh.sock.getpeercert(binary_form=True)
            fresh.close()
            if renewed == second_der:
                break
            time.sleep(0.05)
        assert renewed == second_der, "new connections get the reloaded certificate"
        status, _, _ = request(kept, "GET", "/health")
        assert status == 200 and kept.sock.getpeercert(binary_form=True) == first_der, "the open connection was not dropped"
        only_second = http.client.HTTPSConnection("127.0.0.1", port, context=trusting(second_cert), timeout=5)
        status, _, body = request(only_second, "POST", "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body

        # A broken file on reload keeps the current certificate.
        with open(served_cert, "w") as handle:
            handle.write("not a certificate")
        process.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        assert process.poll() is None
        again = http.client.HTTPSConnection("127.0.0.1", port, context=trusting(second_cert), timeout=5)
        assert request(again, "GET", "/health")[0] == 200
        kept.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(directory, ignore_errors=True)


def test_a_bad_certificate_stops_start_up_with_a_clear_message():
    directory = tempfile.mkdtemp(prefix="gatehouse-tls-bad-")
    try:
        cert = os.path.join(directory, "bad.crt")
        with open(cert, "w") as handle:
            handle.write("not a certificate")
        started = subprocess.run([binary(), "serve", "--port", str(free_port()), "--data-directory", os.path.join(directory, "data"),
                                  "--tls-cert", cert, "--tls-key", cert], capture_output=True, text=True, timeout=60)
        assert started.returncode != 0
        assert "TLS certificate" in started.stderr + started.stdout
        alone = subprocess.run([binary(), "serve", "--tls-cert", cert], capture_output=True, text=True, timeout=60)
        assert alone.returncode != 0 and "--tls-cert and --tls-key go together" in alone.stderr
    finally:
        shutil.rmtree(directory, ignore_errors=True)
