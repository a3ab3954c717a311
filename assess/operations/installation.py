"""The installation's organisations (issue 16): an operator creates one before anyone can
work in it, from the command line (there is no administrator yet to do it in the web)."""

from __future__ import annotations

from zoneinfo import available_timezones

from sqlalchemy import func, select

from ..extensions import db
from ..i18n import lazy_text as _l
from ..models import ORGANISATION_KINDS, Body, Organisation, User
from ._audit import record
from ._check import choice, text
from ._tx import transaction
from .errors import Errors

LANGUAGE_SITUATIONS = ("fi", "sv", "none")


def create_organisation(
    *,
    name_fi: str,
    name_sv: str,
    kind: str = "municipality",
    minority_language: str = "none",
    time_zone: str = "Europe/Helsinki",
    actor: User | None = None,
) -> Organisation:
    """Create an organisation (audited ``organisation.created``; ``actor`` None: the command
    line). A bilingual organisation is one with a minority language."""
    errors = Errors()
    name_fi = text(errors, "name_fi", name_fi, max_length=200)
    name_sv = text(errors, "name_sv", name_sv, max_length=200)
    choice(errors, "kind", kind, ORGANISATION_KINDS)
    choice(errors, "minority_language", minority_language, LANGUAGE_SITUATIONS)
    if time_zone not in available_timezones():
        errors.add(
            "time_zone",
            _l("%(zone)r is not a time zone; write one such as Europe/Helsinki.", zone=time_zone),
        )
    if name_fi and db.session.scalar(
        select(Organisation.id).where(Organisation.name_fi == name_fi)
    ):
        errors.add("name_fi", _l("An organisation named %(name)s exists already.", name=name_fi))
    errors.raise_if_any()
    with transaction() as session:
        org = Organisation(
            name_fi=name_fi,
            name_sv=name_sv,
            kind=kind,
            bilingual=minority_language != "none",
            minority_language=minority_language,
            time_zone=time_zone,
        )
        session.add(org)
        session.flush()
        record(
            session,
            actor,
            "organisation.created",
            "organisation",
            org.id,
            organisation_id=org.id,
            changes=[
                {"field": field, "old": None, "new": getattr(org, field)}
                for field in ("name_fi", "name_sv", "kind", "minority_language", "time_zone")
            ],
        )
    return org


def organisations() -> list[tuple[Organisation, int, int]]:
    """Every organisation with how many active bodies and active people it has."""
    bodies = (
        select(func.count(Body.id))
        .where(Body.organisation_id == Organisation.id, Body.active)
        .scalar_subquery()
    )
    people = (
        select(func.count(User.id))
        .where(User.organisation_id == Organisation.id, User.active)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Organisation, bodies, people).order_by(Organisation.id))
    return [(org, b, p) for org, b, p in rows]
