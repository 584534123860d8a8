"""A tenant's graph, assembled in memory from its documents' :class:`DocGraph` records.

Assembly is a pure function of the set of records, so it is idempotent and order-free: re-ingesting
or deleting a document and assembling again gives the graph without what that document said.

- **Nodes**: entities merged across documents when a name or alias shares its key (case, spaces,
  punctuation and legal form ignored: "Acme Films Co., Ltd." = "Acme Films"), when a Chinese name's
  pinyin meets an English name (宁波 = Ningbo, 张伟 = Zhang Wei), or when a Chinese and an English name
  of the same kind are each other's nearest neighbour in the multilingual encoder's space above
  ``cross_lingual_merge`` ("packaging film" = 包装膜).
- **Edges**: every relation, plus names of *other* documents found in a sentence (a name a supplier list
  marks as one, met in another document's running text) linked to the sentence's neighbouring mentions.
  Each edge keeps its label and the sentence (hence chunk and document) it comes from.
- Value nodes (dates, numbers) end paths; they never bridge two entities.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .extract import Gazetteer, clean_label
from .lexicon import CANONICAL_LABELS
from .model import VALUE_TYPES, DocGraph
from .text import clauses, is_cjk, name_key, sound_keys

_CANON = [(re.compile(p, re.IGNORECASE), label) for p, label, _ in CANONICAL_LABELS]
CUES = {label: cues for _, label, cues in CANONICAL_LABELS}


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def canonical_label(label: str) -> str:
    """A relation's common name ("reports to", "located in", …) when its words say one, else the label."""
    for pattern, name in _CANON:
        if pattern.search(label):
            return name
    return label


def pack(vecs: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vecs, dtype="<f2").tobytes()).decode()


def unpack(data: str, dim: int) -> np.ndarray:
    arr = np.frombuffer(base64.b64decode(data), dtype="<f2").astype(np.float32)
    return arr.reshape(-1, dim)


@dataclass
class StoredDoc:
    """A document's graph with its vectors: one per name surface (entities' names then aliases, in
    order) and one per sentence (see :func:`embed_doc`)."""

    graph: DocGraph
    surface_vecs: np.ndarray | None = None
    sentence_vecs: np.ndarray | None = None

    def surfaces(self) -> list[tuple[int, str]]:
        return [(i, s) for i, e in enumerate(self.graph.entities) for s in [e.name, *e.aliases]]

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"graph": self.graph.to_dict()}
        if self.surface_vecs is not None and self.sentence_vecs is not None:
            out["dim"] = int(self.surface_vecs.shape[1]) if self.surface_vecs.size else int(self.sentence_vecs.shape[1])
            out["surface_vecs"] = pack(self.surface_vecs)
            out["sentence_vecs"] = pack(self.sentence_vecs)
        return out

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> StoredDoc:
        graph = DocGraph.from_dict(payload["graph"])
        if "surface_vecs" in payload:
            dim = int(payload["dim"])
            return cls(graph, unpack(payload["surface_vecs"], dim), unpack(payload["sentence_vecs"], dim))
        return cls(graph)


def embed_doc(graph: DocGraph, encoder: Encoder | None) -> StoredDoc:
    """Vectors for the document's name surfaces and sentences (none without an encoder)."""
    doc = StoredDoc(graph)
    if encoder is None:
        return doc
    surfaces = [s for _, s in doc.surfaces()]
    vecs = encoder.encode(surfaces + [s.text for s in graph.sentences])
    doc.surface_vecs = np.asarray(vecs[: len(surfaces)], dtype=np.float32)
    doc.sentence_vecs = np.asarray(vecs[len(surfaces) :], dtype=np.float32)
    return doc


@dataclass
class Node:
    id: int
    name: str
    type: str
    names: list[str] = field(default_factory=list)  # every surface, main name first
    sources: set[str] = field(default_factory=set)

    @property
    def is_value(self) -> bool:
        return self.type in VALUE_TYPES

    def name_in(self, lang: str) -> str:
        """The node's name in a language (Chinese or not), falling back to its main name."""
        for n in self.names:
            if is_cjk(n) == (lang == "zh"):
                return n
        return self.name


@dataclass
class SentenceRef:
    text: str
    chunk_id: str
    source: str
    citation: str


