"""A tenant's labelled examples: the event, the follower's bookkeeping, recall, and clarifying-question replies."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from autoglm.services.parser.bank import ExampleBank
from autoglm.services.parser.dialogue import chosen_option, continue_after_question
from autoglm.services.parser.examples import ExampleFollower, example_event, example_id, learn, record_key
from autoglm.services.parser.pipeline import clarify_options
from autoglm.services.parser.understanding import ExampleFallback, Understander
from tests.unit.parser.test_bank import SEED, CharGrams

WED = datetime.fromisoformat("2026-11-25T10:00:00+08:00")
SAT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")
BOOK = {"language": "en", "intents": [{"type": "unsupported", "tool": None, "entities": {}, "depends_on": []}],
        "clarification": None}


@pytest.fixture
def understander() -> Understander:
    return Understander(ExampleFallback(ExampleBank(SEED, encoder=CharGrams(), k=3).load()))


def test_the_same_request_gets_the_same_id() -> None:
    assert example_id("Book the  Usual table!") == example_id("book the usual table!")
    assert example_id("book the usual table") != example_id("book another table")
    assert record_key("acme", "ab12") == b"acme:ab12"


def test_an_example_event_is_validated() -> None:
    ev = example_event("acme", "Find me the quarterly numbers", BOOK, source="cli", now=WED)
    assert ev.tenant == "acme" and ev.data.intents[0].type.value == "unsupported"
    with pytest.raises(ValidationError):
        example_event("acme", "x", {"intents": [{"type": "booking"}]})
    with pytest.raises(ValidationError):
        example_event("bad tenant!", "x", BOOK)


def test_a_labelled_request_comes_back_for_its_tenant_only(understander: Understander) -> None:
    bank = understander.bank
    assert bank is not None
    text = "Pencil in the quarterly offsite with the whole team"
    assert understander.parse(text, now=WED, tenant="acme").intents[0].type.value != "unsupported"
    learn(bank, "acme", example_event("acme", text, BOOK, now=WED).data)
    got = understander.parse("pencil in the quarterly offsite with the whole team.", now=WED, tenant="acme")
    assert [(i.type.value, i.source, i.confidence) for i in got.intents] == [("unsupported", "example", 1.0)]
    other = understander.parse(text, now=WED, tenant="globex")
    assert other.intents[0].source == "rule" and other.intents[0].type.value != "unsupported"


def test_a_recalled_relative_date_is_resolved_again() -> None:
    bank = ExampleBank(SEED, encoder=CharGrams(), k=3).load()
    u = Understander(ExampleFallback(bank))
    graph = {"language": "en", "clarification": None, "intents": [
        {"type": "lookup", "tool": "weather", "entities": {"city": "Springfield", "date": "2026-11-26"}, "depends_on": []}]}
    learn(bank, "acme", example_event("acme", "springfield outlook tomorrow", graph, now=WED, timezone="Asia/Shanghai").data)
    got = u.parse("Springfield outlook tomorrow", now=SAT, tz="Asia/Shanghai", tenant="acme")
    assert got.intents[0].entities == {"city": "Springfield", "date": "2026-11-29"}  # tomorrow of Saturday


def test_a_different_number_is_a_different_request(understander: Understander) -> None:
    bank = understander.bank
    assert bank is not None
    graph = {"language": "en", "clarification": None, "intents": [
        {"type": "lookup", "tool": "sql_query", "entities": {"order_id": "4411"}, "depends_on": []}]}
    learn(bank, "acme", example_event("acme", "wheres parcel 4411 at", graph, now=WED).data)
    assert bank.recall("acme", "wheres parcel 4411 at?") is not None
    assert bank.recall("acme", "wheres parcel 4412 at") is None


def test_recall_encodes_nothing_when_no_labelled_request_has_the_same_numbers() -> None:
    calls: list[list[str]] = []
    grams = CharGrams()

    def counting(texts: list[str]) -> object:
        calls.append(list(texts))
        return grams(texts)

    bank = ExampleBank(SEED, encoder=counting, k=3).load()
    graph = {"language": "en", "clarification": None, "intents": [
        {"type": "lookup", "tool": "sql_query", "entities": {"order_id": "5120"}, "depends_on": []}]}
    learn(bank, "acme", example_event("acme", "where has parcel 5120 got to", graph, now=WED).data)
    calls.clear()
    assert bank.recall("acme", "where has parcel 7730 got to") is None
    assert bank.recall("acme", "tell me a story about a fox") is None
    assert calls == []  # the parse path's per-request encoder call is skipped: no near-copy can match
    assert bank.recall("acme", "where has my parcel 5120 got to?") is not None
    assert calls


def test_the_follower_keeps_keys_and_tenants_straight() -> None:
    bank = ExampleBank(SEED, encoder=CharGrams(), k=3).load()
    follower = ExampleFollower.__new__(ExampleFollower)  # bookkeeping only: no consumer
    follower.bank, follower.applied, follower.rejected = bank, 0, 0
    ev = example_event("acme", "Pencil in the offsite", BOOK)
    value = ev.model_dump_json().encode()
    follower._apply_one(record_key("acme", ev.data.example_id), value)
    assert bank.tenants() == {"acme": 1}
    # a record whose key names another tenant (or another id) than its event is not applied anywhere
    follower._apply_one(record_key("globex", ev.data.example_id), value)
    follower._apply_one(record_key("acme", "0000000000000000"), value)
    follower._apply_one(b"no-separator", value)
    follower._apply_one(record_key("acme", "x"), b"{not json")
    assert bank.tenants() == {"acme": 1} and follower.rejected == 4
    follower._apply_one(record_key("acme", ev.data.example_id), None)  # tombstone
    assert bank.tenants() == {} and not bank.has_tenant_examples("acme")


@pytest.mark.parametrize(
    ("reply", "label"),
    [("第二个", ("lookup", "datetime")), ("查天气", ("lookup", "weather")), ("the first one", ("lookup", "weather")),
     ("时间", ("lookup", "datetime")), ("随便", None)],
)
def test_a_reply_picks_one_of_the_named_tasks(reply: str, label: tuple[str, str | None] | None) -> None:
    question = clarify_options([("lookup", "weather"), ("lookup", "datetime")], "zh")
    assert "天气" in question and "时间" in question
    assert chosen_option(question, reply) == label


def test_the_pending_request_continues_with_the_picked_task() -> None:
    class Unsure:
        def classify(self, clause: str, language: str) -> object:
            from autoglm.services.parser.classify import Classification

            return Classification("lookup", "weather", options=(("lookup", "weather"), ("lookup", "datetime")))

    pending = "伦敦那边现在咋样"
    from autoglm.services.parser.pipeline import parse_request

    asked = parse_request(pending, now=WED, fallback=Unsure())
    assert asked.clarification and not asked.intents
    got = continue_after_question(pending, "第二个", now=WED, fallback=Unsure())
    assert [(i.tool, i.entities.get("city")) for i in got.intents] == [("datetime", "伦敦")]
    assert got.clarification is None


async def test_the_follower_does_not_hold_up_a_start_without_a_broker() -> None:
    """A broker that is not there yet (restarting) does not fail the parser's start: the follower keeps trying."""
    bank = ExampleBank(SEED, encoder=CharGrams(), k=3).load()
    follower = ExampleFollower(bank, "127.0.0.1:1", "autoglm.parser.examples")
    await follower.start(timeout_s=1.0)
    assert follower._task is not None and not follower._task.done()
    await follower.stop()
    assert follower._task.cancelled()


