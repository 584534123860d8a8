"""What the knowledge graph is made of.

A document's extraction is a :class:`DocGraph`: its sentences (each citing its chunk), the entities it
names (with aliases) and the relations it states between them (each citing its sentence). A tenant's
graph is assembled from its documents' DocGraphs (:mod:`.index`), so deleting or re-ingesting a
document removes exactly what it contributed.

The wire form (``to_dict``/``from_dict``) is what the memory service stores, one record per document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ENTITY_TYPES = ("person", "org", "place", "date", "number", "code", "thing")
VALUE_TYPES = frozenset({"date", "number"})


@dataclass
class Sentence:
    """A unit of a chunk (sentence, table row or ``key: value`` line), verbatim from the chunk's text."""

    chunk_id: str
    text: str
    citation: str
    topic: str = ""  # the section's subject (its heading's entity), if any
    mentions: list[str] = field(default_factory=list)  # entity names it mentions, in order


@dataclass
class Entity:
    """An entity a document names: its main name, type and the other names it goes by there."""

    name: str
    type: str = "thing"
    aliases: list[str] = field(default_factory=list)


@dataclass
class Relation:
    """``head —label→ tail``, stated by sentence ``sentence`` (index into the document's sentences).

    ``kind``: how it was found: ``pattern`` (a relation phrase between the two), ``row`` (a table row:
    the row's first cell to another cell, labelled by the column), ``field`` (``key: value`` under a
    section about ``head``), ``topic`` (a sentence under a section about ``head`` naming ``tail``), ``list``
    (a list item and the entity its introducing sentence names: "Two leads report to X:" + "- Aisha Okoye, …")."""

    head: str
    tail: str
    label: str
    sentence: int
    kind: str = "pattern"


@dataclass
class DocGraph:
    """Everything one document contributes to its tenant's graph."""

    source: str
    title: str
    key: str  # fingerprint of the chunks it was extracted from: same key, same graph
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocGraph:
        return cls(
            source=str(d["source"]),
            title=str(d.get("title", "")),
            key=str(d.get("key", "")),
            sentences=[Sentence(**s) for s in d.get("sentences", [])],
            entities=[Entity(**e) for e in d.get("entities", [])],
            relations=[Relation(**r) for r in d.get("relations", [])],
        )
