"""fastwalk computes the same bytes as hashing.event_hash, or declines (issue 21)."""

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


def _row(event, at_text="2026-11-28 08:01:02.345678"):
    import json

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
        json.dumps(event.changes),
        json.dumps(event.transition) if event.transition is not None else None,
        event.request_id,
        event.client_address,
        "0" * 64,
        "",
    )


def test_every_code_point_gives_the_canonical_bytes():
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    event = _event([{"field": "x", "old": text[:60000], "new": text[60000:]}], {"c": text})
    assert fastwalk._fast_payload(_row(event)) == canonical_json(_payload(event))


def test_nested_keys_integers_and_nulls_give_the_canonical_bytes():
    event = _event([{"z": {"b": 1, "a": [None, True, False, -5, 2**63 - 1]}, "ä": "ö"}])
    assert fastwalk._fast_payload(_row(event)) == canonical_json(_payload(event))


def test_a_float_or_an_odd_time_goes_the_exact_way():
    for value in (1e-7, 0.5, 1e16, -2.5e-5):
        assert fastwalk._fast_payload(_row(_event([{"field": "f", "new": value}]))) is None
    assert fastwalk._fast_payload(_row(_event([]), at_text="2026-11-28 08:01:02")) is None
    # Text that only looks like a number in a string may decline too, never differ.
    event = _event([{"field": "klo 12.30", "new": "1.5,2"}])
    fast = fastwalk._fast_payload(_row(event))
    assert fast is None or fast == canonical_json(_payload(event))
