"""What an organisation's settings change in a questionnaire (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..definitions import Labels
from .definition import FormDefinition, Group, LegalBases, basis_for
from .policy_screening import DEFAULT_THRESHOLD_EUR, investment_threshold

LANGUAGE_GROUPS = {"sv": "swedish_speakers", "fi": "finnish_speakers"}
LANGUAGE_COMMITTEE = "national_language_committee"
FLAG_THRESHOLDS = ("cumulative_window_days", "cumulative_min_others", "late_days")


@dataclass(frozen=True)
class OrgSettings:
    # The organisation's type (``Organisation.kind``): the legal bases cited follow it.
    kind: str = "municipality"
    bilingual: bool = False
    minority_language: str = "none"  # fi, sv or none
    groups_off: frozenset[str] = field(default_factory=frozenset)
    # None: every exempt category of the form applies.
    exempt_categories: frozenset[str] | None = None
    # The policy's (``policy_screening.investment_threshold``).
    investment_threshold_eur: int = DEFAULT_THRESHOLD_EUR
    # Overrides of the form's flag thresholds (``FormDefinition.flags``); None: the form's.
    flag_thresholds: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, organisation, screening: Any = None) -> OrgSettings:
        """From an ``Organisation`` row (or anything with the same attributes) and the
        ``screening`` block of the policy that applies, if any."""
        settings = organisation.settings or {}
        exempt = settings.get("exempt_categories")
        return cls(
            kind=getattr(organisation, "kind", None) or "municipality",
            bilingual=bool(organisation.bilingual),
            minority_language=organisation.minority_language or "none",
            groups_off=frozenset(settings.get("groups_off") or ()),
            exempt_categories=None if exempt is None else frozenset(exempt),
            investment_threshold_eur=investment_threshold(
                screening, settings.get("investment_threshold_eur")
            ),
            flag_thresholds=tuple(
                sorted(
                    (k, int(v))
                    for k, v in (settings.get("flag_thresholds") or {}).items()
                    if k in FLAG_THRESHOLDS and v is not None
                )
            ),
        )

    def threshold(self, form: FormDefinition, name: str) -> int:
        """A flag threshold: the organisation's own, or the form's default."""
        return dict(self.flag_thresholds).get(name, getattr(form.flags, name))


def groups(form: FormDefinition, org: OrgSettings) -> list[Group]:
    """The groups the organisation uses, in the form's order."""
    return [g for g in form.groups if g.id not in org.groups_off]


def council_for(form: FormDefinition, group_id: str, org: OrgSettings) -> str | None:
    """The council that must be heard for a group, in this organisation.

    The national languages committee exists in bilingual organisations only, and there
    the minority-language group (not the majority one) is the group that triggers it. A
    council the organisation's type does not have (``Council.kinds``) is never named.
    """
    group = form.group(group_id)
    if group is None or group.council is None:
        return None
    council = form.council(group.council)
    if council is not None and not council.exists_in(org.kind):
        return None
    if group.council == LANGUAGE_COMMITTEE:
        minority = LANGUAGE_GROUPS.get(org.minority_language)
        return group.council if org.bilingual and group_id == minority else None
    return group.council


def exempt_categories(form: FormDefinition, org: OrgSettings) -> list:
    allowed = org.exempt_categories
    return [c for c in form.screening.exempt_categories if allowed is None or c.id in allowed]


def options(form: FormDefinition, question, org: OrgSettings) -> list:
    """A choice question's options; groups the organisation does not use are left out."""
    if question.options_from == "groups":
        return groups(form, org)
    return form.options_of(question)


def council_basis(form: FormDefinition, council_id: str, org: OrgSettings) -> Labels | None:
    """The act that has a council heard, for this organisation's type (None: none cited)."""
    council = form.council(council_id)
    return council.basis_for(org.kind) if council else None


def legal_bases(form: FormDefinition, org: OrgSettings) -> dict[str, Labels]:
    """The form's other legal bases that apply to this organisation's type, by name."""
    found = {
        name: basis_for(getattr(form.legal_bases, name), org.kind)
        for name in LegalBases.model_fields
    }
    return {name: labels for name, labels in found.items() if labels is not None}
