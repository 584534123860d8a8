"""Multi-hop answers from a tenant's graph: link the question to nodes, expand, pick the answer, and
show the chain with a citation per hop.

1. **Link** (:func:`link`): names and aliases of the graph found in the question (exact, case and
   spacing ignored), then the question's remaining noun phrases matched to node names by the
   multilingual encoder (cosine ≥ ``link_min``: a Chinese phrase finds the English name). With no
   name at all, the entities of the sentences nearest the question seed the search at half weight.
2. **Expand**: Personalized PageRank from the seeds over edges weighted by how much their sentence
   bears on the question (encoder cosine and word overlap), and bounded path search (up to
   ``max_hops``) from each seed; a path's score is the mean relevance of its hops plus the share of
   the question's words its sentences cover, minus a small cost per hop.
3. **Answer** by the question's shape (:mod:`.question`): *bridge* — the best-scoring new node whose
   type or name fits what is asked; *intersection* — the node that paths from two seeds both reach;
   *comparison* — the date or number each seed leads to, compared; *same* — whether two seeds lead
   to the same place/office/… (yes or no).

Every fact of the answer is a node name or an edge, and every edge cites the sentence, chunk and
document it came from; the answer text repeats those sentences verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from autoglm.shared.lexical import terms

from . import lexicon as lx
from .extract import find_mentions
from .index import CUES, Encoder, TenantGraph, _non_overlapping
from .question import Question, analyze
from .text import is_cjk, name_key

_WH_WORDS = frozenset(
    """which what who whom whose where when how many much is are was were do does did the a an of our in on at to for
    by with and or both same city 哪个 哪家 哪里 哪位 谁 什么 多少 是否 吗 城市 在哪 哪一个 哪座 我们 的 是 在 和 都""".split()
)


def _stem(word: str) -> str:
    """A crude English stem, enough for "operates" = "operated" = "operate", "reports" = "report"."""
    if not word.isascii() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def cue_terms(text: str) -> set[str]:
    """Terms (words, Chinese bigrams and single characters) of a text, English words stemmed."""
    out = {_stem(t) for t in terms(text)}
    return {
        t for t in out
        if not ("\u3400" <= t[:1] <= "\u9fff" and (len(t) == 1 or any(c in _ZH_GLUE for c in t)))
    } - _WH_WORDS


# Chinese characters that only glue a question together: a bigram holding one says nothing
_ZH_GLUE = frozenset("的是在由向于和与及或把被将对从到也都约每该其并且而了着过等就又还即所谁哪么吗呢几个家位")


def edge_bags(g: TenantGraph) -> list[set[str]]:
    """Per edge, the terms of its label, its relation and the words that ask for that relation."""
    bags = getattr(g, "_edge_bags", None)
    if bags is None:
        bags = [cue_terms(f"{e.label} {e.relation} {CUES.get(e.relation, '')}") for e in g.edges]
        g._edge_bags = bags  # type: ignore[attr-defined]
    return bags


@dataclass
class Hop:
    """One step of a reasoning path: ``head —relation→ tail``, stated by ``evidence`` (a sentence of
    chunk ``chunk_id`` of document ``source``, cited as ``citation``)."""

    head: str
    relation: str
    label: str
    tail: str
    source: str
    chunk_id: str
    citation: str
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class GraphAnswer:
    """What the graph answers: the conclusion, the hops that support it, and its score."""

    answer: str
    text: str
    shape: str
    path: list[Hop] = field(default_factory=list)
    score: float = 0.0
    seeds: list[str] = field(default_factory=list)

    @property
    def chunk_ids(self) -> list[str]:
        return list(dict.fromkeys(h.chunk_id for h in self.path))

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.answer, "text": self.text, "shape": self.shape, "score": round(self.score, 4),
                "seeds": self.seeds, "reasoning_path": [h.to_dict() for h in self.path]}


# "哪家物流公司", "which office", "what city": the kind of thing asked for, not an entity of the question
_ASKED = re.compile(
    r"(?:哪个|哪家|哪一个|哪一家|哪座|哪台|哪条|哪位|什么)[\u3400-\u9fff]{1,5}|\b(?:which|what)\s+[a-z]+(?:\s+[a-z]+)?",
    re.IGNORECASE,
)


@dataclass
class Seed:
    node: int
    weight: float
    start: int
    end: int


@dataclass
class ReasonConfig:
    link_min: float = 0.72
    max_hops: int = 4
    beam: int = 64
    ppr_alpha: float = 0.25
    ppr_weight: float = 0.3
    gnn_weight: float = 0.0
    min_score: float = 0.3
    hop_cost: float = 0.08
    cover_weight: float = 0.6
    against_cost: float = 0.3
    idle_cost: float = 0.0


# ------------------------------------------------------------------ linking


def link(g: TenantGraph, question: str, qvec: np.ndarray | None, encoder: Encoder | None, cfg: ReasonConfig) -> list[Seed]:
    """The question's entities as graph nodes, with a weight in 0..1."""
    seeds: dict[int, Seed] = {}
    asked = [(m.start(), m.end()) for m in _ASKED.finditer(question)]

    def usable(text: str, start: int, end: int) -> bool:
        # a common word that also names a node (运营, Summary) is no seed; nor is what is asked for
        # ("哪家物流公司", "which office"): linking it would hand the answer in as a seed
        if text in lx.ZH_STOP_WORDS or text in lx.ZH_LABEL_WORDS or text.lower() in lx.EN_STOP:
            return False
        return not any(s <= start and end <= e for s, e in asked)

    found = _non_overlapping(g.gazetteer.find(question))
    for m in found:
        nid = g.by_key.get(name_key(m.name))
        if nid is not None and usable(question[m.start : m.end], m.start, m.end):
            seeds.setdefault(nid, Seed(nid, 1.0, m.start, m.end))
    covered = [(s.start, s.end) for s in seeds.values()]
    phrases = [
        m for m in find_mentions(question, question=True)
        if not any(m.start < e and s < m.end for s, e in covered) and m.type not in ("date", "number")
        and usable(m.name, m.start, m.end)
    ]
    for m in phrases:
        nid = g.by_key.get(name_key(m.name))
        if nid is not None:
            seeds.setdefault(nid, Seed(nid, 1.0, m.start, m.end))
    # every phrase, linked or not, also finds names by meaning (a Chinese phrase, the English name)
    spans = [(question[s.start : s.end], s.start, s.end) for s in seeds.values()]
    spans += [(m.name, m.start, m.end) for m in phrases if g.by_key.get(name_key(m.name)) is None]
    # codes and numbers mean nothing to the encoder: "HT-2025-014" is near every other contract number
    spans = [sp for sp in spans if not re.search(r"\d", sp[0])]
    if spans and encoder is not None and g.surface_vecs is not None and len(g.surface_vecs):
        vecs = encoder.encode([text for text, _, _ in spans])
        sims = vecs @ g.surface_vecs.T
        for (_, start, end), row in zip(spans, sims, strict=True):
            for j in np.argsort(-row)[:3]:
                if row[j] < cfg.link_min:
                    break
                nid = int(g.surface_node[j])
                if nid not in seeds:
                    seeds[nid] = Seed(nid, 0.9 * float(row[j]), start, end)
    if not seeds and qvec is not None and g.sentence_vecs is not None and len(g.sentence_vecs):
        sims = g.sentence_vecs @ qvec
        for si in np.argsort(-sims)[:2]:
            for nid in g.sentence_mentions[int(si)]:
                if not g.nodes[nid].is_value:
                    seeds.setdefault(nid, Seed(nid, 0.5 * float(sims[si]), -1, -1))
    return sorted(seeds.values(), key=lambda s: (s.start, -s.weight))


