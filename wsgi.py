"""Entry point in a checkout: ``gunicorn wsgi:app`` and ``flask --app wsgi``.

The same application as ``assess.wsgi`` (``gunicorn assess.wsgi:app``), which an installed
package uses (docs/deployment.md).
"""

from assess.wsgi import app

__all__ = ["app"]
