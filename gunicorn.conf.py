"""gunicorn's settings for this application in a checkout; gunicorn reads ./gunicorn.conf.py
by itself when started from the project's directory. An installed package: ``gunicorn -c
python:assess.gunicorn_conf assess.wsgi:app`` (docs/deployment.md). What it does:
``assess/gunicorn_conf.py``.
"""

from assess.gunicorn_conf import *  # noqa: F403
