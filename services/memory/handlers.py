"""Memory subscriber: recall, store, remember/forget and search, always scoped by the event's tenant.

The tenant comes from the event envelope, never from a caller-supplied filter, and the
store scopes every read and write by it. Each operation is one model of
:class:`~autoglm.shared.events.MemoryRequested` (validated when the event is decoded) and one
function here; :data:`OPS` maps the one to the other.
"""

from __future__ import annotations

import asyncio
import base64
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from opentelemetry import trace

from autoglm.shared import telemetry
from autoglm.shared.events import (
    EventType,
    KbDelete,
    KbGraph,
    KbIngest,
    KbList,
    KbMissing,
    KbSearch,
    KbUpsert,
    MemoryForget,
    MemoryList,
    MemoryOperation,
    MemoryPrune,
    MemoryRecall,
    MemoryRemember,
    MemorySearch,
    MemoryStats,
    MemoryStoreTurn,
    MemoryStoreTurns,
    StepRequest,
)
from autoglm.shared.grounding import about_tenant, extract_answer, known_names, unanswered, unmatched_subject
from autoglm.shared.kafka.codec import Received
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.lexical import mostly_cjk, terms
from autoglm.shared.resources import Resource
from autoglm.shared.safety.content import REMOVED, default_filter
from autoglm.shared.spans import codes, mentions
from autoglm.shared.topics import MEMORY_REQUESTS

from .chunking import Chunk, UnsupportedDocument, chunk_document, load_document
from .graph import service as graph
from .store import KbIngestReport, MemoryItem, MemoryStore

Embed = Callable[[list[str]], list[list[float]]]
"""Texts -> their vectors in the store's space (the multilingual encoder; a fake in tests)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Whose request it is, from the event's envelope: every operation is scoped by ``tenant``."""

    tenant: str
    session_id: str
    task_id: str
    tracer: trace.Tracer
    embed: Embed


def recall(store: MemoryStore, at: Caller, req: MemoryRecall) -> dict[str, Any]:
    return {"turns": store.recall_session(tenant=at.tenant, session_id=at.session_id, limit=req.limit)}


def store_turn(store: MemoryStore, at: Caller, req: MemoryStoreTurn) -> dict[str, Any]:
    return _store_turn(store, at.embed, at.tenant, at.session_id, at.task_id, req.user, req.turn or {})


def store_turns(store: MemoryStore, at: Caller, req: MemoryStoreTurns) -> dict[str, Any]:
    """The turns of tasks that finished together (one tenant's). Each is stored on its own, in a span
    of its task's trace; one that fails doesn't stop the others, and the request then fails naming it
    (dead-lettered: a replay stores every turn again, idempotently)."""
    turns = req.turns or []
    failed: list[str] = []
    for write in turns:
        with at.tracer.start_as_current_span(
            "memory store_turn",
            context=telemetry.context_from_traceparent(write.traceparent),
            attributes={"db.system.name": "qdrant", "db.operation.name": "store_turn", telemetry.TASK_ID: write.task_id,
                        telemetry.SESSION_ID: write.session_id, telemetry.TENANT: at.tenant},
        ) as span:
            try:
                _store_turn(store, at.embed, at.tenant, write.session_id, write.task_id, write.user, write.turn)
            except Exception as exc:  # noqa: BLE001 - reported below, after the other turns
                failed.append(f"{write.task_id}: {type(exc).__name__}: {exc}")
                telemetry.mark_error(span, failed[-1])
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(turns)} turns not stored: {'; '.join(failed)}"[:1000])
    return {"stored": len(turns)}


def _vector(store: MemoryStore, at: Caller, vector: list[float] | None, text: str | None) -> list[float]:
    """The request's vector when it is one of the store's, else its text embedded here (a vector of another
    size is another encoder's: a layout-1 client; the text says the same in this store's space)."""
    if vector is not None and (len(vector) == store.config.vector_size or not (text and text.strip())):
        return vector
    if not text or not text.strip():
        raise ValueError("a query text (or a vector) is required")
    return at.embed([text])[0]


