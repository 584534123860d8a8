"""Knowledge-base documents: loading (Markdown, text, HTML, PDF) and chunking along their structure.

A document is a list of sections, each with its heading path and its blocks (paragraphs, list items,
code blocks). Chunks never cross a section boundary; blocks are packed into a chunk up to ``max_chars``,
a block longer than that is split at sentence or word boundaries, and a chunk that continues a section
starts with the last ``overlap`` characters of the previous one.

Tables and lists are split along their structure, never inside a row or an item: a Markdown table
longer than a chunk is cut between rows and every piece starts with the table's header (so each row
still says what its cells are), a long list is cut between items, and a list that starts a chunk
carries its lead-in line ("Reporting to Wang Qiang are:") when the paragraph before it ended with one.
The prose overlap is only used between prose: it is never glued onto a table header or a list item,
and a table row or list item is never the overlap of the next chunk.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
TEXT_SUFFIXES = {".txt", ".text", ".rst", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


def content_hash(text: str) -> str:
    """Hex SHA-256 of the text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Section:
    """A run of blocks under one heading path (empty path: before the first heading)."""

    headings: list[str]
    blocks: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return " > ".join(self.headings)


@dataclass
class Document:
    """A loaded document. ``source`` identifies it in the knowledge base (re-ingesting it updates it)."""

    source: str
    title: str
    media_type: str
    sections: list[Section]

    @property
    def text(self) -> str:
        return "\n\n".join("\n\n".join(([s.heading] if s.headings else []) + s.blocks) for s in self.sections)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True)
class Chunk:
    """One passage of a document, the unit stored and retrieved in the knowledge base."""

    text: str
    source: str
    heading: str
    index: int
    title: str = ""

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @property
    def embed_text(self) -> str:
        """What to embed: the heading path gives a short passage its context."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


class UnsupportedDocument(ValueError):
    """The file cannot be read as a document: an unsupported type, binary content, an unknown text
    encoding or a corrupt PDF. Ingestion reports it for that file and goes on with the others."""


# Control characters other than tab, newline, carriage return and form feed: text files have almost none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, name: str = "file") -> str:
    """Decode a text file: UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312, the
    usual encoding of Chinese files not saved as UTF-8). Raises :class:`UnsupportedDocument` for binary
    content (NUL bytes or control characters) or bytes that are neither encoding."""
    if b"\x00" in data[:8192]:
        raise UnsupportedDocument(f"{name}: binary content, not a text document")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text[:8192])) > max(2, len(text[:8192]) // 100):
            raise UnsupportedDocument(f"{name}: binary content, not a text document")
        return text
    raise UnsupportedDocument(f"{name}: neither UTF-8 nor GB18030 text")


def load_document(path: Path, *, source: str | None = None) -> Document:
    """Read a Markdown, text, HTML or PDF file. ``source`` defaults to the file's absolute path."""
    path = Path(path)
    src = source or path.resolve().as_posix()
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return _load_pdf(path, src)
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedDocument(f"{path}: unsupported file type {suffix!r}")
    raw = decode_text(path.read_bytes(), str(path))
    if suffix in MARKDOWN_SUFFIXES:
        return parse_markdown(raw, source=src, default_title=path.stem)
    if suffix in HTML_SUFFIXES:
        return parse_html(raw, source=src, default_title=path.stem)
    if suffix in TEXT_SUFFIXES:
        return parse_text(raw, source=src, default_title=path.stem)
    raise UnsupportedDocument(f"{path}: unsupported file type {suffix!r}")


# --------------------------------------------------------------------------- parsers

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAPPED_CJK = re.compile(rf"(?<=[{_CJK}])\n(?=[{_CJK}\d])|(?<=\d)\n(?=[{_CJK}\d%])")


class _Outline:
    """Sections under a stack of headings, filled line by line (the text and Markdown parsers share it).
    The first level-1 heading names the document."""

    def __init__(self, unwrap: re.Pattern[str] | None = None) -> None:
        self.sections: list[Section] = [Section([])]
        self.stack: list[tuple[int, str]] = []
        self.para: list[str] = []
        self.title = ""
        self.unwrap = unwrap

    def flush(self) -> None:
        text = "\n".join(self.para).strip()
        if self.unwrap is not None:
            text = self.unwrap.sub("", text)
        if text:
            self.sections[-1].blocks.append(text)
        self.para.clear()

    def open(self, level: int, name: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, name))
        if level == 1 and not self.title:
            self.title = name
        self.sections.append(Section([h for _, h in self.stack]))

    def add(self, line: str) -> None:
        """A body line: a blank one ends the paragraph."""
        if line.strip():
            self.para.append(line)
        else:
            self.flush()


