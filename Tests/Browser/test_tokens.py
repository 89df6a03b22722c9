"""Gatehouse's access tokens, checked by a second JOSE implementation (PyJWT), against the published JWKS.

The server signs with its own compact ES256 code (`ES256Signer`); jwt-kit verifies it in the Swift tests, and
this holds it to PyJWT too: header, signature encoding (`r || s`) and claims.
"""
import json
import time
import urllib.request

import jwt


def test_pyjwt_verifies_an_issued_token_with_the_jwks(server):
    http, company = server["http"], server["company"]
    account = http.admin("POST", f"/companies/{company}/service_accounts", {"name": "PyJWT probe", "app_type": "custom"})
    token = http.token(account["client_id"], account["client_secret"])
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "ES256" and header["typ"] == "at+jwt" and header["kid"]
    jwks = json.load(urllib.request.urlopen(server["base"] + "/.well-known/jwks.json"))
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["ES256"], audience=server["base"], issuer=server["base"])
    assert claims["client_id"] == account["client_id"] and claims["sub"] == account["client_id"]
    assert claims["exp"] - claims["iat"] == 5400
    assert abs(claims["iat"] - time.time()) < 120
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    try:
        jwt.decode(tampered, jwt.PyJWK(key).key, algorithms=["ES256"], audience=server["base"], issuer=server["base"])
        raise AssertionError("a tampered signature must not verify")
    except jwt.InvalidSignatureError:
        pass
