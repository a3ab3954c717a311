from flask_babel import get_locale

from ..definitions import Labels


class Localized:
    """A content label that renders in the reader's language (escaped like any text)."""

    __slots__ = ("labels",)

    def __init__(self, labels: Labels):
        self.labels = labels

    def __str__(self) -> str:
        return self.labels.get(str(get_locale() or "en"))


def localized(labels: Labels) -> Localized:
    return Localized(labels)
