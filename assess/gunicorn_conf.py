"""gunicorn's settings for this application: ``gunicorn -c python:assess.gunicorn_conf``
(gunicorn reads ./gunicorn.conf.py of a checkout, which imports this, by itself when started
from the project's directory).

gunicorn names itself in a ``Server`` header on every response and has no setting to stop
it. That tells an attacker which server's flaws to try; nothing needs it. The header is
left out of the headers gunicorn writes (``tests/integration/test_security_headers.py``
starts gunicorn with this file and fails if a release of gunicorn sends it again).
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server
