"""Archival PDF (PDF/A-2b) from .docx bytes through LibreOffice.

Two ways, the first preferred:

- a **long-running converter**: unoserver (PyPI) keeps one LibreOffice running and takes
  conversions over XML-RPC, so a document costs a fraction of a second instead of a
  LibreOffice start. Its server half imports LibreOffice's ``uno`` module, which only the
  system's Python has (Debian: python3-uno), so ``LocalConverter`` runs it with that Python
  and lends it the unoserver package installed beside this application; the client half is
  plain XML-RPC and needs nothing of LibreOffice. Or a converter someone else runs, by URL.
- a **fresh start** of ``soffice --convert-to`` per document (seconds each): the fallback.

No Flask, no database: the operations pass in the settings and keep the result.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path
from urllib.parse import urlsplit

# PDF/A-2b: LibreOffice's PDF export option SelectPdfVersion (1 = PDF/A-1b, 2 = PDF/A-2b,
# 3 = PDF/A-3b). Level b: the visual appearance is preserved, fonts embedded.
PDF_VERSION = 2
FILTER = "writer_pdf_Export"
FILTER_OPTIONS = [f"SelectPdfVersion={PDF_VERSION}"]
# The same for `soffice --convert-to` (LibreOffice 7.4+ reads filter options as JSON).
CONVERT_TO = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"' + str(PDF_VERSION) + '"}}'
)
# unoserver's XML-RPC API version this client speaks (unoserver 3.x: 3).
API_VERSION = "3"


class ConverterDown(Exception):
    """No conversion could be made; the message says why (for the log and the operator)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a timeout: a hung converter must not hang a request."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn


def convert_remote(url: str, content: bytes, timeout: float) -> bytes:
    """Convert through the unoserver at ``url`` ("http://host:port")."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConverterDown(f"the converter's address {url!r} is not http://host:port")
    proxy = xmlrpc.client.ServerProxy(url, allow_none=True, transport=_Transport(timeout))
    try:
        result = proxy.convert(
            None,  # inpath: the bytes travel in the request, so the server may be remote
            xmlrpc.client.Binary(content),
            None,  # outpath: the PDF comes back in the answer
            "pdf",
            FILTER,
            FILTER_OPTIONS,
            # No index update: the documents have no table of contents or index, and it costs
            # a layout pass (a fifth of a long document's conversion); `soffice
            # --convert-to` makes none either.
            False,
            None,
            None,
        )
    except (OSError, http.client.HTTPException, xmlrpc.client.Error) as exc:
        raise ConverterDown(f"the converter at {url} did not convert: {exc}") from None
    data = result.data if isinstance(result, xmlrpc.client.Binary) else b""
    if not data.startswith(b"%PDF-"):
        raise ConverterDown(f"the converter at {url} answered something that is not a PDF")
    return data


def reachable(url: str, timeout: float = 2.0) -> bool:
    """Whether an unoserver of a compatible API answers at ``url``."""
    proxy = xmlrpc.client.ServerProxy(url, allow_none=True, transport=_Transport(timeout))
    try:
        info = proxy.info()
        return isinstance(info, dict) and str(info.get("api")) == API_VERSION
    except (OSError, http.client.HTTPException, xmlrpc.client.Error, AttributeError):
        return False


def convert_fresh(soffice: str, content: bytes, timeout: float) -> bytes:
    """Start LibreOffice for this one document (its own profile, so starts do not collide)."""
    with tempfile.TemporaryDirectory(prefix="assess-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(content)
        profile = (work / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            CONVERT_TO,
            "--outdir",
            str(work),
            str(source),
        ]
        # A session of its own: on a timeout the whole LibreOffice (oosplash and
        # soffice.bin) is ended, not only the script that started it.
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end_group(proc, grace=2)
            raise ConverterDown(f"LibreOffice did not finish within {timeout:.0f} s") from None
        pdf = source.with_suffix(".pdf")
        if proc.returncode != 0 or not pdf.exists():
            raise ConverterDown(
                f"LibreOffice could not convert (exit {proc.returncode}): "
                + err.decode(errors="replace")[-500:]
            )
        return pdf.read_bytes()


def _end_group(proc: subprocess.Popen, grace: float) -> None:
    """End a process started with ``start_new_session`` and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)
    # The group outlives its leader when LibreOffice ignores the TERM.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)


def unoserver_site() -> str:
    """The directory the installed unoserver package is in (lent to the system Python)."""
    import unoserver

    return str(Path(unoserver.__file__).resolve().parent.parent)


# The server half run by the system's Python: the application's unoserver appended to its
# path (appended, so the system's own modules win over anything else installed beside it).
_SERVER_BOOT = (
    "import sys; sys.path.append(sys.argv.pop(1)); "
    "from unoserver.server import main; sys.exit(main())"
)


class LocalConverter:
    """One unoserver with its LibreOffice, started on demand, stopped with ``stop``.

    Each process (each gunicorn worker) has its own, on ports of its own. Thread-safe: the
    first caller starts it, the others wait for it.
    """

    def __init__(
        self,
        python: str = "/usr/bin/python3",
        soffice: str | None = None,
        start_timeout: float = 60.0,
    ):
        self.python = python
        self.soffice = soffice
        self.start_timeout = start_timeout
        self.url: str | None = None
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._profile: tempfile.TemporaryDirectory | None = None
        self.failure: str | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> str:
        """Start it (once) and wait until it converts; its URL, or ConverterDown."""
        with self._lock:
            if self.running and self.url is not None:
                return self.url
            self._stop_locked()
            return self._start_locked()

    def _start_locked(self) -> str:
        soffice = self.soffice or shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise ConverterDown("LibreOffice (soffice) is not installed")
        if not Path(self.python).exists():
            raise ConverterDown(f"{self.python} (the Python with LibreOffice's uno) is missing")
        port, uno_port = _free_port(), _free_port()
        self._profile = tempfile.TemporaryDirectory(prefix="assess-unoserver-")
        command = [
            self.python,
            "-c",
            _SERVER_BOOT,
            unoserver_site(),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--uno-port",
            str(uno_port),
            "--executable",
            soffice,
            "--user-installation",
            self._profile.name,
            "--quiet",
        ]
        log = Path(self._profile.name) / "unoserver.log"
        with open(log, "wb") as out:
            self._proc = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # stop() ends the whole group, LibreOffice included
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if reachable(url, timeout=1.0):
                self.url = url
                self.failure = None
                return url
            time.sleep(0.25)
        tail = log.read_bytes()[-500:].decode(errors="replace") if log.exists() else ""
        self._stop_locked()
        self.failure = f"the converter did not start within {self.start_timeout:.0f} s. {tail}"
        raise ConverterDown(self.failure)

    def convert(self, content: bytes, timeout: float) -> bytes:
        url = self.start()
        try:
            return convert_remote(url, content, timeout)
        except ConverterDown:
            if self.running:
                raise
            # LibreOffice died under it (it does, now and then): once more with a new one.
            return convert_remote(self.start(), content, timeout)

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        if self._proc is not None:
            _end_group(self._proc, grace=5)
            self._proc = None
        self.url = None
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None
