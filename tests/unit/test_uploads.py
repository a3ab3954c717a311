"""The pure judge of uploaded files (assess/uploads.py): types from bytes, archives bounded,
macros refused, names cleaned. The web's refusals are in tests/integration."""

import io
import zipfile

import pytest

from assess import uploads
from assess.uploads import Refused, check_upload, clean_filename, detect, extension_of


def zipped(*members, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


TYPES = (
    "[Content_Types].xml",
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>',
)
DOCX = zipped(TYPES, ("word/document.xml", "<w:document/>"))
ODT = zipped(
    ("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:x/>")
)


def reason(filename, content):
    with pytest.raises(Refused) as caught:
        check_upload(filename, content)
    return caught.value.reason


def test_the_four_types_come_from_the_bytes():
    assert detect(b"%PDF-1.7 ...") is uploads.PDF
    assert detect(DOCX) is uploads.DOCX
    assert detect(ODT) is uploads.ODT
    assert detect("Lausunto: hyvä.\r\n\tLoppu\f".encode()) is uploads.TEXT
    assert detect("\ufeffBOM first".encode()) is uploads.TEXT


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01" + bytes(50),
        b"MZ\x90\x00",
        b"text with a NUL\x00 in it",
        b"\x1b[31m escape sequences",
        b"{\\rtf1 an RTF file}",
        zipped(("a.txt", "a zip of something else")),
        zipped(TYPES, ("xl/workbook.xml", "<workbook/>")),  # Office, but not Word
        zipped(("content.xml", "x"), ("mimetype", "application/vnd.oasis.opendocument.text")),
    ],
)
def test_anything_else_is_an_unknown_type(content):
    assert reason("lausunto", content) == "unknown_type"


def test_the_extension_must_be_the_types_and_a_missing_one_is_added():
    assert check_upload("Lausunto.DOCX", DOCX).filename == "Lausunto.DOCX"
    assert check_upload("Lausunto 2.3.2026", b"%PDF-1.4").filename == "Lausunto 2.3.2026.pdf"
    assert reason("lausunto.pdf", DOCX) == "extension_mismatch"
    assert reason("lausunto.txt", b"%PDF-1.4") == "extension_mismatch"
    assert reason("lausunto.docm", DOCX) == "macros"
    assert reason("lausunto.exe", b"%PDF-1.4") == "extension_not_accepted"
    assert extension_of("x.tar.gz") == "gz" and extension_of("x.2026") == ""


@pytest.mark.parametrize(
    "member",
    [
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
        ("word/activeX/activeX1.xml", "<ax/>"),
        ("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0"),
        ("Basic/Standard/Module1.xml", "<script/>"),
        ("Scripts/python/x.py", "import os"),
    ],
)
def test_active_content_is_refused(member):
    assert reason("lausunto.docx", zipped(*(TYPES, ("word/document.xml", "<w/>"), member))) == (
        "macros"
    )


def test_a_macro_enabled_content_type_is_refused():
    types = (TYPES[0], TYPES[1].replace("document.main+xml", "document.macroEnabled.main+xml"))
    assert reason("x.docx", zipped(types, ("word/document.xml", "<w/>"))) == "macros"


def test_archives_are_bounded_before_anything_is_unpacked():
    zeros = zipped(TYPES, ("word/document.xml", bytes(2 * 1024 * 1024)))
    assert reason("x.docx", zeros) == "expansion_ratio"
    many = zipped(TYPES, *((f"word/{i}.xml", "") for i in range(1000)), method=zipfile.ZIP_STORED)
    assert reason("x.docx", many) == "too_many_members"


def test_a_member_that_unpacks_to_more_than_it_declares_fails_its_check():
    real = 3 * 1024 * 1024
    honest = zipped(TYPES, ("word/document.xml", bytes(real)))
    lying = honest.replace(real.to_bytes(4, "little"), (2000).to_bytes(4, "little"))
    assert lying != honest
    assert reason("x.docx", lying) == "damaged"


def test_encrypted_and_broken_archives_are_refused():
    assert reason("x.docx", b"PK\x03\x04 not really a zip") == "damaged"
    encrypted = bytearray(DOCX)
    # The "encrypted" bit of the general purpose flags, in the central directory entries.
    at = encrypted.find(b"PK\x01\x02")
    while at != -1:
        encrypted[at + 8] |= 1
        at = encrypted.find(b"PK\x01\x02", at + 4)
    assert reason("x.docx", bytes(encrypted)) == "encrypted"


def test_text_in_another_encoding_is_told_apart():
    assert reason("x.txt", "Hyvä".encode("cp1252")) == "text_encoding"


@pytest.mark.parametrize(
    "given, kept",
    [
        ("../../etc/lausunto.pdf", "lausunto.pdf"),
        ("C:\\Users\\x\\lausunto.pdf", "lausunto.pdf"),
        ("lausunto\u202efdp.exe", "lausuntofdp.exe"),
        ("a\u2066b\u2069c\u200e\u200fd\u202a\u202b\u202c\u202d.pdf", "abcd.pdf"),
        ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
        ("bell\x07 tab\tnew\nline.pdf", "bell tab new line.pdf"),
        ("A\u0308iti.txt", "\u00c4iti.txt"),  # NFC
        ('a<b>c:"d"|e?*.pdf', "abcde.pdf"),
        ("\u202e.pdf", "statement.pdf"),
        ("CON.txt", "CON_.txt"),
        ("", "statement"),
        (" . ", "statement"),
    ],
)
def test_names_are_cleaned(given, kept):
    assert clean_filename(given) == kept


def test_long_names_keep_their_extension_within_the_bound():
    name = clean_filename("x" * 500 + ".docx")
    assert len(name) == uploads.MAX_NAME_LENGTH and name.endswith("x.docx")