def search(store: MemoryStore, at: Caller, req: MemorySearch) -> dict[str, Any]:
    """Long-term memories about the query: only those above the relevance floors (memory config, or the
    request's ``min_similarity``) come back."""
    kinds = [req.kind] if req.kind else None
    cfg = store.config
    hits = store.search(
        tenant=at.tenant, vector=_vector(store, at, req.vector, req.query), limit=req.limit, user=req.user,
        kinds=kinds,
        min_similarity=cfg.recall_min_similarity if req.min_similarity is None else req.min_similarity,
        answer_min_similarity=cfg.answer_recall_min_similarity if req.min_similarity is None else req.min_similarity,
    )
    return {"hits": [h.to_dict() for h in hits]}


def remember(store: MemoryStore, at: Caller, req: MemoryRemember) -> dict[str, Any]:
    item = MemoryItem(
        text=req.text.strip(),
        vector=_vector(store, at, req.vector, req.text),
        kind=req.kind or "fact",
        user=req.user,
        session_id=at.session_id,
        importance=0.5 if req.importance is None else req.importance,
        confidence=0.5 if req.confidence is None else req.confidence,
        source=req.source or f"task:{at.task_id}",
    )
    written = store.remember_item(tenant=at.tenant, item=item)
    return {"memory_id": written.id, **written.to_dict()}


def forget(store: MemoryStore, at: Caller, req: MemoryForget) -> dict[str, Any]:
    return {"deleted": store.forget_memory(tenant=at.tenant, memory_id=req.memory_id, user=req.user)}


def memories(store: MemoryStore, at: Caller, req: MemoryList) -> dict[str, Any]:
    kinds = [req.kind] if req.kind else None
    return {"memories": store.list_memories(tenant=at.tenant, user=req.user, kinds=kinds, limit=req.limit)}


EXTRACT_PASSAGES = 12
EXTRACT_MARGIN = 0.15
"""The extract chooses its span from up to ``EXTRACT_PASSAGES`` passages scoring at least the relevance floor
less ``EXTRACT_MARGIN`` (the reply lists ``limit`` of those above the floor, plus the extract's own when it
is not among them). The floor still decides whether the knowledge base is about the question; the span that
states the asked value is not always in the passage whose words and meaning are closest to it (one row of a
long spec table scores low as a whole, beside release notes that repeat the product's name)."""


