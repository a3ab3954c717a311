"""The shape of what a client sends, checked before any work per key (issue 15, items 1, 7).

A request's parsed JSON is walked once, and the walk stops as soon as a limit is passed:
the cost of refusing a hostile body is bounded by the limit, not by the body. The same
module says where a text holds a character no database can store (NUL), and names a long
list of unknown keys in one short sentence. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# PostgreSQL stores no NUL in text or JSONB (SQLite does): refused on every database alike.
NUL = "\x00"
# One rule for every free text that is stored, from every front (issue 15, item 7): the
# characters no reader should be shown are removed, tab and newlines kept. C0 controls are
# what XML (and so a Word document) cannot hold, and ESC starts a terminal's escape sequence
# (colours, cursor moves, a rewritten line) in `flask audit` output or a log; DEL and the C1
# range (U+0080-U+009F, C1's CSI U+009B is ESC [ in one character) are controls no text needs;
# the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) make a
# name or a comment read in another order than it was written ("gnp.exe" shown as "exe.png").
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SHOWN = 5  # unknown keys named in a refusal; the rest are counted
# The primary keys' range on PostgreSQL (32-bit): a larger id reaches no row, and asking the
# database for it fails there (and beyond 2**63 on SQLite) instead of finding nothing.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class TooLarge:
    """Why a body was refused: ``what`` is "items" or "depth", ``limit`` the bound passed."""

    what: str
    limit: int


def oversized(value: Any, *, max_items: int, max_depth: int) -> TooLarge | None:
    """``TooLarge`` when ``value`` has more than ``max_items`` keys and list items in all, or
    nests deeper than ``max_depth``; else None. Stops at the first bound passed."""
    items = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            return TooLarge("depth", max_depth)
        items += len(node)
        if items > max_items:
            return TooLarge("items", max_items)
        stack.extend((child, depth + 1) for child in children)
    return None


def least_keys(raw: bytes) -> int:
    """At least how many keys the JSON text ``raw`` has, counted without parsing it.

    After every key comes ``":`` (or ``" :``, which this does not count); inside a string a
    quote is escaped, so ``":`` there is always ``\\":``, and those are not counted. A body
    with more keys than this may pass, never one with fewer be refused.
    """
    return raw.count(b'":') - raw.count(b'\\":')


def nul_paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """The paths (tuples of keys and indexes) where ``value`` holds a NUL, in keys or texts."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from nul_paths(key, (*path, key))
            yield from nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_paths(item, (*path, index))


def strip_control(text: str) -> str:
    """``text`` without the characters of ``CONTROL`` (tab, CR, LF kept)."""
    return CONTROL.sub("", text)


def strip_control_deep(value: Any) -> Any:
    """``value`` with ``strip_control`` applied to every text in it, keys included."""
    if isinstance(value, str):
        return strip_control(value)
    if isinstance(value, dict):
        return {strip_control_deep(k): strip_control_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strip_control_deep(item) for item in value]
    return value


def first_few(names: Iterable[Any], shown: int = SHOWN) -> tuple[str, int]:
    """The first ``shown`` names quoted and joined, and how many more there are."""
    names = list(names)
    return ", ".join(repr(str(n)[:60]) for n in names[:shown]), max(0, len(names) - shown)
