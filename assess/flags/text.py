"""What counts as written text in an answer the rules read (pure).

A mitigation of "-", "tbd" or "ok" fills the field without saying anything; the rules
count such text as missing. Other rules may use ``meaningful`` the same way.
"""

from __future__ import annotations

import re

# A word is a run of letters or digits (any script); punctuation alone is no word.
_WORD = re.compile(r"\w+")


def words(text: str | None) -> int:
    return len(_WORD.findall(text or ""))


def meaningful(text: str | None, min_words: int) -> bool:
    """Whether ``text`` says something: ``min_words`` words or more, punctuation aside."""
    return words(text) >= max(min_words, 1)