def kb_search(store: MemoryStore, at: Caller, req: KbSearch) -> dict[str, Any]:
    """Passages above the relevance floor, the extract (the span of them that answers, for the planner's
    grounded answer: shared/grounding.py) and the knowledge graph's multi-hop answer when it has one.
    ``kb_chunks`` says how large the tenant's knowledge base is: a tenant without one is answered at once,
    before anything is embedded, and the planner stops asking for a while (its general questions try the
    knowledge base first).

    The floor reads the extract too: when the span closest to the question holds no value of the kind it
    asks, leaves out the code it names, or the question names something the knowledge base never
    mentions (:func:`~autoglm.shared.grounding.unanswered`), no passage is returned and ``not_found`` says
    why, with ``on_topic`` when the question names the tenant's own things (then "not found" is the
    answer, not a model's guess)."""
    size = store.kb_size(tenant=at.tenant)
    if size == 0:
        return {"passages": [], "kb_chunks": 0}
    vector = _vector(store, at, req.vector, req.query)
    floor = store.config.kb_min_score
    wide = store.kb_search(tenant=at.tenant, vector=vector, top_k=max(req.limit, EXTRACT_PASSAGES), query=req.query,
                           min_score=floor - EXTRACT_MARGIN if req.query else None)
    passages = [p for p in wide if p.score >= floor][: req.limit]
    asked = codes(req.query or "")
    if not passages and asked:
        # a passage naming every code the question names (E102, db-prod-10) is about it, whatever its score
        passages = [p for p in wide if all(mentions(f"{p.heading}\n{p.text}", c) for c in asked)][: req.limit]
    out: dict[str, Any] = {"passages": [p.to_dict() for p in passages], "kb_chunks": size}
    rescued = None
    if not passages and wide and req.query:
        rescued = _span_answer(store, at, req.query, wide)
        if rescued is not None:
            passages = [wide[rescued.passage]]
            out["passages"] = [passages[0].to_dict()]
    if not passages:
        if req.query:
            # Nothing passed the floor, yet the question names the tenant's own things ("Does Tidepool sign
            # a HIPAA agreement?"): the documents don't say, and "not found" is the answer, not a model's guess.
            df, n = store.kb_terms(tenant=at.tenant)
            named = known_names(req.query, df)
            if named or about_tenant(req.query, df, n):
                what = f"the question names {', '.join(named)}" if named else "the question asks about the tenant's own things"
                out["not_found"] = {"reason": f"no passage about it passed the relevance floor ({what})",
                                    "on_topic": True, **({"closest": wide[0].citation} if wide else {})}
        wide = []
    if wide and req.query:
        df, n = store.kb_terms(tenant=at.tenant)
        # A sentence planted in a document to instruct the assistant is never the answer (issue 20).
        texts = [default_filter().strip_instructions(p.text).text.replace(REMOVED, " ") for p in wide]
        ex = rescued if rescued is not None else extract_answer(
            req.query, texts, headings=[p.heading for p in wide], titles=[p.title for p in wide],
            passage_scores=[p.score for p in wide], encoder=_Encoder(at.embed), df=df, n_docs=n,
            **_bridges(store, at, req.query))
        if ex is not None:
            why = unanswered(req.query, ex, df=df, n_docs=n)
            # (a question naming one of the tenant's things that the answer does not name is on its topic)
            other = None if why is not None else (_names_another(store, at, req.query, ex, df, n)
                                                  or unmatched_subject(req.query, ex, df=df, n_docs=n,
                                                                    things=store.kb_glossary(tenant=at.tenant).listed))
            if why is not None or other is not None:
                return {"passages": [], "kb_chunks": size, "not_found": {
                    "reason": why or other, "on_topic": other is not None or bool(known_names(req.query, df))
                    or about_tenant(req.query, df, n),
                    "closest": wide[ex.passage].citation}}
            cited = wide[ex.passage]
            listed = [p.chunk_id for p in passages]
            if cited.chunk_id not in listed:
                out["passages"].append(cited.to_dict())
                listed.append(cited.chunk_id)
            ex.passage = listed.index(cited.chunk_id)
            out["extract"] = {**ex.to_dict(), "citation": cited.citation, "source": cited.source}
    if req.query:  # the graph's multi-hop answer, when it has one (the planner answers with it)
        found = graph.answer(store.graphs, store.graph_encoder, tenant=at.tenant, question=req.query)
        if found is not None:
            out["graph"] = found
    return out


SPAN_FLOOR = 0.5
SPAN_MIN_OVERLAP = 0.3
SPAN_MIN_CROSS_SIMILARITY = 0.38
"""A span that states the asked kind of value and scores at least ``SPAN_FLOOR`` (:func:`extract_answer`'s blend
of cosine, word overlap, value and qualifiers) answers although no whole passage passed the relevance floor: a
passage's vector is the mean of its sentences, so the one row or sentence that answers ("valuables are kept for
180 days", one row of a price table) is diluted by the rest of its section. It must also carry evidence of its
own beyond the blend: in the question's script, at least ``SPAN_MIN_OVERLAP`` of the question's weighted terms;
in the other script (where the overlap is only a flat credit), a cosine of at least
``SPAN_MIN_CROSS_SIMILARITY``. Set on the seen sets (answers3, kb_dev, kb_dev2: 5 of 8 rescues right without the
two evidence bars, the 3 wrong ones neighbouring values for questions the documents don't answer)."""


