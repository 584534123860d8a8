"""Knowledge-base document loading and structure-aware chunking."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoglm.services.memory.chunking import (
    UnsupportedDocument,
    chunk_document,
    load_document,
    parse_html,
    parse_markdown,
    parse_text,
)
from tests.support.pdf import pdf_from_objects

MARKDOWN = """# Account help

Intro paragraph.

## Reset password

Open settings and choose *Reset*.

```bash
# not a heading
autoglm reset --user u1
```

### Via email

We send a link.

Setext section
--------------

Under a setext heading.
"""


def test_markdown_sections_follow_headings() -> None:
    doc = parse_markdown(MARKDOWN, source="help.md")
    assert doc.title == "Account help"
    headings = [s.heading for s in doc.sections]
    assert headings == [
        "Account help",
        "Account help > Reset password",
        "Account help > Reset password > Via email",
        "Account help > Setext section",
    ]
    reset = doc.sections[1]
    assert reset.blocks[0] == "Open settings and choose *Reset*."
    # the fenced block stays whole and its '#' line is not a heading
    assert reset.blocks[1].startswith("```bash") and "# not a heading" in reset.blocks[1]


def test_chunks_never_cross_sections_and_respect_size() -> None:
    para = "Sentence number {}. " * 1
    body = "\n\n".join(para.format(i) * 12 for i in range(30))
    doc = parse_markdown(f"# A\n\n{body}\n\n# B\n\nshort", source="s.md")
    chunks = chunk_document(doc, max_chars=300, overlap=40)
    assert all(len(c.text) <= 300 for c in chunks)
    assert {c.heading for c in chunks} == {"A", "B"}
    assert chunks[-1].heading == "B" and chunks[-1].text == "short"
    assert [c.index for c in chunks] == list(range(len(chunks)))
    a = [c for c in chunks if c.heading == "A"]
    assert len(a) > 3
    # a continuation chunk starts with the tail of the previous one
    tail = a[0].text[-20:]
    assert tail in a[1].text[:60]


def test_long_paragraph_splits_at_sentences() -> None:
    text = " ".join(f"This is sentence {i} of a long paragraph." for i in range(60))
    chunks = chunk_document(parse_text(text, source="t.txt"), max_chars=200, overlap=0)
    assert len(chunks) > 5
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)


def test_chinese_text_is_split() -> None:
    text = "用户可以在设置页面重置密码。" * 40
    chunks = chunk_document(parse_text(text, source="zh.txt"), max_chars=100, overlap=10)
    assert len(chunks) > 5 and all(len(c.text) <= 100 for c in chunks)


def test_html_headings_blocks_and_noise() -> None:
    html = """<html><head><title>Help Center</title><style>p{color:red}</style></head>
    <body><nav>Home</nav><h1>Passwords</h1><p>Use the <b>reset</b> link.</p>
    <script>alert('x')</script><h2>Email</h2><ul><li>Check spam</li><li>Wait 5 minutes</li></ul>
    <pre>line 1
line 2</pre></body></html>"""
    doc = parse_html(html, source="h.html")
    assert doc.title == "Help Center"
    text = doc.text
    assert "alert" not in text and "color:red" not in text
    by_heading = {s.heading: s.blocks for s in doc.sections}
    assert by_heading["Passwords"] == ["Use the reset link."]
    assert by_heading["Passwords > Email"][:2] == ["Check spam", "Wait 5 minutes"]
    assert by_heading["Passwords > Email"][2] == "line 1\nline 2"


def test_load_document_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# T\n\nbody")
    (tmp_path / "b.txt").write_text("plain\n\ntext")
    (tmp_path / "c.html").write_text("<h1>H</h1><p>x</p>")
    (tmp_path / "d.docx").write_bytes(b"PK")
    assert load_document(tmp_path / "a.md").media_type == "text/markdown"
    assert load_document(tmp_path / "b.txt").sections[0].blocks == ["plain", "text"]
    assert load_document(tmp_path / "c.html").title == "H"
    assert load_document(tmp_path / "a.md").source == (tmp_path / "a.md").resolve().as_posix()
    with pytest.raises(UnsupportedDocument):
        load_document(tmp_path / "d.docx")


def _minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objects)


def test_pdf_text_is_read(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "manual.pdf"
    path.write_bytes(_minimal_pdf("Reset your password from the settings page."))
    doc = load_document(path)
    assert doc.media_type == "application/pdf"
    # pages are layout, not structure: no "page 1" section
    assert doc.sections[0].heading == ""
    assert "Reset your password" in doc.sections[0].blocks[0]
