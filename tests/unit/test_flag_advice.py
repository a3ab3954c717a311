"""Flag advice fits the actual gap (issue 20): a serious effect whose mitigation is written
is not told to describe the mitigation; a mitigation that says too little is told how much
is needed; the severity symbols are none of the matrix's direction symbols."""

from assess.web.flags import SEVERITY_ICONS
from tests.unit.test_flags import FORM, cell, data, fired


def test_a_serious_effect_with_its_mitigation_written_is_not_asked_for_one():
    [flag] = fired("serious_negative_effect", data([cell(magnitude="large")]))
    advice = flag.resolution("en")
    assert "Describe how the effect is mitigated" not in advice
    assert "A mitigation is described" in advice and "acknowledge" in advice
    for language in ("fi", "sv"):
        assert flag.resolution(language) != advice  # translated


def test_a_serious_effect_without_a_mitigation_is_asked_for_one():
    [flag] = fired("serious_negative_effect", data([cell(magnitude="large", mitigation="")]))
    assert flag.resolution("en").startswith("Describe how the effect is mitigated")


def test_a_mitigation_too_short_is_told_how_many_words():
    [short] = fired("missing_mitigation", data([cell(mitigation="A bus.")]))
    assert "at least 3 words" in short.resolution("en")
    [empty] = fired("missing_mitigation", data([cell(mitigation="")]))
    assert (
        empty.resolution("en") == "Describe what reduces the negative effect, or why nothing can."
    )


def test_no_severity_symbol_means_an_effect_direction():
    directions = {v.symbol for v in FORM.scales["direction"].values}
    assert not set(SEVERITY_ICONS.values()) & directions
    assert len(set(SEVERITY_ICONS.values())) == 3
