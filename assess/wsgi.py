"""The application for a server: ``gunicorn assess.wsgi:app`` and ``flask --app assess.wsgi``.

Works from an installed package anywhere (docs/deployment.md); ``wsgi.py`` at the top of a
checkout is the same entry (``flask --app wsgi``). A wrong setting or invalid content stops
the start with one clear line instead of a traceback.
"""

import sys

from assess import create_app
from assess.config import ConfigError
from assess.definitions import DefinitionError

try:
    app = create_app()
except ConfigError as exc:  # a clear line for the operator instead of a traceback
    sys.exit(f"Configuration error: {exc}")
except DefinitionError as exc:
    sys.exit(f"Invalid definitions, the application cannot start:\n{exc}")
