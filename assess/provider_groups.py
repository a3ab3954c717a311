"""Which groups of the organisation's identity provider give which roles in which
organisation (issue 16; docs/sign-in.md).

Pure: the setting's text (JSON or YAML) comes in, a checked mapping goes out; a person's
groups come in, the organisation and roles they give go out. The format::

    organisation: 1              # every group's organisation unless the group names its own
    groups:
      "eva-preparers": {roles: [preparer]}
      "0b6c…-…":                 # Entra ID sends object ids, not names
        roles: [reviewer, preparer]
        organisation: 2

An organisation is named by its id or by its Finnish or Swedish name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .models.user import ROLES


class GroupMappingError(ValueError):
    """The mapping setting is wrong; the message says where and what would be right."""


@dataclass(frozen=True)
class GroupGrant:
    organisation: int | str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class GroupMapping:
    groups: dict[str, GroupGrant]

    def grants(self, groups: Iterable[str]) -> tuple[set[int | str], list[str]]:
        """The organisations the person's ``groups`` point to, and the roles they give
        (sorted, without repeats). Groups the mapping does not name are ignored."""
        found = [self.groups[g] for g in groups if g in self.groups]
        organisations = {grant.organisation for grant in found}
        roles = sorted({role for grant in found for role in grant.roles})
        return organisations, roles


def load(text: str | None, file: str | None) -> GroupMapping | None:
    """The mapping from the setting's text or file (the file when both are given)."""
    where = "OIDC_GROUP_ROLES"
    if file:
        where = f"OIDC_GROUP_ROLES_FILE ({file})"
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise GroupMappingError(f"{where}: cannot read the file: {exc.strerror}.") from exc
    if not text:
        return None
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise GroupMappingError(f"{where} is neither valid JSON nor YAML: {exc}") from exc
    return parse(data, where)


def parse(data: object, where: str = "OIDC_GROUP_ROLES") -> GroupMapping:
    example = (
        'for example {"organisation": 1, "groups": {"eva-preparers": {"roles": ["preparer"]}}}'
    )
    if not isinstance(data, dict) or not isinstance(data.get("groups"), dict) or not data["groups"]:
        raise GroupMappingError(f"{where} needs a non-empty 'groups' mapping, {example}.")
    default = data.get("organisation")
    groups: dict[str, GroupGrant] = {}
    for name, spec in data["groups"].items():
        at = f"{where}, group {name!r}"
        if not isinstance(spec, dict):
            raise GroupMappingError(f"{at}: expected {{roles: [...]}}, {example}.")
        roles = spec.get("roles")
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(roles, list) or not roles:
            raise GroupMappingError(f"{at}: 'roles' must list at least one role of {ROLES}.")
        wrong = [r for r in roles if r not in ROLES]
        if wrong:
            raise GroupMappingError(f"{at}: unknown role {wrong[0]!r}; the roles are {ROLES}.")
        organisation = spec.get("organisation", default)
        if isinstance(organisation, bool) or not isinstance(organisation, int | str):
            raise GroupMappingError(
                f"{at}: no organisation; give 'organisation' (an id or a name) at the top "
                "or for the group."
            )
        groups[str(name)] = GroupGrant(organisation, tuple(sorted(set(roles))))
    return GroupMapping(groups)


def groups_of(claims: dict, claim: str) -> list[str]:
    """The person's groups from the ID token's ``claim``: a list, or one group as a string
    (AD FS issues one value that way); anything else counts as none."""
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def groups_overage(claims: dict, claim: str) -> bool:
    """True when the ID token says the person's groups did not fit in it: Entra ID (Azure
    AD) leaves the groups out of a token for a person in more than 200 groups (JWT) and
    names a source to fetch them from instead, ``_claim_names: {"groups": "src1"}`` with
    ``_claim_sources`` (or, in the implicit flow, ``hasgroups: true``). Such a token says
    nothing about the person's groups: it must not be read as "in no group"."""
    if claims.get(claim) is not None:
        return False
    names = claims.get("_claim_names")
    return (isinstance(names, dict) and claim in names) or claims.get("hasgroups") is True
