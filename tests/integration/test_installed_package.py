"""`pip install` of the built wheel works outside the checkout (issue 16).

The wheel is built from the checkout (``pip wheel --no-deps .``, setup.py's build step puts
workflows/, forms/, migrations/ and the compiled catalogues into it) and installed into a
fresh venv in a temporary directory. Its dependencies come from the test venv's
site-packages through a path file (a path added that way is not a site directory, so the
test venv's editable ``assess`` is not seen); the package itself is the wheel's. In a
working directory outside the checkout: `flask --app assess.wsgi db upgrade` on a fresh
SQLite file, `demo load`, and gunicorn with the package's settings serves the login page.
"""

from __future__ import annotations

import http.client
import os
import site
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel installed; its python and a working directory."""
    base = tmp_path_factory.mktemp("installed")
    wheels = base / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("assess-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies from the test venv, after the venv's own site-packages.
    Path(purelib, "test-venv-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            purelib,
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = base / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSESS_", "PYTHON"))}
    env.pop("DATABASE_URL", None)
    env.pop("MIGRATION_DATABASE_URL", None)
    return wheel, python, work, env


def _run(installed, *args, timeout=300):
    _, python, work, env = installed
    return subprocess.run(
        [str(python), *args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_installed_package_migrates_loads_the_demo_and_serves(installed):
    wheel, python, work, env = installed
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "assess/config.py",
        "assess/wsgi.py",
        "assess/gunicorn_conf.py",
        "assess/_content/forms/iva.yaml",
        "assess/_content/workflows/eva-standard.yaml",
        "assess/_content/migrations/env.py",
        "assess/_content/migrations/alembic.ini",
        "assess/translations/fi/LC_MESSAGES/messages.mo",
        "assess/translations/sv/LC_MESSAGES/messages.mo",
    ):
        assert needed in names, needed
    assert any(n.startswith("assess/_content/migrations/versions/0027") for n in names)

    where = _run(installed, "-c", "import assess; print(assess.__file__)")
    assert where.returncode == 0, where.stderr
    location = Path(where.stdout.strip()).resolve()
    assert not location.is_relative_to(ROOT), location
    assert location.is_relative_to(python.parent.parent), location

    upgrade = _run(installed, "-m", "flask", "--app", "assess.wsgi", "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    # Without DATABASE_URL or ASSESS_INSTANCE_PATH: instance/ of the working directory,
    # never site-packages.
    assert (work / "instance" / "assess.db").is_file()
    assert (work / "instance" / "secret_key").is_file()

    demo = _run(installed, "-m", "flask", "--app", "assess.wsgi", "demo", "load")
    assert demo.returncode == 0, demo.stderr
    assert "users added" in demo.stdout

    port = _free_port()
    server = subprocess.Popen(
        [
            str(python),
            "-m",
            "gunicorn",
            "-c",
            "python:assess.gunicorn_conf",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "assess.wsgi:app",
        ],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        response = body = None
        for _ in range(600):  # until it listens (or has died)
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited: {server.stderr.read().decode()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/login", headers={"Accept-Language": "fi"})
                response = conn.getresponse()
                body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert response is not None and response.status == 200
        assert "Kirjaudu sisään" in body  # the wheel's compiled Finnish catalogue
        assert response.getheader("Server") is None  # the package's gunicorn settings
    finally:
        server.terminate()
        server.wait(timeout=30)
