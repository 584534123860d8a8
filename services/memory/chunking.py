"""Knowledge-base documents: loading (Markdown, text, HTML, PDF) and chunking along their structure.

A document is a list of sections, each with its heading path and its blocks (paragraphs, list items,
code blocks). Chunks never cross a section boundary; blocks are packed into a chunk up to ``max_chars``,
a block longer than that is split at sentence or word boundaries, and a chunk that continues a section
starts with the last ``overlap`` characters of the previous one.
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
    """The file type is not one the knowledge base reads."""


def load_document(path: Path, *, source: str | None = None) -> Document:
    """Read a Markdown, text, HTML or PDF file. ``source`` defaults to the file's absolute path."""
    path = Path(path)
    src = source or path.resolve().as_posix()
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return _load_pdf(path, src)
    raw = path.read_text(encoding="utf-8", errors="replace")
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


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def parse_text(raw: str, *, source: str, default_title: str = "") -> Document:
    """Plain text: one section of paragraphs (blank-line separated)."""
    blocks = _paragraphs(raw.replace("\r\n", "\n"))
    return Document(
        source=source, title=default_title, media_type="text/plain", sections=[Section([], blocks)]
    )


def parse_markdown(raw: str, *, source: str, default_title: str = "") -> Document:
    """Markdown: ATX and setext headings open sections; fenced code blocks stay whole."""
    lines = raw.replace("\r\n", "\n").split("\n")
    sections: list[Section] = [Section([])]
    stack: list[tuple[int, str]] = []
    para: list[str] = []
    fence: str | None = None
    title = ""

    def flush() -> None:
        text = "\n".join(para).strip()
        if text:
            sections[-1].blocks.append(text)
        para.clear()

    def open_section(level: int, name: str) -> None:
        nonlocal title
        flush()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, name))
        if level == 1 and not title:
            title = name
        sections.append(Section([h for _, h in stack]))

    for line in lines:
        if fence is not None:
            para.append(line)
            if line.strip().startswith(fence):
                fence = None
                flush()
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            fence = m.group(1)[0] * 3
            para.append(line)
            continue
        m = _ATX.match(line)
        if m:
            open_section(len(m.group(1)), m.group(2).strip())
            continue
        if _SETEXT.match(line) and len(para) == 1 and para[0].strip():
            name = para.pop().strip()
            open_section(1 if line.strip().startswith("=") else 2, name)
            continue
        if not line.strip():
            flush()
            continue
        para.append(line)
    flush()
    sections = [s for s in sections if s.blocks]
    return Document(
        source=source, title=title or default_title, media_type="text/markdown", sections=sections
    )


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

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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
        if self.skip_depth:
            return
        self.buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(raw: str, *, source: str, default_title: str = "") -> Document:
    """HTML: h1-h6 open sections, block elements end blocks; script, style and head are dropped."""
    parser = _HtmlExtractor()
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
    reader = PdfReader(str(path))
    sections: list[Section] = []
    for number, page in enumerate(reader.pages, start=1):
        blocks = _paragraphs((page.extract_text() or "").replace("\r\n", "\n"))
        if blocks:
            sections.append(Section([f"page {number}"], blocks))
    meta_title = ""
    if reader.metadata is not None and reader.metadata.title:
        meta_title = str(reader.metadata.title)
    return Document(
        source=source, title=meta_title or path.stem, media_type="application/pdf", sections=sections
    )


# --------------------------------------------------------------------------- chunking

_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")


def _split_long(block: str, max_chars: int) -> list[str]:
    """Split a block longer than max_chars at sentence ends, else at whitespace, else hard."""
    pieces: list[str] = []
    rest = block
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cut = 0
        for m in _SENTENCE_END.finditer(window):
            if m.end() >= max_chars // 3:
                cut = m.end()
        if cut == 0:
            space = window.rfind(" ", max_chars // 3)
            cut = space + 1 if space > 0 else max_chars
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        pieces.append(rest.strip())
    return [p for p in pieces if p]


def _tail(text: str, overlap: int) -> str:
    if overlap <= 0 or len(text) <= overlap:
        return text if overlap > 0 else ""
    tail = text[-overlap:]
    space = tail.find(" ")
    # start the overlap at a word boundary when there is one nearby
    return tail[space + 1 :] if 0 <= space < overlap // 2 else tail


def chunk_document(doc: Document, *, max_chars: int, overlap: int) -> list[Chunk]:
    """Chunk a document along its sections and blocks; see the module docstring for the rules."""
    if overlap >= max_chars:
        raise ValueError("overlap must be smaller than max_chars")
    chunks: list[Chunk] = []
    # room for the overlap prefix and the space joining it
    budget = max_chars - overlap - 1 if overlap else max_chars
    for section in doc.sections:
        pieces: list[str] = []
        for block in section.blocks:
            pieces.extend(_split_long(block, budget) if len(block) > budget else [block])
        current: list[str] = []
        size = 0
        section_chunks: list[str] = []
        for piece in pieces:
            extra = len(piece) + (2 if current else 0)
            if current and size + extra > budget:
                section_chunks.append("\n\n".join(current))
                current, size = [], 0
                extra = len(piece)
            current.append(piece)
            size += extra
        if current:
            section_chunks.append("\n\n".join(current))
        for i, text in enumerate(section_chunks):
            if i > 0 and overlap > 0:
                prefix = _tail(section_chunks[i - 1], overlap)
                text = f"{prefix} {text}" if prefix else text
            chunks.append(
                Chunk(
                    text=text, source=doc.source, heading=section.heading, index=len(chunks), title=doc.title
                )
            )
    return chunks