def test_a_parse_embeds_its_clauses_in_one_encoder_call() -> None:
    grams = CharGrams()
    bank = ExampleBank(SEED, encoder=grams, k=3).load()
    learn(bank, "acme", example_event("acme", "pencil in the offsite with the team", BOOK, now=WED).data)
    u = Understander(ExampleFallback(bank))
    before = grams.calls
    graph = u.parse("check the weather in Oslo tomorrow, work out 12 times 9, and write a haiku about ferries",
                    now=WED, tenant="acme")
    assert len(graph.intents) == 3
    assert grams.calls - before == 1  # three clauses reviewed against the tenant's correction: one batch
    before = grams.calls
    u.parse("check the weather in Oslo tomorrow, work out 12 times 9, and write a haiku about ferries",
            now=WED, tenant="acme")
    assert grams.calls == before  # cached


def test_without_corrections_of_its_own_a_tenant_embeds_only_the_unsure_clauses() -> None:
    grams = CharGrams()
    bank = ExampleBank(SEED, encoder=grams, k=3).load()
    fallback = ExampleFallback(bank, "globex")
    before = grams.calls
    fallback.prefetch([], ["check the weather in Oslo tomorrow", "work out 12 times 9"])
    assert grams.calls == before
    fallback.prefetch(["blorp the quux", "frobnicate the widgets"], ["check the weather in Oslo tomorrow"])
    assert grams.calls == before + 1 and bank.vector("frobnicate the widgets") is not None and grams.calls == before + 1
