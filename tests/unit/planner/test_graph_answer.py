"""The planner answers with the knowledge graph when kb_search brings a graph answer: no model call, the
answer is the graph's (each hop cited), and the result carries the reasoning path."""

from __future__ import annotations

from autoglm.services.planner.advance import Publish, advance, apply_reply
from autoglm.services.planner.state import PlannerPolicy
from autoglm.shared.events import Intent, IntentType, ReasoningHop

from .test_advance import POLICY, T0, _dispatches, _ok, _state

HOP = {"head": "packaging film", "relation": "supplied by", "label": "Supplier", "tail": "Acme Films Co.",
       "source": "suppliers.md", "chunk_id": "c1", "citation": "Suppliers", "evidence": "Material: packaging film"}
GRAPH = {"answer": "Ningbo", "text": "Ningbo.\n\nReasoning path: packaging film —Supplier→ Acme Films Co. [1]",
         "shape": "bridge", "score": 1.2, "seeds": ["packaging film"],
         "reasoning_path": [HOP, {**HOP, "head": "Acme Films Co.", "relation": "located in", "tail": "Ningbo"}]}
QUESTION = "Which city is the supplier of our packaging film based in?"


def _until_search_reply(intent: Intent | None = None, policy: PlannerPolicy = POLICY, **output: object) -> list[object]:
    state = _state(intent or Intent(id="i1", type=IntentType.QUESTION_ANSWERING, tool="kb_search", text=QUESTION,
                                    entities={"query": QUESTION}))
    [recall] = _dispatches(advance(state, policy, T0))
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    for sent in _dispatches(advance(state, policy, T0)):  # memory embeds the question itself
        if sent.step.name == "kb_search":
            apply_reply(state, _ok(sent.step.id, **output), T0)
        else:  # a general question's long-term memory search
            apply_reply(state, _ok(sent.step.id, hits=[]), T0)
    return advance(state, policy, T0)


def test_a_graph_answer_is_the_answer_and_its_hops_the_reasoning_path() -> None:
    [publish] = _until_search_reply(passages=[{"text": "x", "source": "s.md", "citation": "S"}], graph=GRAPH)
    assert isinstance(publish, Publish)  # no generation was dispatched
    assert publish.result.answer == GRAPH["text"] and "Sources" not in publish.result.answer
    assert publish.result.reasoning_path == [ReasoningHop(**h) for h in GRAPH["reasoning_path"]]
    assert publish.result.answer_source == "extract"  # quoted facts, each hop cited


def test_without_a_graph_answer_the_extract_answers_and_the_model_only_rephrases() -> None:
    passage = {"text": "Refunds are accepted within 14 days.", "source": "r.md", "citation": "Refunds"}
    extract = {"text": "Refunds are accepted within 14 days.", "passage": 0}
    [publish] = _until_search_reply(passages=[passage], extract=extract)
    assert isinstance(publish, Publish) and publish.result.answer.startswith("Refunds are accepted within 14 days.")
    always = POLICY.model_copy(update={"kb_rephrase": "always"})
    [rephrase] = _dispatches(_until_search_reply(policy=always, passages=[passage], extract=extract))
    assert rephrase.payload.operation == "generate"


def test_a_general_question_takes_the_graph_answer_only_when_a_passage_passed_the_floor() -> None:
    general = Intent(id="i1", type=IntentType.QUESTION_ANSWERING, text=QUESTION)
    passage = {"text": "Acme Films Co. supplies packaging film.", "source": "s.md", "citation": "S"}
    [publish] = _until_search_reply(general, passages=[passage], extract={"text": passage["text"], "passage": 0},
                                    graph=GRAPH)
    assert isinstance(publish, Publish) and publish.result.answer == GRAPH["text"]
    [generate] = _dispatches(_until_search_reply(general, passages=[], graph=GRAPH, kb_chunks=5))
    assert generate.payload.operation == "generate"  # nothing passed the floor: the model answers
