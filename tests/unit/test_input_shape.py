"""The shape checks of issue 15, item 1: bounded work to refuse a hostile body."""

import json
import logging

from assess.input_shape import (
    first_few,
    least_keys,
    nul_paths,
    oversized,
    strip_control,
    strip_control_deep,
)
from assess.limits import BoundedLogRecord, cut


def test_oversized_stops_at_the_first_bound_passed():
    assert oversized({"a": [1, 2], "b": {"c": 3}}, max_items=5, max_depth=3) is None
    assert oversized({"a": [1, 2], "b": {"c": 3}}, max_items=4, max_depth=3).what == "items"
    assert oversized([[[[]]]], max_items=100, max_depth=3).what == "depth"
    huge = {f"k{i}": 0 for i in range(700_000)}
    assert oversized({"answers": huge}, max_items=40_000, max_depth=10).limit == 40_000


def test_least_keys_never_counts_more_keys_than_there_are():
    for body in (
        {"a": 1, "b": {"c": 'd":e', "f\\": 2}},
        {"x": ['":', '\\":', "\\\\"]},
        {},
    ):
        for text in (json.dumps(body), json.dumps(body, separators=(",", ":"))):
            keys = text.count(":")  # an upper bound here: no colon outside keys but in strings
            assert least_keys(text.encode()) <= keys
    assert least_keys(json.dumps({f"k{i}": 0 for i in range(1000)}).encode()) == 1000


def test_nul_is_found_in_keys_and_texts_by_path():
    assert list(nul_paths({"a": ["x", "y\x00"], "b\x00": 1})) == [("a", 1), ("b\x00",)]
    assert strip_control("a\x00b\x07c\td\ne\r") == "abc\td\ne\r"


def test_escapes_c1_del_and_bidi_controls_are_stripped_letters_kept():
    assert strip_control("\x1b[1m\x7f\x85\x9b\u202ea\u2066b\u2069\u202c") == "[1mab"
    assert strip_control("Åsa Öhman – ÿ\u00a0é\u200d") == "Åsa Öhman – ÿ\u00a0é\u200d"
    hostile = {"k\x1b": ["\u202ex", ("\x9by",)], "n": 1}
    assert strip_control_deep(hostile) == {"k": ["x", ["y"]], "n": 1}


def test_first_few_names_five_and_counts_the_rest():
    assert first_few(["a", "b"]) == ("'a', 'b'", 0)
    shown, more = first_few([f"n{i}" for i in range(700_000)])
    assert shown.count(",") == 4 and more == 699_995


def test_a_log_line_is_cut_with_a_marker():
    record = BoundedLogRecord("x", logging.ERROR, __file__, 1, "%s", ("k" * 23_000_000,), None)
    message = record.getMessage()
    assert len(message) < 5000 and message.endswith("[cut: 23,000,000 characters in all]")
    assert cut("short", 10) == "short"


def test_a_traceback_is_cut_too():
    try:
        raise ValueError("v" * 1_000_000)
    except ValueError:
        import sys

        record = BoundedLogRecord("x", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    text = logging.Formatter().format(record)
    assert len(text) < 5 * BoundedLogRecord.limit + 200
    assert "characters in all" in text and text.rstrip().endswith("v")