def _span_answer(store: MemoryStore, at: Caller, query: str, wide: list[Any]) -> Any:
    """The extract of passages just under the floor when one of their spans answers on its own (None when none
    does: a span of the asked kind of value, naming the question's codes, at :data:`SPAN_FLOOR`, that
    :func:`unanswered` does not reject)."""
    df, n = store.kb_terms(tenant=at.tenant)
    texts = [default_filter().strip_instructions(p.text).text.replace(REMOVED, " ") for p in wide]
    ex = extract_answer(query, texts, headings=[p.heading for p in wide], titles=[p.title for p in wide],
                        passage_scores=[p.score for p in wide], encoder=_Encoder(at.embed), df=df, n_docs=n,
                        **_bridges(store, at, query))
    if ex is None or ex.answers is not True or ex.score < SPAN_FLOOR or unanswered(query, ex, df=df, n_docs=n) \
            or _names_another(store, at, query, ex, df, n) or unmatched_subject(
                query, ex, df=df, n_docs=n, things=store.kb_glossary(tenant=at.tenant).listed):
        return None
    same_script = mostly_cjk(query) == mostly_cjk(ex.text)
    if ex.overlap < SPAN_MIN_OVERLAP if same_script else ex.similarity < SPAN_MIN_CROSS_SIMILARITY:
        return None
    return ex


def _bridges(store: MemoryStore, at: Caller, query: str) -> dict[str, Any]:
    """The tenant glossary's bridges for a question (names; other words by meaning), as extract_answer takes them."""
    gloss = store.kb_glossary(tenant=at.tenant, embed=at.embed)
    names = gloss.bridge(query)
    df, _ = store.kb_terms(tenant=at.tenant)
    return {"bridge": names, "meaning": gloss.by_meaning(query, at.embed, names, df)}


NAME_COMMON_SHARE = 0.5
"""A name held by at least this share of the tenant's chunks is the collection's own (the company's), no case."""


def _names_another(store: MemoryStore, at: Caller, query: str, ex: Any, df: dict[str, int], n: int) -> str | None:
    """Why the extract answers about another thing than the one asked (None when it does not): the question names
    a thing (the Gaoxin club, 五通码头) that other spans name and this one does not, and this one names another
    of the tenant's things in its place (the Jinjiang club): its value is the neighbour's."""
    if not ex.unnamed:
        return None
    gloss = store.kb_glossary(tenant=at.tenant, embed=at.embed)

    def rare(key: str) -> bool:
        return max((df.get(t, 0) for t in terms(key)), default=0) < NAME_COMMON_SHARE * max(1, n)

    wanted = [name for name, looked in ex.unnamed.items() if rare(" ".join(looked))]
    others = {k for k in gloss.names_in(ex.text) - gloss.names_in(query) if rare(k)}
    if wanted and others:
        return f"the closest passage names {', '.join(sorted(others))}, not {', '.join(sorted(wanted))}"
    return None


def kb_graph(store: MemoryStore, at: Caller, req: KbGraph) -> dict[str, Any]:
    out = store.kb_graph(tenant=at.tenant, entity=req.entity, fmt=req.graph_format, hops=req.limit)
    return {"dot": out} if req.graph_format == "dot" else {"graph": out}


class _Encoder:
    """The injected ``embed`` as the encoder shape :func:`extract_answer` takes."""

    def __init__(self, embed: Embed) -> None:
        self.embed = embed

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.embed(list(texts)), dtype=np.float32)


def kb_missing(store: MemoryStore, at: Caller, req: KbMissing) -> dict[str, Any]:
    return {"missing": store.kb_missing(tenant=at.tenant, source=req.source, chunks=_chunks(req.source, req.chunks))}


