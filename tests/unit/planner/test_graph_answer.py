"""The planner answers with the knowledge graph when kb_search brings a graph answer: no model call, the
answer is the graph's (each hop cited), and the result carries the reasoning path."""

from __future__ import annotations

from autoglm.services.planner.advance import Publish, advance, apply_reply
from autoglm.shared.events import Intent, IntentType, ReasoningHop

from .test_advance import POLICY, T0, _dispatches, _ok, _state

HOP = {"head": "packaging film", "relation": "supplied by", "label": "Supplier", "tail": "Acme Films Co.",
       "source": "suppliers.md", "chunk_id": "c1", "citation": "Suppliers", "evidence": "Material: packaging film"}
GRAPH = {"answer": "Ningbo", "text": "Ningbo.\n\nReasoning path: packaging film —Supplier→ Acme Films Co. [1]",
         "shape": "bridge", "score": 1.2, "seeds": ["packaging film"],
         "reasoning_path": [HOP, {**HOP, "head": "Acme Films Co.", "relation": "located in", "tail": "Ningbo"}]}
QUESTION = "Which city is the supplier of our packaging film based in?"


def _until_search_reply(**output: object) -> list[object]:
    state = _state(Intent(id="i1", type=IntentType.QUESTION_ANSWERING, tool="kb_search", text=QUESTION,
                          entities={"query": QUESTION}))
    [recall] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    [embed] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, _ok(embed.step.id, vectors=[[1.0, 0.0]]), T0)
    [search] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, _ok(search.step.id, **output), T0)
    return advance(state, POLICY, T0)


def test_a_graph_answer_is_the_answer_and_its_hops_the_reasoning_path() -> None:
    [publish] = _until_search_reply(passages=[{"text": "x", "source": "s.md", "citation": "S"}], graph=GRAPH)
    assert isinstance(publish, Publish)  # no generation was dispatched
    assert publish.result.answer == GRAPH["text"] and "Sources" not in publish.result.answer
    assert publish.result.reasoning_path == [ReasoningHop(**h) for h in GRAPH["reasoning_path"]]


def test_without_a_graph_answer_the_model_answers_from_the_passages() -> None:
    [generate] = _dispatches(_until_search_reply(passages=[{"text": "14 days", "source": "r.md"}]))
    assert generate.payload.operation == "generate"