@dataclass
class Edge:
    id: int
    head: int
    tail: int
    label: str
    relation: str  # canonical label
    sentence: int
    kind: str


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class TenantGraph:
    """One tenant's assembled graph: nodes, edges, adjacency (lists and CSR), name and sentence vectors."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.sentences: list[SentenceRef] = []
        self.adj: list[list[int]] = []  # node -> edge ids
        self.by_key: dict[str, int] = {}
        self.gazetteer = Gazetteer()
        self.surface_vecs: np.ndarray | None = None  # one row per (node, surface)
        self.surface_node: np.ndarray = np.zeros(0, dtype=np.int32)
        self.sentence_vecs: np.ndarray | None = None
        self.sentence_mentions: list[list[int]] = []
        self.gnn: np.ndarray | None = None  # node embeddings from the learned reasoner, when trained
        self.version = ""

    def __len__(self) -> int:
        return len(self.nodes)

    # ------------------------------------------------------------------ assembly

    @classmethod
    def build(cls, docs: Sequence[StoredDoc], *, cross_lingual_merge: float = 0.82) -> TenantGraph:
        g = cls()
        docs = sorted(docs, key=lambda d: d.graph.source)
        g.version = "|".join(f"{d.graph.source}:{d.graph.key}" for d in docs)
        # 1. one provisional node per (document, entity); merge by keys
        prov: list[tuple[int, int]] = []
        prov_surfaces: list[list[str]] = []
        for di, d in enumerate(docs):
            for ei, e in enumerate(d.graph.entities):
                prov.append((di, ei))
                prov_surfaces.append([e.name, *e.aliases])
        uf = _Union(len(prov))
        key_owner: dict[str, int] = {}
        sound_owner: dict[str, list[int]] = {}
        for p, surfaces in enumerate(prov_surfaces):
            typ = docs[prov[p][0]].graph.entities[prov[p][1]].type
            for s in surfaces:
                k = name_key(s)
                if not k:
                    continue
                if k in key_owner:
                    uf.union(key_owner[k], p)
                else:
                    key_owner[k] = p
                if typ in ("person", "place", "org"):
                    for sk in sound_keys(s):
                        sound_owner.setdefault(("z:" if is_cjk(s) else "l:") + sk, []).append(p)
        for sk, owners in sound_owner.items():
            if sk.startswith("z:"):
                for q in sound_owner.get("l:" + sk[2:], []):
                    uf.union(owners[0], q)
                    for o in owners[1:]:
                        uf.union(owners[0], o)
        # cross-lingual merge by the encoder: mutual nearest neighbours across scripts
        surf_rows: list[tuple[int, str]] = []
        surf_vecs: list[np.ndarray] = []
        for p, (di, ei) in enumerate(prov):
            d = docs[di]
            if d.surface_vecs is None:
                continue
            base = sum(1 + len(e.aliases) for e in d.graph.entities[:ei])
            for j, s in enumerate(prov_surfaces[p]):
                surf_rows.append((p, s))
                surf_vecs.append(d.surface_vecs[base + j])
        if surf_vecs and cross_lingual_merge < 1.0:
            _merge_cross_lingual(uf, surf_rows, np.stack(surf_vecs), docs, prov, cross_lingual_merge)
        # 2. nodes
        root_node: dict[int, int] = {}
        prov_node: list[int] = []
        for p, (di, ei) in enumerate(prov):
            r = uf.find(p)
            e = docs[di].graph.entities[ei]
            if r not in root_node:
                root_node[r] = len(g.nodes)
                g.nodes.append(Node(id=len(g.nodes), name=e.name, type=e.type))
            node = g.nodes[root_node[r]]
            for s in [e.name, *e.aliases]:
                if s not in node.names:
                    node.names.append(s)
            if node.type == "thing" and e.type != "thing":
                node.type = e.type
            node.sources.add(docs[di].graph.source)
            prov_node.append(node.id)
        for node in g.nodes:
            for s in node.names:
                g.by_key.setdefault(name_key(s), node.id)
                g.gazetteer.add(s, node.name, node.type)
        g.adj = [[] for _ in g.nodes]
        if surf_vecs:
            g.surface_vecs = np.stack(surf_vecs).astype(np.float32)
            g.surface_node = np.array([prov_node[p] for p, _ in surf_rows], dtype=np.int32)
        # 3. sentences and edges
        sent_vecs: list[np.ndarray] = []
        seen_edges: set[tuple[int, int, str, int]] = set()
        first_of_doc: dict[int, int] = {}
        for p, (pd, _) in enumerate(prov):
            first_of_doc.setdefault(pd, p)
        for di, d in enumerate(docs):
            local: dict[str, int] = {}
            first_prov = first_of_doc.get(di, 0)
            for ei, e in enumerate(d.graph.entities):
                local[e.name] = prov_node[first_prov + ei]
                for a in e.aliases:
                    local.setdefault(a, prov_node[first_prov + ei])
            base = len(g.sentences)
            for si, s in enumerate(d.graph.sentences):
                g.sentences.append(SentenceRef(s.text, s.chunk_id, d.graph.source, s.citation))
                if d.sentence_vecs is not None:
                    sent_vecs.append(d.sentence_vecs[si])
                ids = [local[n] for n in s.mentions if n in local]
                g.sentence_mentions.append(list(dict.fromkeys(ids)))
            for r in d.graph.relations:
                h, t = local.get(r.head), local.get(r.tail)
                if h is None or t is None or h == t:
                    continue
                g._add_edge(h, t, r.label, base + r.sentence, r.kind, seen_edges)
            # names of the tenant's other documents, met in this document's sentences
            for si, s in enumerate(d.graph.sentences):
                sid = base + si
                known = set(g.sentence_mentions[sid])
                for _, clause in clauses(s.text):
                    found = _non_overlapping(g.gazetteer.find(clause))
                    ids = [g.by_key.get(name_key(m.name)) for m in found]
                    for (a, ia), (b, ib) in zip(
                        zip(found, ids, strict=True), list(zip(found, ids, strict=True))[1:], strict=False
                    ):
                        if ia is None or ib is None or ia == ib or (ia in known and ib in known):
                            continue
                        g._add_edge(ia, ib, clean_label(clause[a.end : b.start]) or "related to", sid, "mention",
                                    seen_edges)
                    for i in ids:
                        if i is not None and i not in g.sentence_mentions[sid]:
                            g.sentence_mentions[sid].append(i)
        if sent_vecs:
            g.sentence_vecs = np.stack(sent_vecs).astype(np.float32)
        return g

    def _add_edge(self, h: int, t: int, label: str, sentence: int, kind: str, seen: set[tuple[int, int, str, int]]) -> None:
        k = (h, t, label, sentence)
        if k in seen:
            return
        seen.add(k)
        e = Edge(len(self.edges), h, t, label, canonical_label(label), sentence, kind)
        self.edges.append(e)
        self.adj[h].append(e.id)
        self.adj[t].append(e.id)

    # ------------------------------------------------------------------ views

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Undirected adjacency as (indptr, neighbour, edge id) arrays."""
        n = len(self.nodes)
        heads = np.array([e.head for e in self.edges], dtype=np.int64)
        tails = np.array([e.tail for e in self.edges], dtype=np.int64)
        ids = np.arange(len(self.edges), dtype=np.int64)
        src = np.concatenate([heads, tails])
        dst = np.concatenate([tails, heads])
        eid = np.concatenate([ids, ids])
        order = np.argsort(src, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(indptr, src + 1, 1)
        return np.cumsum(indptr), dst[order], eid[order]

    def to_json(self, entity: str | None = None, hops: int = 1) -> dict[str, Any]:
        """Nodes and edges (with their citations) as JSON: the whole graph, or ``hops`` around ``entity``."""
        keep: set[int] | None = None
        if entity is not None:
            start = self.by_key.get(name_key(entity))
            if start is None:
                found = _non_overlapping(self.gazetteer.find(entity))
                start = self.by_key.get(name_key(found[0].name)) if found else None
            keep = set()
            if start is not None:
                frontier = {start}
                keep |= frontier
                for _ in range(hops):
                    nxt = set()
                    for v in frontier:
                        for eid in self.adj[v]:
                            e = self.edges[eid]
                            nxt.add(e.tail if e.head == v else e.head)
                    frontier = nxt - keep
                    keep |= nxt
        nodes = [
            {"id": n.id, "name": n.name, "type": n.type, "aliases": n.names[1:], "sources": sorted(n.sources)}
            for n in self.nodes if keep is None or n.id in keep
        ]
        edges = []
        for e in self.edges:
            if keep is not None and (e.head not in keep or e.tail not in keep):
                continue
            s = self.sentences[e.sentence]
            edges.append({"head": e.head, "tail": e.tail, "label": e.label, "relation": e.relation, "kind": e.kind,
                          "source": s.source, "chunk_id": s.chunk_id, "citation": s.citation, "evidence": s.text})
        return {"nodes": nodes, "edges": edges}

    def to_dot(self, entity: str | None = None, hops: int = 1) -> str:
        data = self.to_json(entity, hops)

        def q(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

        lines = ["digraph kb {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
        for n in data["nodes"]:
            lines.append(f"  n{n['id']} [label={q(n['name'])}, tooltip={q(n['type'])}];")
        for e in data["edges"]:
            lines.append(f"  n{e['head']} -> n{e['tail']} [label={q(e['label'])}, tooltip={q(e['citation'])}];")
        lines.append("}")
        return "\n".join(lines) + "\n"


def _non_overlapping(found: list[Any]) -> list[Any]:
    out: list[Any] = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(m.start < o.end and o.start < m.end for o in out):
            out.append(m)
    return sorted(out, key=lambda m: m.start)


def _merge_cross_lingual(
    uf: _Union, rows: list[tuple[int, str]], vecs: np.ndarray, docs: Sequence[StoredDoc],
    prov: list[tuple[int, int]], threshold: float,
) -> None:
    """Unite a Chinese and an English name (not people, codes or values) that are each other's nearest
    other-script name with a cosine of at least ``threshold``."""
    def eligible(p: int) -> bool:
        di, ei = prov[p]
        return docs[di].graph.entities[ei].type in ("thing", "org", "place")

    zh = [i for i, (p, s) in enumerate(rows) if is_cjk(s) and eligible(p)]
    en = [i for i, (p, s) in enumerate(rows) if not is_cjk(s) and eligible(p) and re.search(r"[A-Za-z]{3}", s)]
    if not zh or not en:
        return
    sims = vecs[zh] @ vecs[en].T
    best_en = sims.argmax(axis=1)
    best_zh = sims.argmax(axis=0)
    for a, b in enumerate(best_en):
        if best_zh[b] == a and sims[a, b] >= threshold:
            uf.union(rows[zh[a]][0], rows[en[b]][0])
