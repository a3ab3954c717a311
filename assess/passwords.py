"""The password policy: what makes a new password too easy to guess.

Pure: the password and the person's e-mail address and name come in, the problems go out
as texts that say what is wrong and what would be right. NIST SP 800-63B (5.1.1.2) and
OWASP ASVS 2.1 ask for this shape: a minimum length, long passwords allowed, no rules of
composition (they make passwords harder to remember, not to guess), and a refusal of
passwords that are common, breached, repetitive or taken from the person's own context.

The common passwords are the 20,000 of Royce Williams's list as Django ships it
(``data/common-passwords.txt.gz``, BSD licence in ``data/common-passwords.LICENSE``): a
file in the package, so the check needs no network and says exactly why a password was
refused, in every language. zxcvbn was the other candidate; its score is harder to explain
to a person, and its advice exists in English only.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from .translation import LazyText
from .translation import lazy_text as _l

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"
MAX_LENGTH = 1000
# Shorter parts of a name or an address ("Li", "ab@") would refuse too many good passwords.
MIN_PERSONAL_WORD = 4

# Digits, punctuation and spaces at either end: "Password2026!" is "password" decorated.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_WORD_SEPARATORS = re.compile(r"[\W\d_]+")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased, read once."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def problems(
    password: str | None,
    *,
    min_length: int,
    email: str = "",
    name: str = "",
    check_personal: bool = True,
) -> list[LazyText]:
    """What is wrong with ``password`` as a new password; empty when it may be used.

    ``email`` and ``name`` are the person's; a password containing them is refused unless
    ``check_personal`` is false (only the demo's published accounts).
    """
    if not password or len(password) < min_length:
        return [_l("A password needs at least %(min)d characters.", min=min_length)]
    if len(password) > MAX_LENGTH:
        return [_l("A password may have at most 1000 characters.")]
    found: list[LazyText] = []
    lowered = password.strip().casefold()
    unit = repeated_unit(lowered)
    if unit is not None and len(unit) <= 3:
        found.append(
            _l(
                "A password that repeats one character or a short group of characters is "
                "guessed at once. Use a few unrelated words instead."
            )
        )
    elif is_common(password):
        found.append(
            _l(
                "This password is among the 20,000 most common passwords (perhaps with digits "
                "or marks added), which attackers try first. Choose another: a few unrelated "
                "words make a good password."
            )
        )
    if check_personal:
        word = personal_word_in(lowered, email=email, name=name)
        if word is not None:
            found.append(
                _l(
                    "A password must not contain the person's name or e-mail address; this "
                    "one contains “%(word)s”. Choose words that have nothing to do with the "
                    "person.",
                    word=word,
                )
            )
    return found


def repeated_unit(text: str) -> str | None:
    """The shortest part that ``text`` repeats from end to end ("ab" of "ababab"), or None."""
    at = (text + text).find(text, 1)
    return text[:at] if 0 < at < len(text) else None


def is_common(password: str) -> bool:
    """The password, its core without digits and marks at its ends, or the part it repeats,
    is on the list."""
    lowered = password.strip().casefold()
    core = _DECORATION.sub("", lowered)
    candidates = {lowered, core}
    for text in (lowered, core):
        unit = repeated_unit(text)
        if unit is not None:
            candidates.add(unit)
    common = common_passwords()
    return any(c and c in common for c in candidates)


def personal_word_in(lowered: str, *, email: str, name: str) -> str | None:
    """The first word of the person's e-mail address or name that ``lowered`` contains."""
    local = (email or "").partition("@")[0].casefold()
    folded_name = (name or "").casefold()
    words = {local, "".join(folded_name.split())}
    words.update(_WORD_SEPARATORS.split(local))
    words.update(_WORD_SEPARATORS.split(folded_name))
    compact = "".join(lowered.split())
    for word in sorted(words, key=lambda w: (-len(w), w)):
        if len(word) >= MIN_PERSONAL_WORD and (word in lowered or word in compact):
            return word
    return None