# ------------------------------------------------------------------ relevance and PageRank


def _cue_text(question: str, seeds: Sequence[Seed]) -> str:
    """The question without its linked names: the words that say which relations to follow."""
    keep = [True] * len(question)
    for s in seeds:
        for i in range(max(s.start, 0), max(s.end, 0)):
            keep[i] = False
    return "".join(c if k else " " for c, k in zip(question, keep, strict=True))


class _Arrays:
    """Per-graph arrays every query reuses (built on a graph's first query)."""

    def __init__(self, g: TenantGraph) -> None:
        n = len(g.nodes)
        self.edge_sentence = np.array([e.sentence for e in g.edges], dtype=np.int64)
        self.bags = edge_bags(g)
        self.term_edges: dict[str, np.ndarray] = {}
        index: dict[str, list[int]] = {}
        for eid, bag in enumerate(self.bags):
            for t in bag:
                index.setdefault(t, []).append(eid)
        self.term_edges = {t: np.array(ids, dtype=np.int64) for t, ids in index.items()}
        indptr, self.nbr, self.eid = g.csr()
        self.src = np.repeat(np.arange(n), np.diff(indptr))
        self.is_value = np.array([nd.is_value for nd in g.nodes], dtype=bool)
        self.src_is_value = self.is_value[self.src]
        self.other = [[(eid, g.edges[eid].tail if g.edges[eid].head == v else g.edges[eid].head) for eid in g.adj[v]]
                      for v in range(n)]
        self.directed = np.array([e.relation in _DIRECTED for e in g.edges], dtype=bool)
        self.tails = np.array([e.tail for e in g.edges], dtype=np.int64)
        self.heads = np.array([e.head for e in g.edges], dtype=np.int64)


