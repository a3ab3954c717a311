"""Records-management metadata of a decision's documents (issue 19), for the organisation's
archive (case management built on the SÄHKE2 metadata model).

Four fields: the task class (tehtäväluokka), the publicity class (julkisuusluokka), the
retention period (säilytysajan pituus) and whether the documents hold personal data
(henkilötietoja). Each comes from the decision type where the type sets it, otherwise
from the organisation's defaults. They go into each approved document's custom properties
(``Writer.custom_properties``) and into the decision's JSON manifest; docs/documents.md
maps them to SÄHKE2's elements.

Pure: the values come in as arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PUBLICITY_CLASSES = ("public", "partly_secret", "secret")
PERMANENT = "permanent"
# Retention in whole years, or permanent; a century and a half covers every period of the
# records plans we know (the longest fixed ones are 120 years after birth).
MAX_RETENTION_YEARS = 150
TASK_CLASS_RE = re.compile(r"^\d{1,3}(\.\d{1,3})*$")
FIELDS = ("task_class", "publicity_class", "retention_period", "personal_data")

# What an organisation has until its administrator says otherwise: a board's decision
# documents with their attachments are kept permanently and are public unless a law says
# otherwise; the assessment names its preparer and reviewer (personal data of officials).
DEFAULTS: dict[str, Any] = {
    "task_class": None,
    "publicity_class": "public",
    "retention_period": PERMANENT,
    "personal_data": True,
}

# The custom properties of the .docx: the property name of each field.
PROPERTY_NAMES = {
    "task_class": "records_task_class",
    "publicity_class": "records_publicity_class",
    "retention_period": "records_retention_period",
    "personal_data": "records_personal_data",
}

# SÄHKE2 (metadata model 1.3; the values its schema lists).
SAHKE2_ELEMENTS = {
    "task_class": "FunctionCode",
    "publicity_class": "PublicityClass",
    "retention_period": "RetentionPeriod",
    "personal_data": "PersonalData",
}
SAHKE2_PUBLICITY = {
    "public": "Julkinen",
    "partly_secret": "Osittain salassapidettävä",
    "secret": "Salassa pidettävä",
}
SAHKE2_PERSONAL_DATA = {
    False: "ei sisällä henkilötietoja",
    True: "sisältää henkilötietoja",
}


@dataclass(frozen=True)
class RecordsMetadata:
    task_class: str | None
    publicity_class: str
    retention_period: str  # "permanent" or a whole number of years, "10"
    personal_data: bool
    # Per field: "decision_type" when the type set it, else "organisation".
    source: dict[str, str]

    def properties(self) -> dict[str, str]:
        """The .docx custom properties (text values; a field with no value is left out)."""
        values = {
            "task_class": self.task_class,
            "publicity_class": self.publicity_class,
            "retention_period": self.retention_period,
            "personal_data": "yes" if self.personal_data else "no",
        }
        return {PROPERTY_NAMES[k]: v for k, v in values.items() if v}

    def as_json(self) -> dict[str, Any]:
        return {
            "task_class": self.task_class,
            "publicity_class": self.publicity_class,
            "retention_period": self.retention_period,
            "personal_data": self.personal_data,
            "source": dict(self.source),
            "sahke2": sahke2(self),
        }


def sahke2(meta: RecordsMetadata) -> dict[str, Any]:
    """The fields as SÄHKE2's elements and values (RetentionPeriod -1: permanent)."""
    years = -1 if meta.retention_period == PERMANENT else int(meta.retention_period)
    return {
        SAHKE2_ELEMENTS["task_class"]: meta.task_class,
        SAHKE2_ELEMENTS["publicity_class"]: SAHKE2_PUBLICITY[meta.publicity_class],
        SAHKE2_ELEMENTS["retention_period"]: years,
        SAHKE2_ELEMENTS["personal_data"]: SAHKE2_PERSONAL_DATA[meta.personal_data],
    }


def resolve(type_values: dict[str, Any] | None, defaults: dict[str, Any] | None) -> RecordsMetadata:
    """The metadata of a decision: its type's values where set, the organisation's else."""
    type_values = type_values or {}
    own = {**DEFAULTS, **{k: v for k, v in (defaults or {}).items() if v is not None}}
    chosen, source = {}, {}
    for field in FIELDS:
        value = type_values.get(field)
        if value is not None and value != "":
            chosen[field], source[field] = value, "decision_type"
        else:
            chosen[field], source[field] = own.get(field), "organisation"
    return RecordsMetadata(
        task_class=chosen["task_class"] or None,
        publicity_class=chosen["publicity_class"],
        retention_period=str(chosen["retention_period"]),
        personal_data=bool(chosen["personal_data"]),
        source=source,
    )


def from_stored(stored: dict[str, Any] | None) -> RecordsMetadata | None:
    """The metadata a document was made with, as its row keeps them (None: none kept)."""
    if not stored:
        return None
    return RecordsMetadata(
        task_class=stored.get("task_class"),
        publicity_class=stored["publicity_class"],
        retention_period=str(stored["retention_period"]),
        personal_data=bool(stored["personal_data"]),
        source=dict(stored.get("source") or {}),
    )


def stored(meta: RecordsMetadata) -> dict[str, Any]:
    """What a document's row keeps: enough to render its bytes again."""
    return {
        "task_class": meta.task_class,
        "publicity_class": meta.publicity_class,
        "retention_period": meta.retention_period,
        "personal_data": meta.personal_data,
        "source": dict(meta.source),
    }


def valid_retention(value: Any) -> bool:
    """Whether ``value`` is a retention period: "permanent" or 1-150 whole years."""
    if value == PERMANENT:
        return True
    text = str(value).strip()
    return text.isdigit() and 1 <= int(text) <= MAX_RETENTION_YEARS
