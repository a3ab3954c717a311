"""PostgreSQL: the application's role may only append to and read the audit log (issue 15,
item 5). The migrations run as an owner role, the application as a runtime role; the
runtime role cannot change, delete, truncate, alter or drop the audit tables or their
triggers, and the application says loudly (or refuses to start) when its role could."""

import logging
import os
import time

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from assess import audit, create_app
from assess.extensions import db
from assess.models import AuditEvent
from assess.operations.db_roles import RoleSplitRequired
from assess.operations.demo import load_demo
from tests.integration.test_audit import make_history

pytestmark = pytest.mark.postgres

REFUSED = "permission denied|must be owner|must be superuser|permission denied to set parameter"


@pytest.fixture
def warnings(caplog):
    """The role check's warnings (alembic's logging set-up takes the root logger's handlers)."""
    logger = logging.getLogger("assess.operations.db_roles")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.WARNING)
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.fixture
def roles(postgres_url):
    """An owner and a runtime role; the owner owns the (empty) database."""
    suffix = f"{os.getpid()}_{time.monotonic_ns()}"
    owner, runtime = f"assess_owner_{suffix}", f"assess_app_{suffix}"
    server, name = postgres_url.rsplit("/", 1)
    plain = postgres_url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN')
        conn.execute(f'CREATE ROLE "{runtime}" LOGIN')
        conn.execute(f'ALTER DATABASE "{name}" OWNER TO "{owner}"')
    as_role = lambda role: postgres_url.replace("://postgres@", f"://{role}@")  # noqa: E731
    yield owner, runtime, as_role
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'REASSIGN OWNED BY "{owner}" TO postgres')
        conn.execute(f'DROP OWNED BY "{owner}", "{runtime}"')
    with psycopg.connect(plain.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'DROP ROLE "{owner}"')
        conn.execute(f'DROP ROLE "{runtime}"')


ATTACKS = [
    "UPDATE {t} SET id = id",
    "DELETE FROM {t}",
    "TRUNCATE {t}",
    "ALTER TABLE {t} ADD COLUMN note text",
    "ALTER TABLE {t} DISABLE TRIGGER ALL",
    "ALTER TABLE {t} DISABLE TRIGGER {t}_append_only",
    "DROP TRIGGER {t}_append_only ON {t}",
    "DROP TABLE {t}",
    "ALTER TABLE {t} OWNER TO CURRENT_USER",
    "CREATE TRIGGER sneak BEFORE INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "SET session_replication_role = replica",
]


def test_the_runtime_role_may_only_append_and_read_the_audit_log(roles, warnings):
    owner, runtime, as_role = roles
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=as_role(runtime),
        MIGRATION_DATABASE_URI=as_role(owner),
    )
    with app.app_context():
        upgrade()  # as the owner, which then grants the runtime role its rights
        owners = db.session.execute(
            text(
                "SELECT tablename, tableowner FROM pg_tables "
                "WHERE tablename IN ('audit_events', 'audit_checkpoints', 'assessments')"
            )
        ).all()
        assert {o for _, o in owners} == {owner} and len(owners) == 3
        out = app.test_cli_runner().invoke(args=["db", "grant-runtime", runtime])
        assert out.exit_code == 0 and f"Granted the runtime rights to {runtime}" in out.output

        # The application appends and reads as the runtime role: demo data, a history
        # with transitions (which update other tables), periodic checkpoints.
        load_demo()
        make_history()
        assert db.session.scalar(text("SELECT current_user")) == runtime
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert audit.verify(db.session).intact

        for table in ("audit_events", "audit_checkpoints"):
            for attack in ATTACKS:
                sql = attack.format(t=table)
                with pytest.raises(DBAPIError, match=REFUSED):
                    db.session.execute(text(sql))
                db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
        assert audit.verify(db.session).intact
        db.session.remove()
        db.engine.dispose()

    # At start: the runtime role is what it should be, and nothing is said.
    warnings.clear()
    create_app("testing", SQLALCHEMY_DATABASE_URI=as_role(runtime), AUDIT_REQUIRE_ROLE_SPLIT=True)
    assert "NOT PROTECTED" not in warnings.text
    # The owner as the application's role: a loud warning, or no start when required.
    create_app("testing", SQLALCHEMY_DATABASE_URI=as_role(owner))
    assert "THE AUDIT LOG IS NOT PROTECTED" in warnings.text
    assert "owns audit_events" in warnings.text
    with pytest.raises(RoleSplitRequired, match="owns audit_events"):
        create_app("testing", SQLALCHEMY_DATABASE_URI=as_role(owner), AUDIT_REQUIRE_ROLE_SPLIT=True)


def test_a_runtime_role_with_too_many_rights_is_named(roles, warnings):
    owner, runtime, as_role = roles
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=as_role(owner))
    with app.app_context():
        upgrade()
        db.session.execute(text(f'GRANT ALL ON audit_checkpoints TO "{runtime}"'))
        db.session.commit()
        db.engine.dispose()
    warnings.clear()
    create_app("testing", SQLALCHEMY_DATABASE_URI=as_role(runtime))
    assert "may UPDATE, DELETE, TRUNCATE, TRIGGER audit_checkpoints" in warnings.text
    printed = create_app("testing", SQLALCHEMY_DATABASE_URI=as_role(owner)).test_cli_runner()
    out = printed.invoke(args=["db", "grant-runtime", runtime, "--print"])
    assert out.exit_code == 0
    assert "GRANT SELECT, INSERT ON TABLE audit_events, audit_checkpoints" in out.output
    out = printed.invoke(args=["db", "grant-runtime", "nobody_at_all"])
    assert out.exit_code == 2 and "no database role is named 'nobody_at_all'" in out.output


def test_the_superuser_is_named(postgres_url, warnings):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=postgres_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    warnings.clear()
    create_app("testing", SQLALCHEMY_DATABASE_URI=postgres_url)
    assert "the role 'postgres' is a superuser" in warnings.text
