"""What an uploaded file is, judged from its bytes, and the name it may be kept under.

A statement file is accepted only as one of four types, recognised from its content, never
from its name or the browser's content type: PDF, Word (.docx), OpenDocument text (.odt)
and plain UTF-8 text. Office files that carry macros or other active content are refused,
and the two zip-based types are checked for what they would unpack to before anything is
trusted: member count, total unpacked size and expansion ratio, then every member is read
through (bounded by the sizes just checked) so that a member lying about its size fails its
CRC. Nothing is ever extracted to disk.

An own sniffer rather than ``filetype`` or ``puremagic``: those name a type from the first
bytes (a zip that contains ``word/`` is "docx" to them), while what makes an upload safe
here is the zip's member list, its sizes and its macro parts, which they do not look at, and
neither knows plain text. Four types are a few lines each on the standard ``zipfile``.

Pure: bytes and a name in, a verdict out; the operations turn a refusal into a message.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

# An archive is refused beyond any of these, before a byte of it is unpacked.
MAX_MEMBERS = 1000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_EXPANSION_RATIO = 100
# The small parts read to tell the type (content types, mimetype) are read up to this.
MAX_PART_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 200

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class FileType:
    kind: str  # "pdf", "docx", "odt", "text"
    extension: str
    content_type: str


PDF = FileType("pdf", "pdf", "application/pdf")
DOCX = FileType("docx", "docx", DOCX_TYPE)
ODT = FileType("odt", "odt", ODT_TYPE)
TEXT = FileType("text", "txt", "text/plain; charset=utf-8")
ACCEPTED = (PDF, DOCX, ODT, TEXT)

# Names that say "macros" whatever the content turns out to be.
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "pptm", "potm", "ppsm"}


class Refused(ValueError):
    """The file is not accepted; ``reason`` says why, ``details`` carry the figures."""

    def __init__(self, reason: str, **details: Any):
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Accepted:
    """A file found to be one of the accepted types, and the name to keep it under."""

    type: FileType
    filename: str


# --- names --------------------------------------------------------------------------------

# Bidirectional controls turn "txt.exe" into what reads as "exe.txt" (U+202E) and the like;
# Cf also holds the zero-width characters that make two names look the same.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}
_FORBIDDEN = set('"<>|:*?')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
_EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")


def clean_filename(filename: str, default: str = "statement") -> str:
    """The name a file is kept and offered under: NFC, no path, no control, bidi or
    invisible format characters, none that Windows forbids, at most 200 characters with
    the extension kept."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[\t\n\r\v\f\u2028\u2029]+", " ", name)
    name = "".join(
        ch
        for ch in name
        if ch not in _BIDI
        and ch not in _FORBIDDEN
        and unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = re.sub(r"\s+", " ", name).strip()
    stem, dot, ext = name.rpartition(".")
    ext = ext.strip()
    if not dot or len(ext) > 16:  # what follows the last dot is no extension
        stem, ext = name, ""
    stem = stem.strip(" .") or default  # ".pdf" once the invisible characters are gone
    if _WINDOWS_RESERVED.match(stem):
        stem += "_"
    if len(stem) + len(ext) + 1 > MAX_NAME_LENGTH:
        stem = stem[: MAX_NAME_LENGTH - (len(ext) + 1 if ext else 0)].rstrip(" .") or default
    return f"{stem}.{ext}" if ext else stem


def extension_of(name: str) -> str:
    """The lower-case extension of a name, or "" when what follows the last dot is not one
    ("Lausunto 2.3.2026" has none)."""
    stem, dot, ext = name.rpartition(".")
    ext = ext.lower()
    if dot and stem and _EXTENSION.match(ext) and not ext.isdigit():
        return ext
    return ""


# --- content ------------------------------------------------------------------------------


def check_upload(filename: str, content: bytes) -> Accepted:
    """The type of ``content`` and the cleaned name to keep it under; raises ``Refused``.

    The name's extension must be the detected type's (one of the four: a PDF named .exe is
    refused too); a name without one gets it.
    """
    name = clean_filename(filename)
    given = extension_of(name)
    detected = detect(content, given)
    if given in MACRO_EXTENSIONS:
        raise Refused("macros", part="." + given)
    if not given:
        name = f"{name}.{detected.extension}"
        if len(name) > MAX_NAME_LENGTH:
            name = clean_filename(name)
    elif given not in {t.extension for t in ACCEPTED}:
        raise Refused("extension_not_accepted", given=given)
    elif given != detected.extension:
        raise Refused("extension_mismatch", given=given, detected=detected.extension)
    return Accepted(detected, name)


def detect(content: bytes, given_extension: str = "") -> FileType:
    """One of the four accepted types, from the bytes alone; raises ``Refused``."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        return _office(content)
    return _text(content, given_extension)


def _text(content: bytes, given_extension: str) -> FileType:
    # RTF is text too, but Word opens it by its content whatever its name, objects and all.
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise Refused("unknown_type")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        if given_extension == "txt" and b"\x00" not in content:
            raise Refused("text_encoding") from None
        raise Refused("unknown_type") from None
    # Tab, line and page breaks are text; NUL and the other controls mark a binary file.
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text):
        raise Refused("unknown_type")
    return TEXT


def _office(content: bytes) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Refused("damaged") from None
    with archive:
        members = archive.infolist()
        _check_sizes(members, len(content))
        _read_through(archive, members)
        names = [m.filename for m in members]
        _check_active_content(archive, names)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            types = _part(archive, "[Content_Types].xml")
            if b"wordprocessingml.document.main+xml" in types:
                return DOCX
        if (
            names
            and names[0] == "mimetype"
            and "content.xml" in names
            and _part(archive, "mimetype").strip() == ODT_TYPE.encode()
        ):
            return ODT
    raise Refused("unknown_type")


def _check_sizes(members: list[zipfile.ZipInfo], packed: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise Refused("too_many_members", members=len(members), limit=MAX_MEMBERS)
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused("too_large_unpacked", unpacked=unpacked, limit=MAX_UNPACKED_BYTES)
    if unpacked > MAX_EXPANSION_RATIO * max(packed, 1):
        raise Refused(
            "expansion_ratio", ratio=unpacked // max(packed, 1), limit=MAX_EXPANSION_RATIO
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise Refused("encrypted")


def _read_through(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Unpack every member into nothing, in chunks, counting.

    ``zipfile`` stops each member at its declared size and then checks its CRC, so a
    member that unpacks to more than it declares fails here; the running count is a second
    bound that holds whatever the declared sizes say.
    """
    total = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(64 * 1024):
                    total += len(chunk)
                    if total > MAX_UNPACKED_BYTES:
                        raise Refused(
                            "too_large_unpacked", unpacked=total, limit=MAX_UNPACKED_BYTES
                        )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError):
        raise Refused("damaged") from None
    except RuntimeError:  # a member needs a password
        raise Refused("encrypted") from None


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as stream:
        return stream.read(MAX_PART_BYTES)


def _check_active_content(archive: zipfile.ZipFile, names: list[str]) -> None:
    for name in names:
        lower = name.lower()
        base = lower.rsplit("/", 1)[-1]
        if base == "vbaproject.bin" or base == "vbadata.xml":
            raise Refused("macros", part=name)
        if "/activex/" in f"/{lower}" or (
            "/embeddings/" in f"/{lower}" and base.startswith("oleobject")
        ):
            raise Refused("macros", part=name)
        # OpenDocument keeps Basic macros under Basic/ and other scripts under Scripts/.
        if lower.startswith(("basic/", "scripts/")):
            raise Refused("macros", part=name)
    if "[Content_Types].xml" in names:
        types = _part(archive, "[Content_Types].xml").lower()
        if b"macroenabled" in types or b"vbaproject" in types:
            raise Refused("macros", part="[Content_Types].xml")
