"""fastwalk gives hashing.event_hash's verdict, or declines to the exact way (issue 21)."""

import json
from datetime import UTC, datetime
from types import SimpleNamespace

from assess.audit import fastwalk
from assess.audit.hashing import _payload
from assess.canonical import canonical_json


def _event(changes, transition=None, at=datetime(2026, 11, 28, 8, 1, 2, 345678, tzinfo=UTC)):
    return SimpleNamespace(
        at=at,
        organisation_id=1,
        actor_type="user",
        actor_id=7,
        actor_name="Maija Meikäläinen",
        action="assessment.updated",
        object_type="assessment",
        object_id=42,
        changes=changes,
        transition=transition,
        request_id="r1",
        client_address="10.0.0.1",
    )


def _row(event, at_text="2026-11-28 08:01:02.345678", dump=None):
    """The driver's row of an event whose hash is the definition's, its JSON stored as
    ``dump`` writes it (canonical, as the events are stored now, by default)."""
    import hashlib

    dump = dump or (lambda value: canonical_json(value))
    prev = "0" * 64
    digest = hashlib.sha256(prev.encode() + canonical_json(_payload(event))).hexdigest()
    return (
        1,
        at_text,
        event.organisation_id,
        event.actor_type,
        event.actor_id,
        event.actor_name,
        event.action,
        event.object_type,
        event.object_id,
        dump(event.changes),
        dump(event.transition) if event.transition is not None else None,
        event.request_id,
        event.client_address,
        prev,
        digest,
    )


def _as_json_dumps_wrote(value):
    # How SQLAlchemy's JSON type stored the events before issue 21.
    return json.dumps(value)


EVERY_CODE_POINT = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_every_code_point_matches_stored_either_way():
    text = EVERY_CODE_POINT
    event = _event([{"field": "x", "old": text[:60000], "new": text[60000:]}], {"c": text})
    for dump in (canonical_json, _as_json_dumps_wrote, lambda v: canonical_json(v).decode()):
        row = _row(event, dump=dump)
        assert fastwalk._stored_text_matches(row)
        assert fastwalk.definition_matches(row)


def test_nested_keys_integers_floats_and_nulls_match():
    changes = [{"z": {"b": 1, "a": [None, True, False, -5, 2**63 - 1, 0.5, 1e-7]}, "ä": "ö"}]
    event = _event(changes, {"revision": 3, "to": "in_review"})
    assert fastwalk._stored_text_matches(_row(event))
    # Written by json.dumps, orjson writes 1e-07 as 1e-7: the fast way declines, the
    # definition's way (taken next) matches.
    old = _row(event, dump=_as_json_dumps_wrote)
    assert not fastwalk._stored_text_matches(old)
    assert fastwalk.definition_matches(old)
    without_floats = _event([{"z": {"b": 1, "a": [None, True, -5, 2**63 - 1]}, "ä": "ö"}])
    assert fastwalk._stored_text_matches(_row(without_floats, dump=_as_json_dumps_wrote))


def test_a_changed_value_does_not_match_any_way():
    event = _event([{"field": "name", "new": "Maija", "old": None}])
    row = list(_row(event))
    row[9] = canonical_json([{"field": "name", "new": "Mallory", "old": None}])
    assert not fastwalk._stored_text_matches(tuple(row))
    assert fastwalk.definition_matches(tuple(row)) is False


def test_where_orjson_reads_otherwise_the_fast_way_declines():
    """orjson reads an integer beyond 64 bits as a float; json reads an integer. A float
    first hashed must not verify when an integer stands in its place."""
    event = _event([{"field": "f", "new": 1.8446744073709552e19}])
    row = list(_row(event))
    assert fastwalk._stored_text_matches(tuple(row))
    row[9] = b'[{"field":"f","new":18446744073709551616}]'
    assert not fastwalk._stored_text_matches(tuple(row))
    assert fastwalk.definition_matches(tuple(row)) is False
    # Text that is not one JSON value never matches the fast way, even if it would line up.
    row[9] = b'[{"field":"f","new":1.8446744073709552e+19}] '
    row[10] = b"x"
    assert not fastwalk._stored_text_matches(tuple(row))


def test_an_odd_time_goes_the_exact_way():
    # PostgreSQL's text of a time under a DateStyle other than ISO.
    row = _row(_event([]), at_text="11/28/2026 08:01:02.345678")
    assert not fastwalk._stored_text_matches(row)
    assert fastwalk.definition_matches(row) is None


def test_postgresql_times_without_trailing_zeros_match():
    # PostgreSQL writes a timestamp's fraction without its trailing zeros, and none at all
    # on a whole second; the hash covers six digits.
    for at, text in (
        (datetime(2023, 9, 4, 6, 24, 4, 80000, tzinfo=UTC), "2023-09-04 06:24:04.08"),
        (datetime(2023, 9, 4, 6, 8, 10, tzinfo=UTC), "2023-09-04 06:08:10"),
        (datetime(2023, 9, 4, 6, 8, 10, 1, tzinfo=UTC), "2023-09-04 06:08:10.000001"),
    ):
        row = _row(_event([{"field": "a"}], at=at), at_text=text)
        assert fastwalk._stored_text_matches(row)
        assert fastwalk.definition_matches(row)
    # The same texts read as another time do not match.
    row = _row(_event([], at=datetime(2023, 9, 4, 6, 24, 4, 800000, tzinfo=UTC)), at_text=text)
    assert not fastwalk._stored_text_matches(row)


def test_when_the_database_checked_the_json_the_text_is_hashed_unparsed():
    event = _event([{"field": "a", "old": None, "new": [1, 2.5, "ä"]}], {"from": "a", "to": "b"})
    assert fastwalk._stored_text_matches(_row(event), json_checked=True)
    # Stored as json.dumps wrote it before issue 21: parsed and written sorted, as unchecked.
    old = _row(event, dump=_as_json_dumps_wrote)
    assert fastwalk._stored_text_matches(old, json_checked=True)
    changed = list(_row(event))
    changed[9] = (
        changed[9].replace(b"2.5", b"2.6")
        if isinstance(changed[9], bytes)
        else (changed[9].replace("2.5", "2.6"))
    )
    assert not fastwalk._stored_text_matches(tuple(changed), json_checked=True)
