"""The client's real address: trust exactly the configured number of reverse proxies.

Each proxy appends the address it received the request from to ``X-Forwarded-For``, so
the last ``TRUSTED_PROXY_COUNT`` entries were written by our own proxies and the one they
name is the client; anything to their left is whatever the client sent. With 0 proxies
the headers are ignored entirely: a client who reaches the application directly could
otherwise name any address and dodge the per-address sign-in limit.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXY_COUNT"]
    if hops:
        # Flask's documented way to add WSGI middleware; its types declare wsgi_app a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
        return
    warned = False

    @app.before_request
    def forwarded_but_not_trusted():
        # A proxy the operator forgot to declare makes every client one address, so the
        # per-address limit would stop everyone at once: say so, once per process.
        nonlocal warned
        if not warned and "X-Forwarded-For" in request.headers:
            warned = True
            log.warning(
                "A request came with X-Forwarded-For, which is ignored because "
                "TRUSTED_PROXY_COUNT is 0. Behind a reverse proxy, set TRUSTED_PROXY_COUNT "
                "to the number of proxies (1 for one nginx); otherwise every client shares "
                "the proxy's address for the sign-in limits."
            )
