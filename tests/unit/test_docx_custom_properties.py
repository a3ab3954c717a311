"""Custom document properties (docProps/custom.xml): written with fixed bytes, read back
by python-docx's package and by LibreOffice's reader alike (issue 19)."""

import io
import zipfile
from datetime import UTC, datetime

import docx
import pytest
from lxml import etree

from assess.documents._docx import Writer, custom_properties

WHEN = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def saved(values_in_calls) -> bytes:
    w = Writer("fi")
    w.paragraph("Teksti")
    for values in values_in_calls:
        w.custom_properties(values)
    return w.save(WHEN)


def test_properties_read_back_and_later_values_win():
    data = saved([{"revision_sha256": "a" * 64, "task_class": "05.01"}, {"task_class": "05.02"}])
    assert custom_properties(data) == {"revision_sha256": "a" * 64, "task_class": "05.02"}
    # The package is still a document Word opens: the part is related and typed.
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        root = etree.fromstring(z.read("docProps/custom.xml"))
    assert 'PartName="/docProps/custom.xml"' in types
    assert "custom-properties+xml" in types
    assert 'Target="docProps/custom.xml"' in rels
    pids = [p.get("pid") for p in root]
    assert pids == ["2", "3"]  # 0 and 1 are reserved
    assert all(p.get("fmtid") == "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" for p in root)
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "Teksti"


def test_same_properties_give_the_same_bytes_whatever_the_order_of_calls():
    one = saved([{"b": "2"}, {"a": "1"}])
    two = saved([{"a": "1", "b": "2"}])
    assert one == two
    assert saved([{"a": "1"}]) != saved([{"a": "2"}])


def test_no_properties_no_part():
    data = saved([])
    assert custom_properties(data) == {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "docProps/custom.xml" not in z.namelist()


def test_text_xml_cannot_hold_is_dropped_and_a_nameless_property_refused():
    data = saved([{"note": "a\x00b"}])
    assert custom_properties(data) == {"note": "ab"}
    with pytest.raises(ValueError, match="1-255 characters"):
        Writer("fi").custom_properties({" ": "x"})
