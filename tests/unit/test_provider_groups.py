"""The group mapping of sign-in through the identity provider (issue 16): parsed, checked,
applied; a wrong setting is named with what would be right."""

import pytest

from assess.provider_groups import GroupMappingError, groups_of, load, parse


def test_roles_are_the_union_of_the_mapped_groups():
    mapping = parse(
        {
            "organisation": 1,
            "groups": {
                "a": {"roles": ["preparer"]},
                "b": {"roles": ["reviewer", "preparer"]},
                "c": {"roles": "admin", "organisation": "Kunta"},
            },
        }
    )
    assert mapping.grants(["a", "b", "unknown"]) == ({1}, ["preparer", "reviewer"])
    assert mapping.grants(["a", "c"]) == ({1, "Kunta"}, ["admin", "preparer"])
    assert mapping.grants(["unknown"]) == (set(), [])


def test_yaml_and_json_both_load(tmp_path):
    file = tmp_path / "groups.yaml"
    file.write_text("organisation: 2\ngroups:\n  g: {roles: [auditor]}\n", encoding="utf-8")
    assert load(None, str(file)).grants(["g"]) == ({2}, ["auditor"])
    assert load('{"organisation": 2, "groups": {"g": {"roles": ["auditor"]}}}', None).grants(
        ["g"]
    ) == ({2}, ["auditor"])
    assert load(None, None) is None


@pytest.mark.parametrize(
    "data, says",
    [
        ({}, "needs a non-empty 'groups' mapping"),
        ({"organisation": 1, "groups": {"g": {"roles": ["boss"]}}}, "unknown role 'boss'"),
        ({"organisation": 1, "groups": {"g": {"roles": []}}}, "must list at least one role"),
        ({"groups": {"g": {"roles": ["preparer"]}}}, "group 'g': no organisation"),
        ({"organisation": 1, "groups": {"g": ["preparer"]}}, "expected {roles: [...]}"),
    ],
)
def test_a_wrong_mapping_is_named(data, says):
    with pytest.raises(GroupMappingError) as err:
        parse(data)
    assert says in str(err.value)


def test_an_unreadable_file_is_named(tmp_path):
    with pytest.raises(GroupMappingError, match="OIDC_GROUP_ROLES_FILE .* cannot read"):
        load(None, str(tmp_path / "missing.yaml"))


def test_groups_claim_as_list_or_single_string():
    assert groups_of({"groups": ["a", "b"]}, "groups") == ["a", "b"]
    assert groups_of({"group": "a"}, "group") == ["a"]
    assert groups_of({}, "groups") == []


def test_groups_overage_is_told_apart_from_no_groups():
    from assess.provider_groups import groups_overage

    overage = {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "x"}}}
    assert groups_overage(overage, "groups") is True
    assert groups_of(overage, "groups") == []
    assert groups_overage({"hasgroups": True}, "groups") is True
    assert groups_overage({}, "groups") is False
    assert groups_overage({"groups": []}, "groups") is False
    assert groups_overage({"groups": ["a"], "_claim_names": {"groups": "src1"}}, "groups") is False
    # Another claim's overage is not this claim's.
    assert groups_overage({"_claim_names": {"roles": "src1"}}, "groups") is False