def arrays(g: TenantGraph) -> _Arrays:
    a = getattr(g, "_arrays", None)
    if a is None:
        a = _Arrays(g)
        g._arrays = a  # type: ignore[attr-defined]
    return a


def ball(g: TenantGraph, seeds: Sequence[Seed], hops: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes within ``hops`` of the seeds (walks stop at dates and numbers) and the edges among them:
    everything a query looks at, so its cost follows the seeds' neighbourhood, not the tenant's size."""
    a = arrays(g)
    seen = {s.node for s in seeds}
    frontier = list(seen)
    for _ in range(hops):
        nxt = []
        for v in frontier:
            if a.is_value[v] and v not in {s.node for s in seeds}:
                continue
            for _, u in a.other[v]:
                if u not in seen:
                    seen.add(u)
                    nxt.append(u)
        frontier = nxt
    nodes = np.fromiter(seen, dtype=np.int64)
    inside = np.zeros(len(g.nodes), dtype=bool)
    inside[nodes] = True
    edges = np.flatnonzero(inside[a.heads] & inside[a.tails])
    return nodes, edges


def edge_relevance(g: TenantGraph, qvec: np.ndarray | None, cue: str, edges: np.ndarray | None = None) -> np.ndarray:
    """How much each edge's sentence and label bear on the question, 0..1: half the cosine of its
    sentence to the question, half the share of the question's cue words its label says. Only for
    ``edges`` when given (the others stay 0)."""
    m = len(g.edges)
    rel = np.zeros(m, dtype=np.float32)
    if m == 0:
        return rel
    a = arrays(g)
    ids = np.arange(m) if edges is None else edges
    if qvec is not None and g.sentence_vecs is not None and len(ids):
        rel[ids] = 0.5 * np.clip(g.sentence_vecs[a.edge_sentence[ids]] @ qvec, 0.0, 1.0)
    cues = cue_terms(cue)
    if cues:
        hits = [a.term_edges[t] for t in cues if t in a.term_edges]
        if hits:
            lex = np.bincount(np.concatenate(hits), minlength=m).astype(np.float32) / len(cues)
            rel[ids] += 0.5 * lex[ids]
    return rel


def personalized_pagerank(
    g: TenantGraph, seeds: Sequence[Seed], weights: np.ndarray, alpha: float = 0.25, iters: int = 25,
    edges: np.ndarray | None = None,
) -> np.ndarray:
    """PPR over the undirected graph (or the subgraph of ``edges``), edge ``e`` weighted ``weights[e]``,
    restarting at the seeds (by their link weight) with probability ``alpha``. Value nodes absorb:
    they pass nothing on."""
    n = len(g.nodes)
    if n == 0 or not seeds:
        return np.zeros(n, dtype=np.float32)
    a = arrays(g)
    if edges is None:
        edges = np.arange(len(g.edges))
    src = np.concatenate([a.heads[edges], a.tails[edges]])
    dst = np.concatenate([a.tails[edges], a.heads[edges]])
    w = np.concatenate([weights[edges], weights[edges]]).astype(np.float64) + 1e-3
    w[a.is_value[src]] = 0.0
    out_sum = np.bincount(src, weights=w, minlength=n)
    norm_w = w / np.maximum(out_sum[src], 1e-12)
    p0 = np.zeros(n)
    for s in seeds:
        p0[s.node] += max(s.weight, 1e-3)
    p0 /= p0.sum()
    p = p0.copy()
    for _ in range(iters):
        p = alpha * p0 + (1 - alpha) * np.bincount(dst, weights=p[src] * norm_w, minlength=n)
    return p.astype(np.float32)


# ------------------------------------------------------------------ paths


@dataclass
class _Path:
    nodes: list[int]
    edges: list[int]
    score: float
    rel_sum: float = 0.0
    covered: frozenset[str] = frozenset()
    against: float = 0.0
    idle: int = 0  # hops after the first that say none of the question's words


def paths_from(
    g: TenantGraph, start: int, rel: np.ndarray, cfg: ReasonConfig, cue_terms: set[str], max_hops: int | None = None
) -> dict[int, _Path]:
    """Best path (by score) from ``start`` to every node within ``max_hops``, keeping the ``beam`` best
    partial paths per length. A path scores the mean relevance of its hops, plus ``cover_weight`` times
    the share of the question's cue words its labels say, minus ``hop_cost`` per hop after the first and
    ``against_cost`` per directed hop walked backwards that the question asks about ("X reports to Y"
    walked from Y, asked for X's superior). Dates and numbers end paths."""
    hops = max_hops or cfg.max_hops
    a = arrays(g)
    cues = frozenset(cue_terms)
    n_cues = len(cues) or 1
    best: dict[int, _Path] = {}
    frontier = [_Path([start], [], 0.0)]
    for depth in range(1, hops + 1):
        nxt: list[_Path] = []
        for p in frontier:
            v = p.nodes[-1]
            if depth > 1 and a.is_value[v]:
                continue
            for eid, u in a.other[v]:
                if u in p.nodes:
                    continue
                hit = cues & a.bags[eid] if cues else frozenset()
                against = p.against + (cfg.against_cost if a.directed[eid] and v == a.tails[eid] and hit else 0.0)
                covered = p.covered | hit if hit else p.covered
                idle = p.idle + (1 if depth > 1 and cues and not (hit - p.covered) else 0)
                rel_sum = p.rel_sum + float(rel[eid])
                score = (rel_sum / depth + cfg.cover_weight * len(covered) / n_cues - cfg.hop_cost * (depth - 1)
                         - against - cfg.idle_cost * idle)
                np_ = _Path(p.nodes + [u], p.edges + [eid], score, rel_sum, covered, against, idle)
                nxt.append(np_)
                if u not in best or best[u].score < score:
                    best[u] = np_
        nxt.sort(key=lambda p: -p.score)
        frontier = nxt[: cfg.beam]
        if not frontier:
            break
    return best


_DIRECTED = {"reports to", "located in", "headquartered in"}


# ------------------------------------------------------------------ fitting what is asked

_EN_HEAD_ALIASES = {
    "city": ("place",), "town": ("place",), "office": ("office", "办公室"), "datacenter": ("datacenter", "机房", "数据中心"),
    "warehouse": ("warehouse", "仓库"), "team": ("team", "团队", "部"), "host": ("host", "主机", "db-", "server"),
    "client": ("client", "客户", "customer"), "supplier": ("supplier", "供应"), "company": ("org",),
    "district": ("区", "district"), "department": ("department", "部"), "person": ("person",),
    "cluster": ("cluster", "集群", "k8s"), "database": ("database", "数据库", "-db"),
    "project": ("project", "项目"), "contract": ("contract", "合同", "ht-"), "vendor": ("vendor", "外包", "供应"),
    "certificate": ("certificate", "证书", "iso"), "manager": ("person",), "lead": ("person",),
}
_ZH_HEAD_ALIASES = {
    "城市": ("place",), "办公室": ("办公室", "office"), "机房": ("机房", "datacenter", "数据中心"), "仓库": ("仓库", "warehouse"),
    "团队": ("团队", "team"), "主机": ("主机", "host", "db-"), "客户": ("客户", "client"), "公司": ("org",),
    "物流公司": ("org", "物流"), "区": ("区", "district"), "部门": ("部", "department"), "集群": ("集群", "cluster", "k8s"),
    "数据库": ("数据库", "database", "-db"), "项目": ("项目", "project"), "合同": ("合同", "contract"),
    "供应商": ("supplier", "供应"), "上级": ("person",), "负责人": ("person",), "城": ("place",),
}
_TYPE_WORDS = {"place", "person", "org", "date", "number", "code", "thing"}


def _asks_city(q: Question) -> bool:
    # "where is X based?" wants the city too, not the province or the street
    return bool(re.search(r"\bcity\b|\btown\b|\bwhere\b|城市|哪个市|哪座城|哪里|在哪", q.text, re.IGNORECASE))


def _cityness(names: list[str]) -> float:
    """Asked for a city: a city a little up, a province, district or street a little down."""
    for n in names:
        if n.endswith("市") or n in lx.ZH_CITIES or name_key(n) in _en_city_keys():
            return 0.1
    if any(n.endswith(("省", "区", "路", "街", "县")) or n in lx.ZH_PROVINCES for n in names):
        return -0.1
    return 0.0


def _en_city_keys() -> frozenset[str]:
    from .extract import _en_cities

    return _en_cities()


def fit(g: TenantGraph, q: Question, node: int, last_edge: int | None) -> float:
    """+ when the node is the kind of thing asked for, − when it clearly is not, 0 when unknown."""
    nd = g.nodes[node]
    score = 0.0
    wanted: set[str] = set()
    words: list[str] = []
    table = _ZH_HEAD_ALIASES if q.lang == "zh" else _EN_HEAD_ALIASES
    for h in q.heads:
        if q.lang == "zh":  # "物流公司运营" -> the longest known head inside it
            h = next((k for k in sorted(table, key=len, reverse=True) if k in h), h[:2])
        for item in table.get(h, (h,)):
            if item in _TYPE_WORDS:
                wanted.add(item)
            else:
                words.append(item)
    if q.target:
        wanted.add(q.target)
    names = " ".join(nd.names).lower()
    context = ""
    if last_edge is not None and g.edges[last_edge].tail == node:
        # a label names what its tail is ("Primary host: lm-app-07"), not its head
        e = g.edges[last_edge]
        context = f"{e.label} {e.relation}".lower()
    if words and any(w.lower() in names or w.lower() in context for w in words):
        score += 0.35
    if wanted:
        if nd.type in wanted or ("place" in wanted and nd.type == "place"):
            score += 0.3
            if nd.type == "place" and _asks_city(q):
                score += _cityness(nd.names)
        elif nd.type == "thing" and not words:
            score -= 0.1
        elif "person" in wanted and nd.type == "org":
            pass  # "由谁运营" / "who operates": a company answers "who" too
        elif nd.type in ("date", "number", "person", "place", "org", "code") and not (words and score > 0):
            score -= 0.35
    elif nd.is_value and not q.target:
        score -= 0.2
    return score


# ------------------------------------------------------------------ answering


def _hop(g: TenantGraph, eid: int) -> Hop:
    e = g.edges[eid]
    s = g.sentences[e.sentence]
    return Hop(head=g.nodes[e.head].name, relation=e.relation, label=e.label, tail=g.nodes[e.tail].name,
               source=s.source, chunk_id=s.chunk_id, citation=s.citation, evidence=s.text)


def display_name(g: TenantGraph, node: int, lang: str) -> str:
    nd = g.nodes[node]
    main = nd.name_in(lang)
    other = nd.name_in("en" if lang == "zh" else "zh")
    if other != main and is_cjk(other) != is_cjk(main):
        return f"{main}（{other}）" if lang == "zh" else f"{main} ({other})"
    return main


class Reasoner:
    """Answers questions over one tenant's graph (see the module docstring)."""

    def __init__(self, graph: TenantGraph, encoder: Encoder | None = None, cfg: ReasonConfig | None = None) -> None:
        self.g = graph
        self.encoder = encoder
        self.cfg = cfg or ReasonConfig()

    def answer(self, question: str) -> GraphAnswer | None:
        g, cfg = self.g, self.cfg
        if not g.nodes or not g.edges:
            return None
        q = analyze(question)
        qvec = self.encoder.encode([question])[0] if self.encoder is not None else None
        seeds = link(g, question, qvec, self.encoder, cfg)
        if not seeds:
            return None
        cue = _cue_text(question, seeds)
        cues = cue_terms(cue)
        _, near = ball(g, seeds, cfg.max_hops + 1)
        rel = edge_relevance(g, qvec, cue, near)
        ppr = personalized_pagerank(g, seeds, rel, cfg.ppr_alpha, edges=near)
        ppr_n = ppr / ppr.max() if ppr.size and ppr.max() > 0 else ppr
        prior = ppr_n * cfg.ppr_weight
        if cfg.gnn_weight and g.gnn is not None:
            prior = prior + cfg.gnn_weight * _gnn_scores(g, seeds)
        seed_ids = [s.node for s in seeds]
        mentioned = set(seed_ids)
        if q.shape in ("comparison", "same", "intersection", "filter") and len(seeds) >= 2:
            branches = {s.node: paths_from(g, s.node, rel, cfg, cues) for s in seeds}
            if q.shape == "filter":
                out = self._filter(q, seeds, branches)
            elif q.shape == "intersection":
                out = self._intersection(q, seeds, branches, prior, mentioned)
            elif q.shape == "same":
                out = self._same(q, seeds, branches, prior, mentioned)
            else:
                out = self._comparison(q, seeds, branches, prior)
            if out is not None:
                out.seeds = [g.nodes[s].name for s in seed_ids]
                return out
        best: tuple[float, int, _Path] | None = None
        for s in seeds:
            for node, path in paths_from(g, s.node, rel, cfg, cues).items():
                if node in mentioned:
                    continue
                score = s.weight * (path.score + fit(g, q, node, path.edges[-1]) + float(prior[node]))
                if best is None or score > best[0]:
                    best = (score, node, path)
        if best is None or best[0] < cfg.min_score:
            return None
        score, node, path = best
        name = display_name(g, node, q.lang)
        hops = [_hop(g, e) for e in path.edges]
        return GraphAnswer(answer=name, text=_compose(q, name, hops), shape="bridge" if len(hops) > 1 else "single_hop",
                           path=hops, score=score, seeds=[g.nodes[s].name for s in seed_ids])

    # --- shapes

    def _pick(self, q: Question, paths: dict[int, _Path], prior: np.ndarray, exclude: set[int],
              types: set[str] | None = None) -> tuple[float, int, _Path] | None:
        best = None
        for node, path in paths.items():
            if node in exclude or (types is not None and self.g.nodes[node].type not in types):
                continue
            score = path.score + fit(self.g, q, node, path.edges[-1]) + float(prior[node])
            if best is None or score > best[0]:
                best = (score, node, path)
        return best

    def _intersection(self, q: Question, seeds: list[Seed], branches: dict[int, dict[int, _Path]], prior: np.ndarray,
                      mentioned: set[int]) -> GraphAnswer | None:
        a, b = seeds[0].node, seeds[1].node
        pa, pb = branches[a], branches[b]
        best = None
        for node in set(pa) & set(pb):
            if node in mentioned:
                continue
            score = (pa[node].score + pb[node].score) / 2 + fit(self.g, q, node, pa[node].edges[-1]) + float(prior[node])
            if best is None or score > best[0]:
                best = (score, node)
        if best is None or best[0] < self.cfg.min_score:
            return None
        score, node = best
        name = display_name(self.g, node, q.lang)
        hops = [_hop(self.g, e) for e in pa[node].edges + pb[node].edges]
        return GraphAnswer(answer=name, text=_compose(q, name, hops), shape="intersection", path=hops, score=score)

    def _same(self, q: Question, seeds: list[Seed], branches: dict[int, dict[int, _Path]], prior: np.ndarray,
              mentioned: set[int]) -> GraphAnswer | None:
        picks = []
        for s in seeds[:2]:
            p = self._pick(q, branches[s.node], prior, mentioned)
            if p is None:
                return None
            picks.append(p)
        (s1, n1, p1), (s2, n2, p2) = picks
        same = n1 == n2
        hops = [_hop(self.g, e) for e in p1.edges + p2.edges]
        v1, v2 = display_name(self.g, n1, q.lang), display_name(self.g, n2, q.lang)
        x, y = (display_name(self.g, s.node, q.lang) for s in seeds[:2])
        if q.lang == "zh":
            head = f"是的，{x}和{y}都是{v1}。" if same else f"不是，{x}是{v1}，{y}是{v2}。"
        else:
            head = f"Yes, {x} and {y} both lead to {v1}." if same else f"No: {x} — {v1}; {y} — {v2}."
        return GraphAnswer(answer="yes" if same else "no", text=_compose(q, head, hops, conclusion=True),
                           shape="comparison", path=hops, score=(s1 + s2) / 2)

    def _filter(self, q: Question, seeds: list[Seed], branches: dict[int, dict[int, _Path]]) -> GraphAnswer | None:
        """"A 和 B，哪位机长的上级常驻西岭基地？" / "Which of A or B reports to C?": the two coordinated seeds
        are the candidates, the other seeds the condition; the candidate whose best path reaches a
        condition node wins (the better path if both do); nothing when neither does."""
        pair = _coordinated(q.text, seeds)
        if pair is None:
            return None
        conditions = [s.node for s in seeds if s not in pair]
        reached = []
        for cand in pair:
            best = max(((branches[cand.node][c].score, c) for c in conditions if c in branches[cand.node]), default=None)
            if best is not None:
                reached.append((best[0], cand, best[1]))
        if not reached:
            return None
        score, win, cond = max(reached, key=lambda r: r[0])
        lose = next(s for s in pair if s is not win)
        wname, lname = display_name(self.g, win.node, q.lang), display_name(self.g, lose.node, q.lang)
        cname = display_name(self.g, cond, q.lang)
        if q.lang == "zh":
            head = f"{wname}（经推理路径连到{cname}；{lname}没有更好的路径）。"
        else:
            head = f"{wname} (its path leads to {cname}; {lname}'s does not, or less directly)."
        hops = [_hop(self.g, e) for e in branches[win.node][cond].edges]
        return GraphAnswer(answer=wname, text=_compose(q, head, hops, conclusion=True), shape="comparison",
                           path=hops, score=score)

    def _comparison(self, q: Question, seeds: list[Seed], branches: dict[int, dict[int, _Path]],
                    prior: np.ndarray) -> GraphAnswer | None:
        types = {q.attribute or "number"}
        results = []
        for s in seeds[:2]:
            p = self._pick(q, branches[s.node], prior, {x.node for x in seeds}, types)
            if p is None:
                return None
            value = parse_value(self.g.nodes[p[1]].name, p[1] and self.g.nodes[p[1]].type)
            if value is None:
                return None
            results.append((s, p, value))
        (sa, pa, va), (sb, pb, vb) = results
        if va == vb:
            return None
        a_wins = (va > vb) if q.direction == "max" else (va < vb)
        win, lose = (results[0], results[1]) if a_wins else (results[1], results[0])

        def owner(r: tuple[Seed, tuple[float, int, _Path], Any]) -> int:
            path = r[1][2]
            return path.nodes[-2] if len(path.nodes) >= 2 else r[0].node

        wname = display_name(self.g, owner(win), q.lang)
        lname = display_name(self.g, owner(lose), q.lang)
        wval, lval = self.g.nodes[win[1][1]].name, self.g.nodes[lose[1][1]].name
        if q.lang == "zh":
            head = f"{wname}（{wval}），对比 {lname}（{lval}）。"
        else:
            head = f"{wname} ({wval}), compared with {lname} ({lval})."
        hops = [_hop(self.g, e) for e in win[1][2].edges + lose[1][2].edges]
        return GraphAnswer(answer=wname, text=_compose(q, head, hops, conclusion=True), shape="comparison",
                           path=hops, score=(pa[0] + pb[0]) / 2)


_COORDINATOR = re.compile(r"^(?:'s|’s|的)?\s*(?:和|与|跟|及|还是|或者|或|、|,|，|and|or)\s*$", re.IGNORECASE)


def _coordinated(text: str, seeds: Sequence[Seed]) -> tuple[Seed, Seed] | None:
    """Two seeds named side by side with "and"/"or"/和/还是 between them, the first such pair."""
    ordered = sorted((s for s in seeds if s.start >= 0), key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.end <= b.start and _COORDINATOR.match(text[a.end : b.start]):
            return a, b
    return None


def _gnn_scores(g: TenantGraph, seeds: Sequence[Seed]) -> np.ndarray:
    z = g.gnn
    assert z is not None
    centre = np.zeros(z.shape[1], dtype=np.float32)
    for s in seeds:
        centre += s.weight * z[s.node]
    norm = np.linalg.norm(centre)
    if norm == 0:
        return np.zeros(len(g.nodes), dtype=np.float32)
    sims = z @ (centre / norm)
    return np.clip(sims, 0.0, 1.0).astype(np.float32)


_ZH_NUM_UNITS = {"万": 1e4, "亿": 1e8, "千": 1e3, "million": 1e6, "billion": 1e9, "thousand": 1e3}


def parse_value(text: str, typ: str | None) -> tuple[float, ...] | None:
    """A date as (year, month, day) or a number as (value,), comparable; None when unreadable."""
    t = text.strip()
    m = re.search(r"(\d{4})\s*[-/年.]\s*(\d{1,2})(?:\s*[-/月.]\s*(\d{1,2}))?", t)
    if m:
        return (float(m.group(1)), float(m.group(2)), float(m.group(3) or 0))
    m = re.fullmatch(r"\D*((?:19|20)\d{2})\D*", t)
    if m and typ == "date":
        return (float(m.group(1)), 0.0, 0.0)
    m = re.search(r"\d[\d,]*(?:\.\d+)?", t)
    if not m:
        return None
    value = float(m.group(0).replace(",", ""))
    for unit, factor in _ZH_NUM_UNITS.items():
        if unit in t[m.end() :].lower():
            value *= factor
            break
    if typ == "date":
        return (value, 0.0, 0.0)
    return (value,)


def _compose(q: Question, head: str, hops: Sequence[Hop], *, conclusion: bool = False) -> str:
    """The answer text: the conclusion (``head``: a name, or with ``conclusion`` a whole sentence), the
    chain with a numbered citation per hop, then each cited sentence verbatim with its document."""
    first = head if conclusion else (f"{head}。" if q.lang == "zh" else f"{head}.")
    refs: dict[tuple[str, str], int] = {}
    chain = []
    for h in hops:
        k = (h.chunk_id, h.evidence)
        if k not in refs:
            refs[k] = len(refs) + 1
        chain.append(f"{h.head} —{h.label}→ {h.tail} [{refs[k]}]")
    label = "推理路径" if q.lang == "zh" else "Reasoning path"
    lines = [first, "", f"{label}: " + "; ".join(chain)]
    for (_, evidence), n in refs.items():
        h = next(h for h in hops if h.evidence == evidence)
        lines.append(f"[{n}] {h.citation or h.source}: “{evidence}”")
    return "\n".join(lines)


