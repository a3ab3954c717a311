"""The password policy (issue 15, item 10): length, common, repetitive and personal passwords."""

import pytest

from assess import passwords

PERSON = {"email": "paula.peltonen@demo.example", "name": "Paula Peltonen"}


def problems(password, **person):
    found = passwords.problems(password, min_length=12, **(person or PERSON))
    return [p.render("en") for p in found]


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "zzzzzzzzzzzzzzzzzzzz",
        "111111111111",
        "abababababab",
        "abcabcabcabc",
        "ÄÄÄÄÄÄÄÄÄÄÄÄ",
    ],
)
def test_a_repeated_character_or_short_group_is_refused(password):
    found = problems(password)
    assert len(found) == 1 and "repeats one character" in found[0]


@pytest.mark.parametrize(
    "password",
    [
        "password2026",  # a common word with a year
        "Password2026!",  # capitals and marks change nothing
        "passwordpassword",  # a common word twice
        "iloveyou!!!!1",
        "qwertyuiop12",
        "1234567890qwerty",  # on the list as it is
        "  sunshine2026  ",
    ],
)
def test_common_passwords_are_refused(password):
    found = problems(password)
    assert len(found) == 1 and "20,000 most common passwords" in found[0]


@pytest.mark.parametrize(
    "password, word",
    [
        ("paula.peltonen.2026", "paula.peltonen"),
        ("Peltonen rakastaa kesää", "peltonen"),
        ("my name is PAULA and more", "paula"),
        ("paula peltonen was here", "paulapeltonen"),
    ],
)
def test_the_persons_name_or_address_is_refused(password, word):
    found = problems(password)
    assert found == [
        "A password must not contain the person's name or e-mail address; this one contains "
        f"“{word}”. Choose words that have nothing to do with the person."
    ]


def test_short_parts_of_a_name_do_not_refuse_a_password():
    # "Li" and "Wu" are in many words; only parts of four letters or more count.
    assert problems("slim wulf lantern 42", email="li.wu@example.fi", name="Li Wu") == []


def test_the_demo_accounts_skip_only_the_personal_rule():
    demo = {"email": "preparer@demo.example", "name": "Paula Peltonen"}
    assert passwords.problems("demo-preparer-2026", min_length=12, **demo)
    assert not passwords.problems("demo-preparer-2026", min_length=12, check_personal=False, **demo)
    assert passwords.problems("password2026", min_length=12, check_personal=False, **demo)


@pytest.mark.parametrize(
    "password",
    [
        "copper lantern meadow 77",
        "hyvä salasana kesällä",
        "correct horse battery staple",
        "Tr0ub4dor&3-mountain",
    ],
)
def test_good_passwords_pass(password):
    assert problems(password) == []


def test_length_is_checked_first_and_named():
    assert problems("short") == ["A password needs at least 12 characters."]
    assert problems("") == ["A password needs at least 12 characters."]
    assert problems(None) == ["A password needs at least 12 characters."]
    assert problems("a b c d e f g h i j " * 60) == ["A password may have at most 1000 characters."]


def test_the_messages_are_in_finnish_and_swedish():
    found = passwords.problems("aaaaaaaaaaaa", min_length=12, **PERSON)
    assert "toistaa yhtä merkkiä" in found[0].render("fi")
    assert "upprepar ett tecken" in found[0].render("sv")
    found = passwords.problems("password2026", min_length=12, **PERSON)
    assert "yleisimmän salasanan" in found[0].render("fi")
    assert "vanligaste lösenorden" in found[0].render("sv")
    found = passwords.problems("paula rakastaa kesää", min_length=12, **PERSON)
    assert "”paula”" in found[0].render("fi") and "personens namn" in found[0].render("sv")


def test_the_list_ships_with_the_package():
    common = passwords.common_passwords()
    assert len(common) > 19_000
    assert {"password", "123456", "qwerty"} <= common
    assert passwords.COMMON_PASSWORDS_FILE.with_name("common-passwords.LICENSE").exists()
