"""The build step pyproject.toml cannot express: an installed package carries the checkout's
top-level content (workflows/, forms/, migrations/) in ``assess/_content/`` and its compiled
catalogues (``.mo``), so that ``pip install .`` works outside the checkout. A checkout and an
editable install read the top-level folders directly (``assess.content_dir``).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CONTENT = ("workflows", "forms", "migrations")


class build_py_with_content(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "assess" / "_content"
        for name in CONTENT:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(
                ROOT / name,
                target / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        self._compile_catalogues(Path(self.build_lib) / "assess" / "translations")

    @staticmethod
    def _compile_catalogues(directory: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in (ROOT / "assess" / "translations").glob("*/LC_MESSAGES/messages.po"):
            mo = directory / po.relative_to(ROOT / "assess" / "translations")
            mo = mo.with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parts[-3])
            with mo.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": build_py_with_content})
