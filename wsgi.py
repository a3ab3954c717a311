"""Entry point for ``gunicorn wsgi:app`` and ``flask --app wsgi``."""

import sys

from assess import create_app
from assess.definitions import DefinitionError
from config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a clear line for the operator instead of a traceback
    sys.exit(f"Configuration error: {exc}")
except DefinitionError as exc:
    sys.exit(f"Invalid definitions, the application cannot start:\n{exc}")
