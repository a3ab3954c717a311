"""A small OpenID provider for the tests (issue 16), served on loopback by werkzeug in a
thread: discovery, JWKS, authorize (no login page: it vouches at once for ``person``),
token (authorisation code with PKCE S256 checked) and end_session.

ID tokens are signed with a fresh RSA key through joserfc (which Authlib brings). ``tamper``
changes the next ID token's claims, so tests can send a wrong audience, an expired token
or a wrong nonce the way a broken or hostile provider would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class Provider:
    client_id = "eva-test-client"
    client_secret = "eva-test-secret"

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.person: dict = {}
        self.tamper: dict = {}
        self.codes: dict[str, dict] = {}
        self.ended: list[dict] = []  # end_session requests, their parameters
        self.token_requests: list[dict] = []
        self.with_end_session = True
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    # --- the endpoints ---------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        handler = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": self.jwks,
            "/authorize": self.authorize,
            "/token": self.token,
            "/end_session": self.end_session,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", 404)
        return response(environ, start_response)

    def discovery(self, request) -> Response:
        document = {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }
        if self.with_end_session:
            document["end_session_endpoint"] = self.url + "/end_session"
        return _json(document)

    def jwks(self, request) -> Response:
        return _json({"keys": [self.key.as_dict(private=False)]})

    def authorize(self, request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return Response("bad client or response type", 400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": args.get("nonce"),
            "challenge": args.get("code_challenge"),
            "method": args.get("code_challenge_method"),
            "redirect_uri": args["redirect_uri"],
            "person": dict(self.person),
        }
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def token(self, request) -> Response:
        form = request.form
        self.token_requests.append(dict(form))
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return _json({"error": "invalid_grant"}, 400)
        if not self._client_authenticated(request):
            return _json({"error": "invalid_client"}, 401)
        verifier = form.get("code_verifier") or ""
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if grant["method"] != "S256" or grant["challenge"] != expected:
            return _json({"error": "invalid_grant", "error_description": "PKCE failed"}, 400)
        now = int(time.time())
        person = grant["person"]
        claims = {
            "iss": self.url,
            "sub": person["sub"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **{k: v for k, v in person.items() if k != "sub"},
        }
        claims.update(self.tamper)
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return _json(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )

    def _client_authenticated(self, request) -> bool:
        auth = request.authorization
        if auth is not None:
            return auth.username == self.client_id and auth.password == self.client_secret
        form = request.form
        return (
            form.get("client_id") == self.client_id
            and form.get("client_secret") == self.client_secret
        )

    def end_session(self, request) -> Response:
        self.ended.append(dict(request.args))
        target = request.args.get("post_logout_redirect_uri")
        if not target:
            return Response("signed out", 200)
        query = urlencode({"state": request.args.get("state", "")})
        return Response(status=302, headers={"Location": f"{target}?{query}"})


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data), status, mimetype="application/json")
