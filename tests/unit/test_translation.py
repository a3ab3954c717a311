"""Translating with an explicit language, without an application."""

from assess import translation
from assess.definitions import Labels, localized
from assess.translation import gettext, joined, lazy_text, pgettext


def test_a_message_in_each_language_and_english_as_the_source():
    assert gettext("fi", "the proposal") == "päätösehdotus"
    assert gettext("sv", "the proposal") == "beslutsförslaget"
    assert gettext("en", "the proposal") == "the proposal"


def test_a_lazy_text_renders_its_lazy_parameters_in_the_same_language():
    label = localized(Labels(fi="nuoret", sv="unga", en="young people"))
    text = lazy_text(
        "Only a person with the role %(roles)s can do this: %(action)s.",
        roles=joined([lazy_text("preparer"), lazy_text("reviewer")], " / "),
        action=label,
    )
    assert text.render("sv") == (
        "Endast en person med rollen beredare / granskare kan göra detta: unga."
    )
    assert text.render("en") == (
        "Only a person with the role preparer / reviewer can do this: young people."
    )


def test_a_parameter_may_be_called_language():
    assert lazy_text("Write the summary in %(language)s.", language="x").render("en") == (
        "Write the summary in x."
    )


def test_str_follows_the_language_source_and_is_english_without_one(monkeypatch):
    text = lazy_text("the proposal")
    assert str(text) == "the proposal"
    monkeypatch.setattr(translation, "_language_source", lambda: "fi")
    assert str(text) == "päätösehdotus"


def test_a_context_keeps_a_message_apart_from_the_interface():
    assert gettext("fi", "Reason for the level") == "Tason perustelu"
    assert pgettext("fi", "document", "Reason for the level") == "Perustelu tasolle"
