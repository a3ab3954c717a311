"""An organisation's settings: language situation, groups used, screening details."""

from __future__ import annotations

from flask import current_app

from .. import audit
from ..i18n import lazy_text as _l
from ..models import ORGANISATION_KINDS, Organisation, PolicyVersion, User
from ..questionnaire import FormDefinition
from ..questionnaire.definition import FlagSettings
from ..questionnaire.organisation import FLAG_THRESHOLDS
from ..questionnaire.policy_screening import investment_threshold
from ._audit import record
from ._check import choice
from ._tx import transaction
from .context import version_in_force
from .errors import Errors, Forbidden

# A thousand million euros: above any municipality's purchase; a larger number is a typing
# error (and beyond 2**53 a JSON client could not even read it back exactly).
MAX_THRESHOLD_EUR = 10**9


def update_settings(
    actor: User,
    organisation: Organisation,
    form: FormDefinition,
    *,
    bilingual: bool,
    minority_language: str,
    groups_used: list[str],
    exempt_categories: list[str],
    investment_threshold_eur=None,  # kept for old callers; the policy sets it now (issue 17)
    flag_thresholds: dict[str, int | str | None] | None = None,  # as a form gives them
    kind: str | None = None,  # the organisation type (issue 17); None: unchanged
) -> Organisation:
    """Change the settings (admins); the ids are checked against the questionnaire."""
    if not actor.has_role("admin") or actor.organisation_id != organisation.id:
        raise Forbidden(_l("Only the organisation's administrators can change its settings."))
    errors = Errors()
    choice(errors, "minority_language", minority_language, ("fi", "sv", "none"))
    if kind is not None:
        choice(errors, "kind", kind, ORGANISATION_KINDS)
    if bilingual and minority_language == "none":
        errors.add("minority_language", _l("A bilingual organisation has a minority language."))
    known_groups = [g.id for g in form.groups]
    for g in groups_used:
        choice(errors, "groups_used", g, known_groups)
    if not groups_used:
        errors.add("groups_used", _l("Use at least one population group."))
    known_exempt = [c.id for c in form.screening.exempt_categories]
    for c in exempt_categories:
        choice(errors, "exempt_categories", c, known_exempt)
    threshold = None
    if investment_threshold_eur is not None:
        try:
            threshold = int(investment_threshold_eur)
            if not 0 <= threshold <= MAX_THRESHOLD_EUR:
                raise ValueError
        except (TypeError, ValueError):
            errors.add(
                "investment_threshold_eur",
                _l(
                    "Enter the amount in euros, a whole number from 0 to %(max)s, for example "
                    "100000.",
                    max=f"{MAX_THRESHOLD_EUR:,}".replace(",", " "),
                ),
            )
    thresholds = {}
    for name, value in (flag_thresholds or {}).items():
        if name not in FLAG_THRESHOLDS:
            errors.add(name, _l("Unknown setting %(name)r.", name=name))
        elif value not in (None, ""):
            low, high = FlagSettings.bounds(name)
            try:
                number = int(value)
                if not low <= number <= high:
                    raise ValueError
            except (TypeError, ValueError):
                errors.add(
                    name,
                    _l(
                        "Enter a whole number from %(low)d to %(high)d, or leave it "
                        "empty to use the questionnaire's default.",
                        low=low,
                        high=high,
                    ),
                )
            else:
                thresholds[name] = number
    errors.raise_if_any()

    settings = dict(organisation.settings or {})
    settings.update(
        groups_off=[g for g in known_groups if g not in groups_used],
        exempt_categories=[c for c in known_exempt if c in exempt_categories],
    )
    if threshold is not None:
        settings["investment_threshold_eur"] = threshold
    if flag_thresholds is not None:
        settings["flag_thresholds"] = thresholds
    new_kind = organisation.kind if kind is None else kind
    before = {
        "kind": organisation.kind,
        "bilingual": organisation.bilingual,
        "minority_language": organisation.minority_language,
        "settings": organisation.settings or {},
    }
    after = {
        "kind": new_kind,
        "bilingual": bool(bilingual),
        "minority_language": minority_language,
        "settings": settings,
    }
    changes = audit.diff(before, after)
    if not changes:
        return organisation
    with transaction() as session:
        organisation.kind = new_kind
        organisation.bilingual = bool(bilingual)
        organisation.minority_language = minority_language
        organisation.settings = settings
        record(
            session,
            actor,
            "organisation.settings_changed",
            "organisation",
            organisation.id,
            changes=changes,
        )
    return organisation


def investment_threshold_in_force(organisation: Organisation) -> tuple[int, PolicyVersion | None]:
    """The screening's investment threshold now, and the policy version that sets it (None:
    no policy in force sets it, so the organisation's earlier setting or 100,000 applies)."""
    version = version_in_force(organisation)
    block = (version.data or {}).get("screening") if version is not None else None
    amount = investment_threshold(
        block, (organisation.settings or {}).get("investment_threshold_eur")
    )
    sets_it = isinstance(block, dict) and block.get("investment_threshold_eur") is not None
    return amount, version if sets_it else None


def set_regional_sharing(actor: User, organisation: Organisation, shares: bool) -> Organisation:
    """Whether the region's wellbeing coordinators see the organisation's yearly figures
    (aggregates only, never case content; issue 22). Admins of the organisation; audited as
    ``organisation.sharing_changed`` with the old and new value, nothing recorded when the
    value stays."""
    if not actor.has_role("admin") or actor.organisation_id != organisation.id:
        raise Forbidden(_l("Only the organisation's administrators can change its settings."))
    if not isinstance(shares, bool):
        errors = Errors()
        errors.add("shares_regional_figures", _l("Choose whether to share: yes or no."))
        errors.raise_if_any()
    return _switch(actor, organisation, "shares_regional_figures", shares, "sharing_changed")


def _switch(
    actor: User | None, organisation: Organisation, field: str, value: bool, action: str
) -> Organisation:
    """One on/off setting of the organisation changed and audited as ``organisation.<action>``
    with the old and new value; nothing recorded when the value stays."""
    old = bool(getattr(organisation, field))
    if old == value:
        return organisation
    with transaction() as session:
        setattr(organisation, field, value)
        record(
            session,
            actor,
            f"organisation.{action}",
            "organisation",
            organisation.id,
            organisation_id=organisation.id,
            changes=[{"field": field, "old": old, "new": value}],
        )
    return organisation


def set_password_sign_in(
    actor: User | None, organisation: Organisation, allowed: bool
) -> Organisation:
    """Whether the organisation's people may sign in with a password (issue 16). Switched
    off, only the identity provider lets them in; a password already typed is refused with a
    message naming the provider. Admins of the organisation, or the command line (``actor``
    None); audited as ``organisation.password_sign_in_changed``. Switching it off is refused
    while no identity provider is configured: nobody could sign in at all."""
    if actor is not None and (
        not actor.has_role("admin") or actor.organisation_id != organisation.id
    ):
        raise Forbidden(_l("Only the organisation's administrators can change its settings."))
    errors = Errors()
    if not isinstance(allowed, bool):
        errors.add("password_sign_in", _l("Choose whether passwords are allowed: yes or no."))
    elif not allowed and not current_app.config.get("OIDC_ISSUER"):
        errors.add(
            "password_sign_in",
            _l(
                "Password sign-in can be switched off only when sign-in through the "
                "organisation's identity provider is configured (OIDC_ISSUER; see "
                "docs/sign-in.md): otherwise nobody could sign in."
            ),
        )
    errors.raise_if_any()
    return _switch(actor, organisation, "password_sign_in", allowed, "password_sign_in_changed")
