"""The pure layers' unit tests build no Flask application: those layers need none.

Building one from such a module (at import, in a fixture or in a test) fails here;
``test_pure_layers`` checks that importing the layers imports no Flask at all.
"""

import sys
from pathlib import Path

import flask

HERE = Path(__file__).resolve().parent
PURE_TEST_MODULES = {
    "test_document_texts",
    "test_engine",
    "test_flags",
    "test_method_cases",
    "test_policy",
    "test_policy_document",
    "test_policy_examples",
    "test_pure_layers",
    "test_questionnaire",
    "test_translation",
    "test_workflow_definitions",
}

_build = flask.Flask.__init__


def _pure_test_module_building() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.parent == HERE and path.stem in PURE_TEST_MODULES:
            return path.name
        frame = frame.f_back
    return None


def _refuse_in_pure_tests(self, *args, **kwargs):
    module = _pure_test_module_building()
    if module is not None:
        raise AssertionError(
            f"{module} builds a Flask application: the pure layers' tests take the language "
            "as an argument and need none (tests needing an app go to tests/integration)"
        )
    _build(self, *args, **kwargs)


flask.Flask.__init__ = _refuse_in_pure_tests