# A short line that numbers a part of a plain-text document: "第三章 总则", "二、考勤打卡", "3.1 Scope".
_NUMBERED_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十]+[、.．]|\d+(\.\d+)*[.、)]?\s)"
)
_ENDS_SENTENCE = re.compile(r"[.!?。！？；;:：,，]\s*$")


def _text_heading(line: str) -> int:
    """The level of a numbered heading line (chapter 2, section 3, item 4, "1.2" 5), 0 for other lines."""
    line = line.strip()
    m = _NUMBERED_HEADING.match(line + " ")
    if not m or not 0 < len(line) <= 40 or _ENDS_SENTENCE.search(line):
        return 0
    mark = m.group(1).strip()
    if mark.startswith("第"):
        return {"节": 3, "条": 4}.get(mark[-1], 2)
    return 4 + mark.rstrip(".、)").count(".")


def parse_text(
    raw: str,
    *,
    source: str,
    default_title: str = "",
    media_type: str = "text/plain",
    unwrap_cjk: bool = False,
) -> Document:
    """Plain text: paragraphs are blank-line separated. Underlined lines (``====`` / ``----``) and short
    numbered lines ("二、考勤打卡", "3. Remedies", "第六章 休假制度") open sections, so a passage keeps the
    heading it sits under; the first line of a text followed by a blank line or an underline is its title.
    ``unwrap_cjk`` joins lines broken inside Chinese text (PDF layout) without a space."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = _Outline(_WRAPPED_CJK if unwrap_cjk else None)
    for n, line in enumerate(lines):
        nxt = lines[n + 1] if n + 1 < len(lines) else ""
        if _SETEXT.match(line) and not out.para:
            continue  # the underline of a heading handled on the line before
        if line.strip() and not out.para and _SETEXT.match(nxt) and len(line.strip()) <= 80:
            out.open(1 if nxt.strip().startswith("=") else 2, line.strip())
            continue
        if level := _text_heading(line):
            out.open(level, line.strip())
            continue
        out.add(line)
    out.flush()
    sections, title = out.sections, out.title
    first = sections[0].blocks
    if (
        not title
        and first
        and "\n" not in first[0]
        and len(first[0]) <= 60
        and not _ENDS_SENTENCE.search(first[0])
    ):
        # a short first line standing alone: the document's title, and context for every later section
        title = first[0]
        for sec in sections[1:]:
            sec.headings.insert(0, title)
        if len(first) == 1 and len(sections) > 1:
            first.pop()  # the title alone would be a passage that answers nothing
    sections = [s for s in sections if s.blocks]
    return Document(source=source, title=title or default_title, media_type=media_type, sections=sections)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(---|\.\.\.)[ \t]*\n", re.S)


def parse_markdown(raw: str, *, source: str, default_title: str = "") -> Document:
    """Markdown: ATX and setext headings open sections; fenced code blocks stay whole."""
    raw = raw.replace("\r\n", "\n")
    title = ""
    front = _FRONT_MATTER.match(raw)
    if front:  # YAML front matter is metadata, not text; its title names the document
        raw = raw[front.end() :]
        m = re.search(r"^title:[ \t]*[\"']?(.*?)[\"']?[ \t]*$", front.group(1), re.M)
        title = m.group(1) if m else ""
    out = _Outline()
    out.title = title
    fence: str | None = None
    for line in raw.split("\n"):
        if fence is not None:
            out.para.append(line)
            if line.strip().startswith(fence):
                fence = None
                out.flush()
            continue
        m = _FENCE.match(line)
        if m:
            out.flush()
            fence = m.group(1)[0] * 3
            out.para.append(line)
            continue
        m = _ATX.match(line)
        if m:
            out.open(len(m.group(1)), m.group(2).strip())
            continue
        if _SETEXT.match(line) and len(out.para) == 1 and out.para[0].strip():
            name = out.para.pop().strip()
            out.open(1 if line.strip().startswith("=") else 2, name)
            continue
        out.add(line)
    out.flush()
    sections = [s for s in out.sections if s.blocks]
    title = out.title
    return Document(
        source=source, title=title or default_title, media_type="text/markdown", sections=sections
    )


# Page furniture repeated on every page of a site: menus, footers, cookie banners, sidebars. Indexed, it
# matches many questions and answers none.
_BOILERPLATE_TAGS = {"nav", "footer", "aside", "form", "button", "select", "dialog"}
_BOILERPLATE_ATTR = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|footer|sidebar|cookies?|consent|banner|top-bar|topbar|skip-link)"
    r"([\s_-]|$)",
    re.I,
)
_VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _HtmlExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
    _BLOCKS = {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "pre",
        "blockquote",
        "tr",
        "table",
        "section",
        "article",
        "br",
        "hr",
        "dd",
        "dt",
        "dl",
        "figcaption",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
    }

    def __init__(self, content_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        # content_only: the page marks its content with <main> or <article>; text outside them is furniture
        self.content_only = content_only
        self.content_depth = 0
        self.furniture: list[str] = []  # open tags of the boilerplate element being skipped
        self.sections: list[Section] = [Section([])]
        self.stack: list[tuple[int, str]] = []
        self.buf: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title = ""
        self.heading_level: int | None = None
        self.pre_depth = 0

    def _flush(self) -> None:
        raw = "".join(self.buf)
        text = raw.strip("\n") if self.pre_depth else re.sub(r"\s+", " ", raw).strip()
        if text.strip():
            self.sections[-1].blocks.append(text)
        self.buf.clear()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if self.furniture:
            if tag not in _VOID_TAGS:
                self.furniture.append(tag)
            return
        marks = " ".join(v or "" for k, v in attrs if k in {"class", "id", "role"})
        if tag in _BOILERPLATE_TAGS or (marks and _BOILERPLATE_ATTR.search(marks)):
            if tag not in _VOID_TAGS:
                self._flush()
                self.furniture.append(tag)
            return
        if tag in {"main", "article"}:
            self.content_depth += 1
        if tag in self._SKIP:
            self.skip_depth += 1
            return
        if tag in self._HEADINGS:
            self._flush()
            self.heading_level = self._HEADINGS[tag]
        elif tag in self._BLOCKS:
            self._flush()
            if tag == "pre":
                self.pre_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.furniture:
            if tag in self.furniture:  # tolerate unclosed inner tags: close up to the matching one
                while self.furniture and self.furniture.pop() != tag:
                    pass
            return
        if tag in {"main", "article"}:
            self._flush()
            self.content_depth = max(0, self.content_depth - 1)
        if tag in self._SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in self._HEADINGS and self.heading_level is not None:
            name = re.sub(r"\s+", " ", "".join(self.buf)).strip()
            self.buf.clear()
            level = self.heading_level
            self.heading_level = None
            if name:
                while self.stack and self.stack[-1][0] >= level:
                    self.stack.pop()
                self.stack.append((level, name))
                self.sections.append(Section([h for _, h in self.stack]))
        elif tag in self._BLOCKS:
            self._flush()
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.skip_depth or self.furniture or (self.content_only and not self.content_depth):
            return
        self.buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(raw: str, *, source: str, default_title: str = "") -> Document:
    """HTML: h1-h6 open sections, block elements end blocks; script, style and head are dropped."""
    parser = _HtmlExtractor(content_only=re.search(r"<(main|article)[\s>]", raw, re.I) is not None)
    parser.feed(raw)
    parser.close()
    sections = [s for s in parser.sections if s.blocks]
    title = re.sub(r"\s+", " ", parser.title).strip()
    if not title:
        h1 = next((s.headings[0] for s in parser.sections if s.headings), "")
        title = h1 or default_title
    return Document(source=source, title=title, media_type="text/html", sections=sections)


def _load_pdf(path: Path, source: str) -> Document:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pypdf is optional: without it PDFs are refused, nothing else changes
        raise UnsupportedDocument(f"{path}: reading PDF needs the `pypdf` package") from exc
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (
            str(reader.metadata.title) if reader.metadata is not None and reader.metadata.title else ""
        )
    except Exception as exc:  # pypdf raises many types for damaged files; all mean "cannot read this PDF"
        raise UnsupportedDocument(f"{path}: unreadable PDF ({type(exc).__name__}: {exc})") from exc
    # Pages are layout, not structure: a paragraph runs on over a page break. Lines wrapped inside Chinese
    # text are joined back without a space; numbered heading lines open sections as in plain text.
    text = "\n".join(p.replace("\r\n", "\n").strip("\n") for p in pages)
    doc = parse_text(
        text,
        source=source,
        default_title=meta_title or path.stem,
        media_type="application/pdf",
        unwrap_cjk=True,
    )
    if meta_title:
        doc.title = meta_title
    return doc


# --------------------------------------------------------------------------- chunking

_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")
_CLAUSE_END = re.compile(r"(?<=[,，、:：])\s*")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def text_cost(text: str) -> int:
    """Size of a text in the chunk budget's units: characters, with a Chinese character counted as four.

    The budget (``chunk_max_chars``) is set for the embedding model's 256-token window, where English
    averages about four characters a token but every Chinese character is a token of its own: counted as
    plain characters, a Chinese chunk would be cut off after its first third when embedded."""
    return len(text) + 3 * len(_CJK_CHAR.findall(text))


def _fit(text: str, budget: int) -> int:
    """The longest prefix length of ``text`` whose cost is within ``budget`` (at least one character)."""
    cost = 0
    for i, ch in enumerate(text):
        cost += 4 if _CJK_CHAR.match(ch) else 1
        if cost > budget:
            return max(i, 1)
    return len(text)


def _split_long(block: str, max_chars: int) -> list[str]:
    """Split a block costing more than ``max_chars`` at sentence ends, else at whitespace, else hard."""
    pieces: list[str] = []
    rest = block
    while text_cost(rest) > max_chars:
        size = _fit(rest, max_chars)
        window = rest[:size]
        cut = 0
        for m in _SENTENCE_END.finditer(window):
            if m.end() >= size // 3:
                cut = m.end()
        if cut == 0:
            space = window.rfind(" ", size // 3)
            cut = space + 1 if space > 0 else size
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        pieces.append(rest.strip())
    return [p for p in pieces if p]


def _tail(text: str, overlap: int) -> str:
    """The end of ``text`` to repeat at the start of the next chunk: at most ``overlap`` (cost), starting at
    a sentence start when one is in reach, else at a clause start, else at a word boundary."""
    if overlap <= 0:
        return ""
    if text_cost(text) <= overlap:
        return text
    size = _fit(text[::-1], overlap)
    tail = text[-size:]
    for boundary in (_SENTENCE_END, _CLAUSE_END):
        starts = [m.end() for m in boundary.finditer(tail) if 0 < m.end() < len(tail)]
        if starts:
            return tail[starts[0] :].strip()
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) // 2 else tail


def _norm(block: str) -> str:
    return re.sub(r"\s+", " ", block).strip().lower()


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+•·]|\d{1,3}[.)、]|[（(]?[一二三四五六七八九十]{1,3}[)）、])\s+")
_LEAD_IN = re.compile(r"[:：]\s*$")


@dataclass
class _Piece:
    """A piece of a section to pack into chunks: ``prose``, a ``table`` piece (its header first) or a
    ``list`` piece (whole items); ``lead`` is the line a list piece needs in front when it starts a chunk."""

    text: str
    kind: str = "prose"
    lead: str = ""


def _table_lines(block: str) -> tuple[list[str], list[str], list[str]] | None:
    """(lines before the table, header lines, row lines) of a block holding a Markdown table (a row of
    cells and its ``|---|`` rule), or None."""
    lines = block.split("\n")
    for i in range(1, len(lines)):
        if _TABLE_RULE.match(lines[i]) and lines[i - 1].strip().startswith("|") and "|" in lines[i]:
            rows = lines[i + 1 :]
            if all(not r.strip() or r.strip().startswith("|") for r in rows):
                return lines[: i - 1], lines[i - 1 : i + 1], [r for r in rows if r.strip()]
    return None


def _list_items(block: str) -> list[str] | None:
    """The items of a block that is a list (its first line an item; continuation lines stay with their
    item), or None."""
    lines = block.split("\n")
    if not _LIST_ITEM.match(lines[0]):
        return None
    items: list[str] = []
    for line in lines:
        if _LIST_ITEM.match(line) or not items:
            items.append(line)
        else:
            items[-1] += "\n" + line
    return items if len(items) > 1 else None


def _pack_lines(head: list[str], lines: list[str], budget: int) -> list[str]:
    """``lines`` in groups costing at most ``budget`` each with ``head`` in front (a line that does not fit
    alone is split as prose)."""
    out: list[str] = []
    current: list[str] = []
    head_cost = sum(text_cost(h) + 1 for h in head)
    for line in lines:
        if current and head_cost + sum(text_cost(c) + 1 for c in current) + text_cost(line) > budget:
            out.append("\n".join(head + current))
            current = []
        if head_cost + text_cost(line) > budget:
            out.extend("\n".join(head + [p]) for p in _split_long(line, max(budget - head_cost, budget // 2)))
            continue
        current.append(line)
    if current:
        out.append("\n".join(head + current))
    return out


def _pieces(block: str, budget: int, lead: str) -> list[_Piece]:
    """A block as pieces of at most ``budget`` (see :class:`_Piece`); ``lead``: the lead-in line before it."""
    table = _table_lines(block)
    if table is not None:
        before, header, rows = table
        out = _pieces("\n".join(before), budget, lead) if "".join(before).strip() else []
        if text_cost(block) - sum(text_cost(b) + 1 for b in before) <= budget:
            return out + [_Piece("\n".join(header + rows), "table")]
        return out + [_Piece(p, "table") for p in _pack_lines(header, rows, budget)]
    items = _list_items(block)
    if items is not None:
        kind_lead = lead if lead and text_cost(lead) <= budget // 3 else ""
        if text_cost(block) <= budget:
            return [_Piece(block, "list", kind_lead)]
        return [_Piece(p, "list", kind_lead) for p in _pack_lines([], items, budget - text_cost(kind_lead) - 1)]
    if text_cost(block) > budget:
        return [_Piece(p) for p in _split_long(block, budget)]
    return [_Piece(block)]


def _last_line(text: str) -> str:
    """The lead-in a following list needs: the last sentence of ``text`` when it ends with a colon."""
    if not _LEAD_IN.search(text):
        return ""
    flat = re.sub(r"\s*\n\s*", " ", text.strip())
    starts = [m.end() for m in _SENTENCE_END.finditer(flat) if 0 < m.end() < len(flat)]
    return flat[starts[-1] :].strip() if starts else flat


def chunk_document(doc: Document, *, max_chars: int, overlap: int) -> list[Chunk]:
    """Chunk a document along its sections and blocks; see the module docstring for the rules.

    Sizes are :func:`text_cost` units. A block repeated verbatim in a document (a boilerplate notice, a
    pasted section) is kept once: copies add nothing and would crowd the top results."""
    if overlap >= max_chars:
        raise ValueError("overlap must be smaller than max_chars")
    chunks: list[Chunk] = []
    seen: set[str] = set()
    # room for the overlap prefix and the space joining it
    budget = max_chars - overlap - 1 if overlap else max_chars
    for section in doc.sections:
        pieces: list[_Piece] = []
        previous = ""
        for block in section.blocks:
            key = _norm(block)
            if key in seen:
                continue
            seen.add(key)
            pieces.extend(_pieces(block, budget, _last_line(previous)))
            previous = block
        groups: list[list[_Piece]] = []
        current: list[_Piece] = []
        size = 0
        for piece in pieces:
            lead = piece.lead if piece.lead and piece.lead not in piece.text else ""
            extra = text_cost(piece.text) + (2 if current else text_cost(lead) + 1 if lead else 0)
            if current and size + extra > budget:
                groups.append(current)
                current, size = [], 0
                extra = text_cost(piece.text) + (text_cost(lead) + 1 if lead else 0)
            current.append(piece)
            size += extra
        if current:
            groups.append(current)
        for i, group in enumerate(groups):
            first = group[0]
            text = "\n\n".join(p.text for p in group)
            if first.kind == "list" and first.lead and i > 0:
                text = f"{first.lead}\n{text}"  # the list's lead-in, which the previous chunk holds
            elif i > 0 and overlap > 0 and first.kind == "prose" and groups[i - 1][-1].kind == "prose":
                prefix = _tail(groups[i - 1][-1].text, overlap)
                text = f"{prefix} {text}" if prefix else text
            chunks.append(
                Chunk(
                    text=text, source=doc.source, heading=section.heading, index=len(chunks), title=doc.title
                )
            )
    return chunks
