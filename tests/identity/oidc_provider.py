"""A small, standards-following OpenID Connect provider that the identity tests run as a real HTTP server on the
loopback (a thread of the test process, a real socket): discovery, the authorisation endpoint (code flow with
PKCE), the token endpoint (authorization_code and refresh_token grants, client_secret_post or basic), userinfo
and the JWKS, with id tokens signed RS256 by a fresh RSA key. Nothing of Homeward is imitated: Homeward talks to
it over HTTP exactly as it talks to Microsoft Entra ID or Keycloak.

A test plays the provider's administrator: it adds people (`add_person`), disables them, changes their groups and
their amr/acr, and says who is at the browser (`signing_in`). The authorisation step, which at a real provider
shows its own sign-in page, signs in whoever `signing_in` names (or answers `access_denied` for a disabled one).
`tamper` makes the next tokens wrong in one way (another audience, another signing key, another issuer), to check
that Homeward refuses them.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

PORTS = range(8500, 8600)  # this worktree's port range


@dataclass
class Person:
    username: str
    groups: list[str]
    given_name: str = "Sam"
    family_name: str = "Provider"
    enabled: bool = True
    amr: list[str] = field(default_factory=lambda: ["pwd"])
    acr: str = "1"
    subject: str = field(default_factory=lambda: secrets.token_hex(8))


@dataclass
class Grant:
    username: str
    nonce: str | None
    code_challenge: str | None
    redirect_uri: str


class Provider:
    def __init__(self, client_id: str = "homeward", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rogue_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "homeward-test-key"
        self.people: dict[str, Person] = {}
        self.signing_in: str | None = None
        self.refresh_lifetime: int | None = 1800
        self.tamper = ""
        self.refuse_userinfo = False
        self.id_token_on_refresh = True
        self.requests: list[str] = []
        self._codes: dict[str, Grant] = {}
        self._access: dict[str, str] = {}
        self._refresh: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None

    # --- the provider's administrator ---------------------------------------------------------------------

    def add_person(self, username: str, groups: list[str], **kwargs) -> Person:
        self.people[username] = Person(username=username, groups=list(groups), **kwargs)
        return self.people[username]

    def reset(self) -> None:
        self.people.clear()
        self._codes.clear()
        self._access.clear()
        self._refresh.clear()
        self.signing_in, self.tamper, self.refuse_userinfo, self.refresh_lifetime = None, "", False, 1800
        self.id_token_on_refresh = True
        self.requests.clear()

    def disable(self, username: str) -> None:
        """As Keycloak and Entra ID do: a disabled person's tokens stop working at once."""
        self.people[username].enabled = False

    # --- serving ------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/homeward"

    def start(self) -> "Provider":
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                provider.handle(self, "GET")

            def do_POST(self) -> None:
                provider.handle(self, "POST")

        for port in PORTS:
            try:
                self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("No free port in 8500-8599 for the test identity provider")
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def settings(self) -> dict:
        """Homeward's settings for this provider, as docs/identity.md says to set them from the environment."""
        base = f"{self.issuer}/protocol/openid-connect"
        return {
            "HOMEWARD_OIDC_ENABLED": True,
            "HOMEWARD_OIDC_PROVIDER_NAME": "Test Keycloak",
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{base}/token",
            "OIDC_OP_USER_ENDPOINT": f"{base}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{base}/certs",
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
        }

    # --- the endpoints --------------------------------------------------------------------------------------

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(handler.path)
        self.requests.append(f"{method} {parsed.path}")
        base = "/realms/homeward/protocol/openid-connect"
        routes = {
            ("GET", "/realms/homeward/.well-known/openid-configuration"): self._discovery,
            ("GET", f"{base}/auth"): self._authorize,
            ("POST", f"{base}/token"): self._token,
            ("GET", f"{base}/userinfo"): self._userinfo,
            ("GET", f"{base}/certs"): self._jwks,
        }
        route = routes.get((method, parsed.path))
        if route is None:
            self._send(handler, 404, {"error": "not_found"})
            return
        body = b""
        if method == "POST":
            body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        form = {k: v[0] for k, v in parse_qs(body.decode() if body else parsed.query).items()}
        route(handler, form)

    def _send(self, handler, status: int, payload=None, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode() if payload is not None else b""
        handler.send_response(status)
        if payload is not None:
            handler.send_header("Content-Type", "application/json")
        handler.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _discovery(self, handler, form) -> None:
        base = f"{self.issuer}/protocol/openid-connect"
        self._send(
            handler,
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{base}/auth",
                "token_endpoint": f"{base}/token",
                "userinfo_endpoint": f"{base}/userinfo",
                "jwks_uri": f"{base}/certs",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
            },
        )

    def _authorize(self, handler, form) -> None:
        redirect_uri = form.get("redirect_uri", "")
        if form.get("client_id") != self.client_id or not redirect_uri:
            self._send(handler, 400, {"error": "invalid_request"})
            return
        person = self.people.get(self.signing_in or "")
        if form.get("response_type") != "code" or "openid" not in form.get("scope", "").split():
            query = {"error": "invalid_request", "state": form.get("state", "")}
        elif person is None or not person.enabled:
            query = {"error": "access_denied", "state": form.get("state", "")}
        else:
            code = secrets.token_urlsafe(24)
            self._codes[code] = Grant(person.username, form.get("nonce"), form.get("code_challenge"), redirect_uri)
            query = {"code": code, "state": form.get("state", "")}
        self._send(handler, 302, headers={"Location": f"{redirect_uri}?{urlencode(query)}"})

    def _client_ok(self, handler, form) -> bool:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = handler.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        return client_id == self.client_id and secret == self.client_secret

    def _token(self, handler, form) -> None:
        if not self._client_ok(handler, form):
            self._send(handler, 401, {"error": "invalid_client"})
            return
        grant_type = form.get("grant_type")
        username: str | None
        if grant_type == "authorization_code":
            grant = self._codes.pop(form.get("code", ""), None)  # a code works once
            if grant is None or grant.redirect_uri != form.get("redirect_uri"):
                self._send(handler, 400, {"error": "invalid_grant"})
                return
            if grant.code_challenge is not None:
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if digest != grant.code_challenge:
                    self._send(handler, 400, {"error": "invalid_grant", "error_description": "PKCE"})
                    return
            username, nonce = grant.username, grant.nonce
        elif grant_type == "refresh_token":
            username = self._refresh.pop(form.get("refresh_token", ""), None)  # rotated: each works once
            nonce = None
            if username is None:
                self._send(handler, 400, {"error": "invalid_grant"})
                return
        else:
            self._send(handler, 400, {"error": "unsupported_grant_type"})
            return
        person = self.people.get(username)
        if person is None or not person.enabled:
            self._send(handler, 400, {"error": "invalid_grant", "error_description": "Account disabled"})
            return
        tokens = self._tokens(person, nonce)
        if grant_type == "refresh_token" and not self.id_token_on_refresh:
            del tokens["id_token"]  # as some providers do: a refresh gives an access token only
        self._send(handler, 200, tokens)

    def _tokens(self, person: Person, nonce: str | None) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer if self.tamper != "issuer" else "http://127.0.0.1:1/realms/elsewhere",
            "sub": person.subject,
            "aud": self.client_id if self.tamper != "audience" else "another-service",
            "azp": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "amr": person.amr,
            "acr": person.acr,
            "preferred_username": person.username,
            "email": f"{person.username}@example.test",
            "given_name": person.given_name,
            "family_name": person.family_name,
            "groups": person.groups,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        key = self.rogue_key if self.tamper == "signature" else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self._access[access] = person.username
        self._refresh[refresh] = person.username
        tokens = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 300,
            "refresh_token": refresh,
            "id_token": id_token,
            "scope": "openid email profile",
        }
        if self.refresh_lifetime is not None:
            tokens["refresh_expires_in"] = self.refresh_lifetime
        return tokens

    def _userinfo(self, handler, form) -> None:
        auth = handler.headers.get("Authorization", "")
        username = self._access.get(auth[7:]) if auth.startswith("Bearer ") else None
        person = self.people.get(username or "")
        if person is None or not person.enabled or self.refuse_userinfo:
            self._send(handler, 401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        self._send(
            handler,
            200,
            {
                "sub": person.subject,
                "preferred_username": person.username,
                "email": f"{person.username}@example.test",
                "given_name": person.given_name,
                "family_name": person.family_name,
            },
        )

    def _jwks(self, handler, form) -> None:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True) | {"kid": self.kid, "alg": "RS256", "use": "sig"}
        self._send(handler, 200, {"keys": [jwk]})

    def expire_refresh_tokens(self) -> None:
        """As a provider does when a session ends: every refresh token stops working."""
        self._refresh.clear()