def kb_upsert(store: MemoryStore, at: Caller, req: KbUpsert) -> dict[str, Any]:
    chunks = _chunks(req.source, req.chunks)
    vectors = _vectors(req.vectors_b64 or [None] * len(chunks))
    if any(v is None for v in vectors):
        # chunks not stored yet and sent without a vector are embedded here
        missing = set(store.kb_missing(tenant=at.tenant, source=req.source, chunks=chunks))
        todo = [i for i, v in enumerate(vectors) if v is None and i in missing]
        for i, vec in zip(todo, at.embed([chunks[i].embed_text for i in todo]) if todo else [], strict=True):
            vectors[i] = vec
    return store.kb_upsert(tenant=at.tenant, source=req.source, chunks=chunks, vectors=vectors).to_dict()


def kb_ingest(store: MemoryStore, at: Caller, req: KbIngest) -> dict[str, Any]:
    """An uploaded file (the gateway's): loaded and chunked as ``autoglm kb ingest`` does, the chunks not
    stored yet embedded here. A file that can't be read changes nothing and comes back with ``error``."""
    source = req.source or req.filename
    with tempfile.TemporaryDirectory(prefix="autoglm-upload-") as folder:
        path = Path(folder) / (Path(req.filename).name or "upload")
        path.write_bytes(base64.b64decode(req.document_b64, validate=False))
        try:
            doc = load_document(path, source=source)
        except (UnsupportedDocument, OSError) as exc:
            return KbIngestReport(tenant=at.tenant, source=source, chunks=0, added=0, unchanged=0, removed=0,
                                  error=str(exc).replace(str(path), req.filename)).to_dict()
    cfg = store.config
    chunks = chunk_document(doc, max_chars=cfg.chunk_max_chars, overlap=cfg.chunk_overlap)
    if not chunks:
        return KbIngestReport(tenant=at.tenant, source=source, chunks=0, added=0, unchanged=0, removed=0,
                              error=f"{req.filename}: no text found").to_dict()
    missing = store.kb_missing(tenant=at.tenant, source=doc.source, chunks=chunks)
    vectors: list[list[float] | None] = [None] * len(chunks)
    for start in range(0, len(missing), 32):
        todo = missing[start:start + 32]
        for i, vec in zip(todo, at.embed([chunks[i].embed_text for i in todo]), strict=True):
            vectors[i] = vec
    return store.kb_upsert(tenant=at.tenant, source=doc.source, chunks=chunks, vectors=vectors).to_dict()


def kb_list(store: MemoryStore, at: Caller, req: KbList) -> dict[str, Any]:
    return {"documents": store.kb_list(tenant=at.tenant)}


def kb_delete(store: MemoryStore, at: Caller, req: KbDelete) -> dict[str, Any]:
    return {"deleted": store.kb_delete(tenant=at.tenant, source=req.source)}


def prune(store: MemoryStore, at: Caller, req: MemoryPrune) -> dict[str, Any]:
    return store.prune().to_dict()


def stats(store: MemoryStore, at: Caller, req: MemoryStats) -> dict[str, Any]:
    return store.stats()


OPS: dict[type[StepRequest], Callable[[MemoryStore, Caller, Any], dict[str, Any]]] = {
    MemoryRecall: recall,
    MemoryStoreTurn: store_turn,
    MemoryStoreTurns: store_turns,
    MemorySearch: search,
    MemoryRemember: remember,
    MemoryForget: forget,
    MemoryList: memories,
    KbSearch: kb_search,
    KbMissing: kb_missing,
    KbUpsert: kb_upsert,
    KbIngest: kb_ingest,
    KbList: kb_list,
    KbDelete: kb_delete,
    KbGraph: kb_graph,
    MemoryPrune: prune,
    MemoryStats: stats,
}
"""Operation model -> its handler: one entry per member of ``MemoryRequested``."""


def run(store: MemoryStore, at: Caller, req: StepRequest) -> dict[str, Any]:
    """Run one memory operation (synchronous: the service calls it on a worker thread)."""
    return OPS[type(req)](store, at, req)


