"""PostgreSQL: the application's role may only INSERT and SELECT on the audit tables.

The append-only triggers stop the application's SQL, but not the table's owner, who may
disable or drop them, nor a superuser. So the migrations run as an owner role
(MIGRATION_DATABASE_URI) and the application as a runtime role that owns nothing: on the
audit tables it has INSERT and SELECT (and USAGE of their sequences), on the others the
usual SELECT, INSERT, UPDATE, DELETE. At start the application checks its own role and
warns loudly, or refuses to start with AUDIT_REQUIRE_ROLE_SPLIT, when it could rewrite the
log.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from .errors import Conflict, NotFound

AUDIT_TABLES = ("audit_events", "audit_checkpoints")
READ_ONLY_TABLES = ("alembic_version",)
log = logging.getLogger(__name__)


class RoleSplitRequired(RuntimeError):
    """AUDIT_REQUIRE_ROLE_SPLIT is on and the application's role could rewrite the log."""


_FACTS = text(
    """
    SELECT current_user AS role,
           pg_has_role(current_user, c.relowner, 'MEMBER') AS owns,
           (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
           has_table_privilege(c.oid, 'UPDATE') AS "UPDATE",
           has_table_privilege(c.oid, 'DELETE') AS "DELETE",
           has_table_privilege(c.oid, 'TRUNCATE') AS "TRUNCATE",
           has_table_privilege(c.oid, 'TRIGGER') AS "TRIGGER"
    FROM pg_class c WHERE c.oid = to_regclass(:table)
    """
)


def role_problems(connection: Connection) -> list[str]:
    """What the connection's role could do to the audit tables beyond INSERT and SELECT."""
    problems = []
    for table in AUDIT_TABLES:
        facts = connection.execute(_FACTS, {"table": table}).mappings().first()
        if facts is None:
            continue  # not migrated yet
        if facts["superuser"]:
            return [f"the role {facts['role']!r} is a superuser"]
        if facts["owns"]:
            problems.append(f"the role {facts['role']!r} owns {table} (it may drop its triggers)")
            continue
        rights = [p for p in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER") if facts[p]]
        if rights:
            problems.append(f"the role {facts['role']!r} may {', '.join(rights)} {table}")
    return problems


def check_at_start(app: Flask) -> None:
    """Warn loudly (or refuse, with AUDIT_REQUIRE_ROLE_SPLIT) if the app could rewrite the log."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not url.drivername.startswith("postgresql"):
        return
    required = bool(app.config.get("AUDIT_REQUIRE_ROLE_SPLIT"))
    # Its own engine without a pool: nothing opened here may be inherited by forked workers.
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            problems = role_problems(conn)
    except SQLAlchemyError as exc:
        if required:
            raise RoleSplitRequired(
                f"AUDIT_REQUIRE_ROLE_SPLIT is on and the database role could not be checked: {exc}"
            ) from exc
        log.warning("Could not check the database role's rights on the audit log: %s", exc)
        return
    finally:
        engine.dispose()
    if not problems:
        return
    message = (
        "THE AUDIT LOG IS NOT PROTECTED FROM THIS APPLICATION'S OWN DATABASE ROLE: "
        + "; ".join(problems)
        + ". Run the migrations as an owner role (MIGRATION_DATABASE_URL) and the application "
        "as a runtime role with `flask --app wsgi db grant-runtime ROLE` "
        "(docs/security.md, 'The audit chain and its checkpoints')."
    )
    if required:
        raise RoleSplitRequired(message + " AUDIT_REQUIRE_ROLE_SPLIT is on: not starting.")
    log.warning(message)
    app.logger.warning(message)


def grant_statements(connection: Connection, role: str) -> list[str]:
    """The statements that give ``role`` the runtime rights, for the schema in use."""
    if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}) is None:
        raise NotFound(f"no database role is named {role!r}; create it first (CREATE ROLE).")
    quote = connection.dialect.identifier_preparer.quote
    who = quote(role)
    schema = quote(connection.scalar(text("SELECT current_schema()")))
    audit = ", ".join(AUDIT_TABLES)
    sequences = [
        connection.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": t})
        for t in AUDIT_TABLES
    ]
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        # The audit log: append and read, nothing else.
        f"REVOKE ALL ON TABLE {audit} FROM {who}, PUBLIC",
        f"GRANT SELECT, INSERT ON TABLE {audit} TO {who}",
        f"REVOKE ALL ON TABLE {', '.join(READ_ONLY_TABLES)} FROM {who}",
        f"GRANT SELECT ON TABLE {', '.join(READ_ONLY_TABLES)} TO {who}",
    ]
    for sequence in filter(None, sequences):
        statements += [
            f"REVOKE ALL ON SEQUENCE {sequence} FROM {who}",
            f"GRANT USAGE ON SEQUENCE {sequence} TO {who}",
        ]
    return statements


def grant_runtime(owner_url: str, role: str, *, dry_run: bool = False) -> list[str]:
    """Give ``role`` the runtime rights, connected as the owner; the statements run."""
    engine = create_engine(owner_url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            if conn.dialect.name != "postgresql":
                raise Conflict("grant-runtime is for PostgreSQL; SQLite has no roles.")
            statements = grant_statements(conn, role)
            if not dry_run:
                for statement in statements:
                    conn.execute(text(statement))
    finally:
        engine.dispose()
    return statements
