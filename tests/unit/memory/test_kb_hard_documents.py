"""Loading and chunking the documents real knowledge bases contain: Chinese without blank lines, page
furniture in HTML, plain-text headings, front matter, repeated blocks, other encodings, wrapped PDF lines,
and the word-overlap score that ranks Chinese passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoglm.services.memory.chunking import (
    UnsupportedDocument,
    chunk_document,
    decode_text,
    load_document,
    parse_html,
    parse_markdown,
    parse_text,
    text_cost,
)
from autoglm.shared import lexical

# One paragraph of sentences ending in 。 and nothing else: no blank line, no heading, no space.
NOTICE = "".join(
    f"第{i}条规定要求员工在办理第{i}类业务时先在系统中登记申请并等待主管审批，审批通过后再联系行政部门领取所需物品。"
    for i in range(1, 25)
)


def test_chinese_paragraph_chunks_end_at_sentences_and_fit_the_encoder() -> None:
    doc = parse_text(NOTICE, source="notice.txt")
    chunks = chunk_document(doc, max_chars=800, overlap=100)
    assert len(chunks) > 3
    for c in chunks:
        assert text_cost(c.text) <= 800
        assert len(c.text) <= 256  # every character a token: the whole chunk reaches the embedding
        assert c.text.endswith("。")  # never cut inside a sentence
    # the overlap repeats the end of the previous chunk from a sentence or clause start, not mid-word
    for c in chunks[1:]:
        at = NOTICE.index(c.text[:12])
        assert NOTICE[at - 1] in "。，"
    assert "".join(c.text for c in chunks).count("第24条") >= 1


def test_english_chunks_still_fill_the_budget() -> None:
    body = " ".join(f"Sentence {i} explains one more step of the setup procedure." for i in range(60))
    chunks = chunk_document(parse_text(body, source="a.txt"), max_chars=800, overlap=100)
    assert all(len(c.text) <= 800 for c in chunks) and max(len(c.text) for c in chunks) > 600
    assert all(c.text.rstrip().endswith(".") for c in chunks)


def test_html_page_furniture_is_not_indexed() -> None:
    page = """<html><head><title>Store help</title><style>.x{color:red}</style></head><body>
    <div id="top-menu"><a href="/">Home</a><a href="/deals">Deals of the day</a></div>
    <nav><ul><li>Orders</li><li>Account</li></ul></nav>
    <div class="cookie-consent">We use cookies. <button>Accept</button></div>
    <main><h1>Returns</h1><p>Items can be returned within 30 days.</p>
      <aside class="related">Related: gift cards</aside>
      <h2>Refund method</h2><p>Refunds go to the original card.</p></main>
    <footer>Copyright 2025 Example Store. Privacy. Terms.</footer>
    <script>track("pageview")</script></body></html>"""
    doc = parse_html(page, source="help.html")
    text = doc.text
    assert "Items can be returned within 30 days." in text and "Refunds go to the original card." in text
    for junk in ("Deals of the day", "Orders", "cookies", "gift cards", "Copyright", "pageview", "color:red"):
        assert junk not in text
    assert [s.heading for s in doc.sections] == ["Returns", "Returns > Refund method"]


def test_html_without_main_keeps_content_and_drops_marked_furniture() -> None:
    page = """<body><div class="navbar">Home | Shop</div><h2>Opening hours</h2><p>Open 9 to 5.</p>
    <div class="site-footer">All rights reserved</div></body>"""
    doc = parse_html(page, source="p.html")
    assert doc.text.endswith("Open 9 to 5.") and "Home | Shop" not in doc.text and "rights" not in doc.text


def test_plain_text_headings_give_passages_their_context() -> None:
    raw = (
        "Changelog\r\n=========\r\n\r\n2.0 (May)\r\n---------\r\n\r\n* New export to PDF.\r\n\r\n"
        "1.9 (April)\r\n-----------\r\n\r\n* Faster search.\r\n"
    )
    doc = parse_text(raw, source="changes.txt")
    assert doc.title == "Changelog"
    assert [(s.heading, s.blocks) for s in doc.sections] == [
        ("Changelog > 2.0 (May)", ["* New export to PDF."]),
        ("Changelog > 1.9 (April)", ["* Faster search."]),
    ]
    zh = parse_text(
        "员工宿舍管理办法\n\n第一章 入住\n一、申请\n新员工入职当天可申请入住。\n二、退宿\n离职前三天办理退宿。",
        source="z.txt",
    )
    assert [s.heading for s in zh.sections] == [
        "员工宿舍管理办法 > 第一章 入住 > 一、申请",
        "员工宿舍管理办法 > 第一章 入住 > 二、退宿",
    ]
    # a numbered sentence is not a heading
    assert (
        parse_text("1. Unplug the device, then wait.\n2. Plug it back in.", source="s.txt")
        .sections[0]
        .headings
        == []
    )


def test_front_matter_is_metadata_and_repeated_blocks_are_kept_once() -> None:
    md = (
        "---\ntitle: Packing guide\nauthor: ops\n---\n\n## Boxes\n\nUse double-walled boxes.\n\n"
        "> Fragile items need two layers of bubble wrap.\n\n## Labels\n\nPrint labels at 300 dpi.\n\n"
        "> Fragile items need two layers of bubble wrap.\n"
    )
    doc = parse_markdown(md, source="p.md")
    assert doc.title == "Packing guide" and "author: ops" not in doc.text
    texts = [c.text for c in chunk_document(doc, max_chars=800, overlap=0)]
    assert sum("bubble wrap" in t for t in texts) == 1


def test_encodings_and_binary_files(tmp_path: Path) -> None:
    assert decode_text("差旅报销须附发票".encode("gbk")) == "差旅报销须附发票"
    assert decode_text("\ufeffBOM text".encode()) == "BOM text"
    with pytest.raises(UnsupportedDocument, match="binary"):
        decode_text(b"GIF89a\x01\x00\x01\x00\x00\xff\xff\xff!\xf9\x04")
    (tmp_path / "notes.md").write_bytes(bytes(range(1, 32)) * 40)
    with pytest.raises(UnsupportedDocument, match="binary"):
        load_document(tmp_path / "notes.md")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n%garbage without objects")
    with pytest.raises(UnsupportedDocument, match="PDF"):
        load_document(tmp_path / "broken.pdf")


def test_word_overlap_weighs_rare_terms() -> None:
    passages = [
        "男员工在配偶生育期间享受陪产假十五天。",
        "员工每年享受带薪年假，员工须提前申请。",
        "员工出差住宿按城市等级报销。",
    ]
    scores = lexical.coverage("员工陪产假有几天？", passages)
    assert scores[0] > 2 * scores[1] and scores[1] == pytest.approx(scores[2])
    en = lexical.coverage(
        "How do I enable the WireGuard VPN server?", ["WireGuard VPN server setup", "Guest Wi-Fi"]
    )
    assert en[0] > 0.6 and en[1] == 0.0  # all but "enable" found
    assert lexical.terms("How does it work?") == {"work"}
    assert lexical.coverage("", passages) == [0.0, 0.0, 0.0]