def _vectors(encoded: list[str | None]) -> list[list[float] | None]:
    return [
        None if v is None else np.frombuffer(base64.b64decode(v), dtype="<f4").astype(float).tolist() for v in encoded
    ]


def _chunks(source: str, chunks: list[dict[str, Any]] | None) -> list[Chunk]:
    return [
        Chunk(text=str(c["text"]), source=source, heading=str(c.get("heading", "")),
              index=int(c.get("index", n)), title=str(c.get("title", "")))
        for n, c in enumerate(chunks or [])
    ]


def _store_turn(
    store: MemoryStore, embed: Embed, tenant: str, session_id: str, task_id: str, user: str | None,
    turn: dict[str, Any],
) -> dict[str, Any]:
    text = f"{turn.get('request', '')}\n{turn.get('answer', '')}"[:4000]
    # Long-term memory keeps only answers that deserve it: grounded ones (a knowledge-base extract, or a
    # rephrasing of it that passed the groundedness check). An unrated model answer is session context
    # for its own conversation, never a fact recalled into another one (README: Memory).
    keep = turn.get("status") == "completed" and bool(turn.get("grounded")) and turn.get("keep", True)
    vector = embed([text])[0] if keep else None
    point = store.store_turn(
        tenant=tenant,
        session_id=session_id,
        task_id=str(turn.get("task_id") or task_id),
        user=user,
        request=str(turn.get("request", "")),
        answer=str(turn.get("answer", "")),
        status=str(turn.get("status", "")),
        intents=list(turn.get("intents", [])),
        vector=vector,
    )
    out: dict[str, Any] = {"id": point}
    if vector is not None:
        # the same request answered again replaces it (identity: kind + user + text); never a trusted fact
        out["memory_id"] = store.remember(
            tenant=tenant,
            text=text,
            vector=vector,
            kind="answer",
            user=user,
            session_id=session_id,
            importance=0.3,
            confidence=0.6,
            source=f"task:{turn.get('task_id') or task_id}",
        )
    return out


def _quick(req: MemoryOperation) -> bool:
    """Operations that take a fraction of a millisecond (a session turn kept for its session only, a
    recall): run on the event loop when the store is free, saving the thread hand-off, which
    cost more than the write itself."""
    return (
        isinstance(req, MemoryRecall)
        or (isinstance(req, MemoryStoreTurn) and not (req.turn or {}).get("grounded"))
        or (isinstance(req, MemoryStoreTurns) and not any(t.turn.get("grounded") for t in req.turns or []))
    )


def register(rt: ServiceRuntime, store_ref: Resource[MemoryStore], embed: Embed) -> None:
    async def on_request(item: Received) -> None:
        ev = item.event
        req: MemoryOperation = ev.data.root  # MemoryRequested: one model per operation
        started = time.perf_counter()
        error: str | None = None
        output: dict[str, Any] = {}
        with rt.span(
            f"memory {req.operation}",
            **{"db.system.name": "qdrant", "db.operation.name": req.operation, telemetry.STEP_ID: req.step_id},
        ) as span:
            try:
                store = store_ref.get()
                call = partial(run, store, Caller(ev.tenant, ev.session_id, ev.task_id, rt.tracer, embed), req)
                ran, result = store.run_if_free(call) if _quick(req) else (False, None)
                output = result if ran and result is not None else await asyncio.to_thread(call)
            except Exception as exc:  # a failed memory operation is a failed step, not a dead service
                error = f"{type(exc).__name__}: {exc}"
                telemetry.mark_error(span, error)
        sent = await rt.reply(ev, req, ok=error is None, output=output, error=error, started=started)
        if not sent and error is not None:
            # Nobody waits for a fire-and-forget write: its failure is dead-lettered with the reason.
            raise RuntimeError(f"memory {req.operation} failed: {error}")

    rt.subscribe([MEMORY_REQUESTS], [EventType.MEMORY_REQUESTED], on_request, max_records=128, pipelined=32)
