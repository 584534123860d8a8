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


def test_a_one_hop_graph_answer_gives_way_to_the_extract() -> None:
    # One hop is one sentence's fact; the extract quotes the sentence that answers, so it stands (a one-hop graph
    # answer can name the right subject's fact of the wrong kind: the parking lot for "how much does it cost").
    lot = {**HOP, "head": "Staff", "relation": "park in lot", "label": "park in lot", "tail": "C"}
    one_hop = {"answer": "C", "text": "C.\n\nReasoning path: Staff —park in lot→ C [1]", "shape": "single",
               "score": 0.9, "seeds": ["Staff"], "reasoning_path": [lot]}
    passage = {"text": "Staff park in lot C. A staff parking permit costs USD 40 per month.", "source": "f.md",
               "citation": "Facilities"}
    extract = {"text": "A staff parking permit costs USD 40 per month.", "passage": 0}
    [publish] = _until_search_reply(passages=[passage], extract=extract, graph=one_hop)
    assert isinstance(publish, Publish) and publish.result.answer.startswith("A staff parking permit costs USD 40")
    assert publish.result.reasoning_path == []
    # with no extract to quote, the one-hop graph answer is still better than nothing
    [publish] = _until_search_reply(passages=[passage], graph=one_hop)
    assert isinstance(publish, Publish) and publish.result.answer == one_hop["text"]


def test_a_chain_gives_way_to_an_extract_that_states_the_asked_value() -> None:
    # "How much is the meal allowance?": the extract states an amount (the memory service says it answers);
    # a two-hop chain the graph found through unrelated facts does not override it.
    passage = {"text": "Each working day earns a meal allowance of 35 yuan.", "source": "b.md", "citation": "Benefits"}
    extract = {"text": passage["text"], "passage": 0, "asked": "money", "has_value": True, "answers": True}
    [publish] = _until_search_reply(passages=[passage], extract=extract, graph=GRAPH)
    assert isinstance(publish, Publish) and publish.result.answer.startswith("Each working day earns")
    assert publish.result.reasoning_path == [] and publish.result.answer_source == "extract"
    # an extract that can't tell (nothing particular asked) or doesn't answer leaves the chain standing
    for verdict in ({"answers": None}, {"answers": False, "has_value": False}):
        [publish] = _until_search_reply(passages=[passage], extract={**extract, **verdict}, graph=GRAPH)
        assert isinstance(publish, Publish) and publish.result.answer == GRAPH["text"]


def test_a_comparison_is_the_graphs_even_when_the_extract_answers() -> None:
    compare = {**GRAPH, "shape": "comparison"}
    passage = {"text": "Acme Films Co. has 120 staff.", "source": "s.md", "citation": "S"}
    extract = {"text": passage["text"], "passage": 0, "asked": "count", "has_value": True, "answers": True}
    [publish] = _until_search_reply(passages=[passage], extract=extract, graph=compare)
    assert isinstance(publish, Publish) and publish.result.answer == GRAPH["text"]


def test_not_found_in_the_knowledge_base_is_said_without_the_model_or_the_graph() -> None:
    not_found = {"reason": "the knowledge base never mentions ceo", "on_topic": True, "closest": "About us"}
    [publish] = _until_search_reply(passages=[], not_found=not_found, graph=GRAPH, kb_chunks=9)
    assert isinstance(publish, Publish) and "No matching passages" in publish.result.answer
    assert publish.result.answer_source == "template" and publish.result.reasoning_path == []
    # a general question about the tenant's own things: "not found", not a model's guess
    general = Intent(id="i1", type=IntentType.QUESTION_ANSWERING, text="Who is the CEO of Acme?")
    [publish] = _until_search_reply(general, passages=[], not_found=not_found, kb_chunks=9)
    assert isinstance(publish, Publish) and "No matching passages" in publish.result.answer
    assert publish.result.answer_source == "template"
    # a general question the documents are not about goes to the model as before
    off_topic = {**not_found, "on_topic": False}
    [generate] = _dispatches(_until_search_reply(general, passages=[], not_found=off_topic, kb_chunks=9))
    assert generate.payload.operation == "generate"


def test_an_extract_in_another_language_is_quoted_as_the_documents_words() -> None:
    passage = {"text": "每个出勤的工作日发放餐补 35 元。", "source": "b.md", "citation": "福利"}
    extract = {"text": passage["text"], "passage": 0}
    [publish] = _until_search_reply(passages=[passage], extract=extract)
    assert isinstance(publish, Publish)
    assert publish.result.answer.startswith("The knowledge base says (in Chinese): “每个出勤的工作日发放餐补 35 元。”")


def test_other_documents_stating_the_extracts_identifier_are_cited_too() -> None:
    row = {"text": "| `bk-02` | 10.1.1.2 | primary backup host |", "source": "hosts.md", "citation": "Host inventory"}
    standard = {"text": "Backups are written to the primary backup host `bk-02` in Shanghai.", "source": "backup.md",
                "citation": "Backup standard"}
    other = {"text": "The old host `bk-01` was retired.", "source": "old.md", "citation": "Retired hosts"}
    extract = {"text": "host: bk-02; IP: 10.1.1.2; role: primary backup host", "passage": 0}
    [publish] = _until_search_reply(passages=[row, standard, other], extract=extract)
    assert isinstance(publish, Publish)
    answer = publish.result.answer
    assert "[1] Host inventory" in answer and "[2] Backup standard" in answer and "Retired hosts" not in answer
