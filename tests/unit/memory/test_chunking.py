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


# ---------------------------------------------------------------- tables and lists keep their structure

_ROWS = "\n".join(f"| host-{i:02d} | HZ-{i % 3} | {8 * (i % 4 + 1)} cores | Ubuntu 22.04 |" for i in range(40))
TABLE_DOC = f"""# Hosts

Every production host, its datacenter and its size. Services are listed in the catalog.

| Host | Datacenter | CPU | OS |
| --- | --- | --- | --- |
{_ROWS}
"""


def test_long_table_is_cut_between_rows_and_every_piece_has_the_header() -> None:
    chunks = chunk_document(parse_markdown(TABLE_DOC, source="hosts.md"), max_chars=400, overlap=60)
    tables = [c for c in chunks if "| host-" in c.text]
    assert len(tables) > 2 and all(len(c.text) <= 400 for c in chunks)
    rows_seen = []
    for c in tables:
        lines = c.text.split("\n")
        # the header and its rule come first: no overlap text glued in front of the header
        assert lines[0] == "| Host | Datacenter | CPU | OS |" and lines[1].startswith("| ---")
        for line in lines[2:]:
            assert line.startswith("| host-") and line.endswith("|")  # whole rows only
            rows_seen.append(line)
    assert rows_seen == _ROWS.split("\n")  # every row once, in order


def test_prose_overlap_is_not_glued_onto_a_table_and_a_row_is_no_overlap() -> None:
    body = " ".join(f"Sentence {i} about the hosts." for i in range(12))
    more = body.replace("hosts", "racks")
    doc = parse_markdown(f"# H\n\n{body}\n\n| A | B |\n| --- | --- |\n| x | y |\n\n{more}", source="t.md")
    chunks = chunk_document(doc, max_chars=200, overlap=40)
    table = next(c for c in chunks if "| x | y |" in c.text)
    # the table is whole, on lines of its own (packed after prose in its own paragraph)
    assert "| A | B |\n| --- | --- |\n| x | y |" in table.text
    assert table.text.startswith("| A | B |") or "\n\n| A | B |" in table.text
    after = chunks[chunks.index(table) + 1]
    assert "|" not in after.text  # the next chunk does not start with the end of the table


LIST_DOC = """# Org

Manufacturing is led by Wang Qiang, Plant Director. Reporting to Wang Qiang are:

- Meng Fan, manager of the Tianjin plant;
- Ma Jun, Process Engineering Manager, who leads the Process Engineering team (line automation,
  changeovers, equipment upgrades);
- Sarah Lin, Quality Manager, who leads the Quality department.
"""


def test_a_list_starting_a_chunk_carries_its_lead_in_and_items_stay_whole() -> None:
    chunks = chunk_document(parse_markdown(LIST_DOC, source="org.md"), max_chars=240, overlap=40)
    listed = [c for c in chunks if "Meng Fan" in c.text or "Ma Jun" in c.text or "Sarah Lin" in c.text]
    assert len(listed) >= 2
    # the first piece follows its lead-in in the same chunk; later pieces repeat it on their first line
    assert "Reporting to Wang Qiang are:\n\n- Meng Fan" in listed[0].text
    assert all(c.text.startswith("Reporting to Wang Qiang are:\n- ") for c in listed[1:])
    items = [line for c in listed for line in c.text.split("\n") if line.startswith("- ")]
    assert [i.split(",")[0] for i in items] == ["- Meng Fan", "- Ma Jun", "- Sarah Lin"]
    # the item's continuation line stays with it
    ma = next(c for c in listed if "Ma Jun" in c.text)
    assert "changeovers, equipment upgrades" in ma.text


def test_chinese_table_after_prose_starts_its_own_chunk_with_its_header() -> None:
    rows = "\n".join(f"| lm-app-{i:02d} | HZ-2 | 16 核 | 64 GB |" for i in range(6))
    doc = parse_markdown(
        "# 生产主机清单\n\n" + "本清单列出全部生产主机的硬件配置与所在机房代码。" * 4
        + f"\n\n| 主机名 | 机房代码 | CPU | 内存 |\n| --- | --- | --- | --- |\n{rows}\n",
        source="hosts_cn.md",
    )
    chunks = chunk_document(doc, max_chars=400, overlap=60)
    table = [c for c in chunks if "lm-app-" in c.text]
    assert table and all(c.text.startswith("| 主机名 | 机房代码 |") for c in table)
