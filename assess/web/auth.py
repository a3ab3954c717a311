"""Log in and out."""

from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from joserfc.errors import JoseError
from requests import RequestException
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..i18n import lazy_text as _l
from ..operations import LockedOut, provider_sign_in
from ..operations import users as user_ops
from ..provider_groups import groups_of, groups_overage
from . import oidc_client, sessions
from .util import safe_next

bp = Blueprint("auth", __name__)

# Where the flask session keeps what logout needs to end the provider's session too.
PROVIDER_TOKEN_KEY = "provider_id_token"
# An ID token longer than this (a person in hundreds of groups) is not kept in the cookie;
# logout then names the client instead of the token.
MAX_KEPT_TOKEN = 2048


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    headers = {}
    if form.validate_on_submit():
        try:
            signed_in = user_ops.log_in(
                form.email.data,
                form.password.data,
                request.remote_addr,
                language=session.get("language"),
                user_agent=request.user_agent.string,
            )
        except LockedOut as exc:
            form.form_errors.append(str(exc))
            status = 429
            headers["Retry-After"] = str(exc.retry_after)
        except user_ops.PasswordSignInOff as exc:
            form.form_errors.append(str(exc))
            status = 403
        else:
            if signed_in is None:
                form.form_errors.append(
                    str(
                        _l("The e-mail address or the password is wrong. Check both and try again.")
                    )
                )
                status = 401
            else:
                sessions.begin(*signed_in)  # a new server-side session, a fresh cookie
                return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return _login_page(form, status, headers)


def _login_page(form: LoginForm, status: int = 200, headers=None):
    page = render_template(
        "auth/login.html",
        form=form,
        provider_name=current_app.config["OIDC_PROVIDER_NAME"] if oidc_client.enabled() else None,
    )
    return page, status, headers or {}


@bp.get("/login/provider")
def provider_login():
    """Off to the organisation's identity provider (state, nonce and PKCE kept in the
    session by Authlib)."""
    if not oidc_client.enabled():
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    next_url = request.args.get("next")
    try:
        answer = oidc_client.client().authorize_redirect(
            url_for("auth.provider_callback", _external=True)
        )
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as exc:
        return _provider_failed("authorize", exc)
    if next_url:
        session["provider_next"] = next_url
    return answer


@bp.get("/login/provider/callback")
def provider_callback():
    """The provider's answer: checked by Authlib, then the person let in (or refused)."""
    if not oidc_client.enabled():
        return redirect(url_for("auth.login"))
    client = oidc_client.client()
    next_url = session.pop("provider_next", None)
    try:
        token = client.authorize_access_token()
        claims = token.get("userinfo")
        if not claims:
            raise ValueError("the provider's answer had no ID token")
        # Authlib checks the audience through azp only when aud is a list; say it plainly.
        audience = claims.get("aud")
        audience = audience if isinstance(audience, list) else [audience]
        if current_app.config["OIDC_CLIENT_ID"] not in audience:
            raise ValueError(f"the ID token's audience {audience!r} is not this client")
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as exc:
        return _provider_failed("callback", exc)
    person = provider_sign_in.ProviderPerson(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=str(
            claims.get("email") or claims.get("preferred_username") or claims.get("upn") or ""
        ),
        name=str(
            claims.get("name")
            or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
        ),
        groups=groups_of(claims, current_app.config["OIDC_GROUPS_CLAIM"]),
        groups_overage=groups_overage(claims, current_app.config["OIDC_GROUPS_CLAIM"]),
    )
    try:
        signed_in = provider_sign_in.sign_in(
            person,
            oidc_client.mapping(),
            address=request.remote_addr,
            user_agent=request.user_agent.string,
            language=session.get("language"),
        )
    except provider_sign_in.SignInRefused as exc:
        current_app.logger.warning(
            "Sign-in through the identity provider refused for subject %s: %s",
            person.subject,
            exc,
        )
        form = LoginForm(formdata=None)
        form.form_errors.append(str(exc))
        return _login_page(form, 403)
    sessions.begin(*signed_in)
    id_token = token.get("id_token") or ""
    session[PROVIDER_TOKEN_KEY] = id_token if len(id_token) <= MAX_KEPT_TOKEN else ""
    return redirect(safe_next(next_url))


def _provider_failed(step: str, exc: Exception):
    """Logged for the operator with the reason; the person is told plainly, never a 500."""
    current_app.logger.warning(
        "Sign-in through the identity provider failed at %s: %s: %s",
        step,
        type(exc).__name__,
        exc,
    )
    form = LoginForm(formdata=None)
    form.form_errors.append(
        str(
            _l(
                "Signing in with %(provider)s did not succeed. Try again; if it fails again, "
                "tell your administrator the time it happened.",
                provider=current_app.config["OIDC_PROVIDER_NAME"],
            )
        )
    )
    return _login_page(form, 400 if step == "callback" else 502)


@bp.post("/logout")
def logout():
    id_token = session.get(PROVIDER_TOKEN_KEY)
    sessions.end()
    flash(str(_l("You have logged out.")), "info")
    if id_token is not None and oidc_client.enabled():
        # Signed in through the provider: end its session too, where it offers that.
        client = oidc_client.client()
        try:
            if client.load_server_metadata().get("end_session_endpoint"):
                return client.logout_redirect(
                    post_logout_redirect_uri=url_for("auth.login", _external=True),
                    id_token_hint=id_token or None,
                    client_id=current_app.config["OIDC_CLIENT_ID"],
                )
        except (AuthlibBaseError, RequestException, ValueError) as exc:
            current_app.logger.warning("Could not end the identity provider's session: %s", exc)
    return redirect(url_for("auth.login"))
