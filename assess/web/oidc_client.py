"""The OpenID Connect client of the organisation's identity provider (issue 16).

Authlib's Flask client, registered per app when ``OIDC_ISSUER`` is set: authorisation code
flow with PKCE (S256), state and nonce kept in the session, the ID token's signature
checked against the provider's JWKS and its issuer, audience and expiry checked. The
provider's discovery document is read at the first sign-in, not at start-up, so the app
starts while the provider is away.
"""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from ..config import ConfigError
from ..provider_groups import GroupMapping, GroupMappingError, load

EXTENSION = "assess.oidc"


def init_app(app: Flask) -> None:
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    missing = [k for k in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not app.config.get(k)]
    if missing:
        raise ConfigError(
            f"OIDC_ISSUER is set but {' and '.join(missing)} not: give the client id and "
            "secret the identity provider issued for this service (docs/sign-in.md)."
        )
    try:
        mapping = load(app.config.get("OIDC_GROUP_ROLES"), app.config.get("OIDC_GROUP_ROLES_FILE"))
    except GroupMappingError as exc:
        raise ConfigError(str(exc)) from exc
    if mapping is None:
        raise ConfigError(
            "OIDC_ISSUER is set but neither OIDC_GROUP_ROLES nor OIDC_GROUP_ROLES_FILE: "
            "say which groups give which roles (docs/sign-in.md)."
        )
    oauth = OAuth(app)
    client = oauth.register(
        "provider",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "default_timeout": 10,
        },
    )
    app.extensions[EXTENSION] = (client, mapping)


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def client():
    return current_app.extensions[EXTENSION][0]


def mapping() -> GroupMapping:
    return current_app.extensions[EXTENSION][1]
