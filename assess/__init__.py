"""The assess application: ex-ante impact assessment of decisions.

Importing the package imports no Flask: the pure layers (workflow, questionnaire, flags,
documents) are used without an application; ``create_app`` brings in the rest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from .config import Config


def create_app(config_name_or_object: str | type[Config] | None = None, **overrides) -> Flask:
    """Build the application.

    ``config_name_or_object`` is ``development``, ``testing``, ``production`` or a
    configuration class; ``None`` reads ``ASSESS_CONFIG``. ``overrides`` are applied
    last (tests use them for the database URL).
    """
    from flask import Flask

    from .config import config_class
    from .extensions import DatabaseId, babel, csrf, db, login_manager, migrate

    app = Flask(
        __name__,
        instance_path=_instance_path(),
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.url_map.converters["int"] = DatabaseId  # before any route is added
    cfg = (
        config_name_or_object
        if isinstance(config_name_or_object, type)
        else config_class(config_name_or_object)
    )
    app.config.from_object(cfg)
    app.config.update(overrides)
    cfg.init_app(app)
    app.config.update(overrides)

    from .workflow import load_workflows

    # Invalid content stops the start-up with every problem named (DefinitionError).
    app.config.setdefault("WORKFLOWS_DIR", str(content_dir("workflows")))
    app.extensions["assess.workflows"] = load_workflows(Path(app.config["WORKFLOWS_DIR"]))
    from .questionnaire import load_forms

    app.config.setdefault("FORMS_DIR", str(content_dir("forms")))
    app.extensions["assess.forms"] = load_forms(Path(app.config["FORMS_DIR"]))

    from . import limits

    limits.init_app(app)  # bounded bodies and log lines, before any request is served
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import i18n, logs, metrics

    logs.install(app.config["LOG_REPEAT_WINDOW_SECONDS"])
    logs.init_app(app)  # before the fronts' hooks: they read the request's id
    metrics.init_app(app)

    babel.init_app(app, locale_selector=i18n.select_language)

    from . import api, cli, web

    web.init_app(app)
    api.init_app(app)
    cli.init_app(app)

    from .operations import audit_log, db_roles

    audit_log.warn_at_start(app)
    db_roles.check_at_start(app)
    return app


# An installed package (a wheel) carries the checkout's top-level content here: setup.py's
# build step copies workflows/, forms/ and migrations/ into assess/_content/. A checkout (and
# an editable install) has no such folder and reads the top-level ones.
_PACKAGED = Path(__file__).resolve().parent / "_content"


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def installed() -> bool:
    """Whether this is an installed package (a wheel) rather than a checkout."""
    return _PACKAGED.is_dir()


def content_dir(name: str) -> Path:
    """The folder ``workflows``, ``forms`` or ``migrations``, in the package or the checkout."""
    return (_PACKAGED if installed() else _project_root()) / name


def _migrations_dir() -> str:
    return str(content_dir("migrations"))


def _instance_path() -> str:
    # A checkout (or an editable install) keeps its instance/ beside the code; an installed
    # package never writes into site-packages: ./instance of the working directory.
    explicit = os.environ.get("ASSESS_INSTANCE_PATH")
    if explicit:
        return explicit
    if installed():
        return str(Path.cwd() / "instance")
    return str(_project_root() / "instance")
