"""Knowledge-base ingestion, search with citations, and the `kb` / `memory` CLI commands, with a fake
bag-of-words embedder in place of the inference service."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from autoglm.services.memory import cli
from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.kb import format_citations, ingest_paths, search_kb
from autoglm.services.memory.store import MemoryStore

DIM = 64


class FakeEmbedder:
    """Hashed bag of words: texts sharing words get close vectors. Counts what it embeds."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    async def embed(self, texts: list[str]) -> list[list[float]]:
        return self.vectors(texts)

    def vectors(self, texts: list[str]) -> list[list[float]]:
        """The same, synchronously (the memory handlers' ``embed``)."""
        self.embedded.extend(texts)
        out = []
        for text in texts:
            v = np.full(DIM, 1e-3)
            for word in re.findall(r"\w+", text.lower()):
                v[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
            out.append(list(v / np.linalg.norm(v)))
        return out


@pytest.fixture
def cfg() -> MemoryConfig:
    # no relevance floor here: a bag of words scores on another scale than the real encoder
    return MemoryConfig(vector_size=DIM, chunk_max_chars=100, chunk_overlap=10, kb_min_score=0.0)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "passwords.md").write_text(
        "# Passwords\n\n## Reset\n\nTo reset a password open settings and press reset password.\n\n"
        "## Rules\n\nPasswords need twelve characters.\n"
    )
    (root / "shipping.txt").write_text(
        "Orders ship within two days.\n\n"
        "Tracking numbers arrive by email within the hour after the parcel leaves the warehouse."
    )
    (root / "refunds.html").write_text(
        "<title>Refunds</title><h1>Refunds</h1><p>Refunds take five business days.</p>"
    )
    (root / ".hidden.md").write_text("# ignored")
    return root


async def test_ingest_is_idempotent_and_embeds_only_new_chunks(
    tmp_path: Path, cfg: MemoryConfig, docs: Path
) -> None:
    emb = FakeEmbedder()
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        first = await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs])
        assert sorted(Path(r.source).name for r in first) == ["passwords.md", "refunds.html", "shipping.txt"]
        assert all(r.added == r.chunks > 0 for r in first)
        n_embedded = len(emb.embedded)

        again = await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs])
        assert [(r.added, r.removed) for r in again] == [(0, 0)] * 3
        assert len(emb.embedded) == n_embedded  # nothing re-embedded
        assert sum(d["chunks"] for d in store.kb_list(tenant="acme")) == sum(r.chunks for r in first)

        (docs / "shipping.txt").write_text(
            "Orders ship within two days.\n\nParcels can be collected at lockers near your home or at the post office."
        )
        [changed] = await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs / "shipping.txt"])
        assert (changed.added, changed.unchanged, changed.removed) == (1, 1, 1)
        [new_text] = emb.embedded[n_embedded:]
        assert "Parcels can be collected" in new_text

        passages = await search_kb(store, emb, tenant="acme", query="how do I reset my password", top_k=3)
        assert Path(passages[0].source).name == "passwords.md"
        assert passages[0].heading == "Passwords > Reset" and passages[0].score > passages[-1].score
        assert "[1] Passwords § Passwords > Reset" in format_citations(passages)
        texts = [p.text for p in await search_kb(store, emb, tenant="acme", query="tracking email", top_k=10)]
        assert not any("Tracking" in t for t in texts)  # the stale chunk is gone

        assert await search_kb(store, emb, tenant="globex", query="reset password") == []


def test_cli_commands(tmp_path: Path, cfg: MemoryConfig, docs: Path) -> None:
    emb = FakeEmbedder()

    @asynccontextmanager
    async def embedder() -> AsyncIterator[FakeEmbedder]:
        yield emb

    def open_store() -> tuple[MemoryStore, MemoryConfig]:
        return MemoryStore.open(cfg, path=tmp_path / "q"), cfg

    runner = CliRunner()
    assert cli.CommandDeps().embedder is cli.multilingual_embedder  # the default: the encoder in this process
    deps = cli.CommandDeps(open_store=open_store, embedder=embedder)
    res = runner.invoke(cli.kb_app, obj=deps, args=["ingest", str(docs), "--tenant", "acme", "--json"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.output)) == 3

    res = runner.invoke(cli.kb_app, obj=deps, args=["list", "--tenant", "acme", "--json"])
    listed = json.loads(res.output)
    assert {Path(d["source"]).name for d in listed} == {"passwords.md", "shipping.txt", "refunds.html"}

    res = runner.invoke(
        cli.kb_app, ["search", "refund business days", "--tenant", "acme", "--json", "--top-k", "2"], obj=deps
    )
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)
    assert Path(hits[0]["source"]).name == "refunds.html"
    assert {"text", "source", "score", "chunk_id", "heading", "citation"} <= set(hits[0])

    res = runner.invoke(cli.kb_app, obj=deps, args=["search", "refund", "--tenant", "acme"])
    assert "Sources:" in res.output

    refunds = next(d["source"] for d in listed if d["source"].endswith("refunds.html"))
    assert runner.invoke(cli.kb_app, obj=deps, args=["delete", refunds, "--tenant", "globex"]).exit_code == 1
    res = runner.invoke(cli.kb_app, obj=deps, args=["delete", refunds, "--tenant", "acme"])
    assert res.exit_code == 0 and "removed 1 chunks" in res.output

    res = runner.invoke(cli.memory_app, obj=deps, args=["prune", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["tenants"] == 1


async def test_relevance_floor_turns_unrelated_questions_into_not_found(tmp_path: Path, docs: Path) -> None:
    cfg = MemoryConfig(vector_size=DIM, chunk_max_chars=100, chunk_overlap=10, kb_min_score=0.5)
    emb = FakeEmbedder()
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs])
        related = await search_kb(store, emb, tenant="acme", query="reset password settings", top_k=5)
        assert related and all(p.score >= 0.5 for p in related)
        assert await search_kb(store, emb, tenant="acme", query="quarterly bonus schedule", top_k=5) == []
        [vec] = await emb.embed(["quarterly bonus schedule"])
        assert store.kb_search(tenant="acme", vector=vec, top_k=5, min_score=-1.0)  # the floor did it


async def test_unreadable_files_are_reported_one_by_one(tmp_path: Path, cfg: MemoryConfig, docs: Path) -> None:
    (docs / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (docs / "contract.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog" + bytes(range(200)))
    (docs / "empty.txt").write_bytes(b"")
    (docs / "kaoqin.txt").write_bytes("# 考勤\n\n工卡遗失须当天挂失，补办收费二十元。".encode("gbk"))
    (docs / "windows.txt").write_bytes(b"Line one of a paragraph\r\nline two.\r\n\r\nSecond paragraph.\r\n")
    emb = FakeEmbedder()
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        reports = {Path(r.source).name: r for r in await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs])}
        errors = {name: r.error for name, r in reports.items() if r.error}
        assert set(errors) == {"photo.md", "contract.pdf", "empty.txt"}
        assert "binary" in errors["photo.md"] and "PDF" in errors["contract.pdf"]
        assert all(reports[n].chunks == 0 and reports[n].added == 0 for n in errors)
        listed = {Path(d["source"]).name for d in store.kb_list(tenant="acme")}
        assert listed == {"passwords.md", "refunds.html", "shipping.txt", "kaoqin.txt", "windows.txt"}
        assert not any("\ufffd" in t or "\r" in t for t in emb.embedded)  # decoded, not replaced
        assert any("补办收费二十元" in t for t in emb.embedded)


async def test_a_question_naming_the_tenants_own_things_with_no_passage_is_not_found(
        tmp_path: Path, docs: Path) -> None:
    """Nothing passes the relevance floor, yet the question names something of the tenant's documents: the
    reply says "not found" (on topic) so the planner answers so instead of a model's guess; a question
    naming nothing of theirs gets the plain empty reply (a general question the model may answer)."""
    from opentelemetry import trace

    from autoglm.services.memory import handlers
    from autoglm.shared.events import KbSearch

    (docs / "tidepool.md").write_text("# Tidepool plans\n\nTidepool Starter costs 12 dollars per user a month.\n")
    cfg = MemoryConfig(vector_size=DIM, chunk_max_chars=100, chunk_overlap=10, kb_min_score=0.99)
    emb = FakeEmbedder()
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs])
        at = handlers.Caller("acme", "s", "t", trace.get_tracer("test"), emb.vectors)

        def ask(q: str) -> dict:
            return handlers.kb_search(store, at, KbSearch(step_id="s1", reply_to="", query=q))

        named = ask("Does Tidepool sign a HIPAA business associate agreement?")
        assert named["passages"] == [] and named["not_found"]["on_topic"] is True
        assert "tidepool" in named["not_found"]["reason"]
        assert "not_found" not in ask("What is the capital of Australia?")


async def test_a_span_that_answers_on_its_own_is_found_under_the_passage_floor(tmp_path: Path) -> None:
    """A passage's vector is the mean of its sentences: the one sentence that answers is diluted by the rest of
    its section. With no passage over the floor, a span stating the asked kind of value, close to the question
    in words and meaning, still answers (cited); a span that doesn't, or no span at all, leaves "not found"
    (the real multilingual encoder)."""
    from opentelemetry import trace

    from autoglm.services.memory import handlers
    from autoglm.services.memory.kb import MultilingualEmbedder
    from autoglm.shared.events import KbSearch
    from autoglm.shared.multilingual import default_encoder

    root = tmp_path / "docs"
    root.mkdir()
    (root / "desk.md").write_text(
        "# Front desk FAQ\n\n## Luggage, laundry and lost property\n\nBags can be left at the bell desk free of "
        "charge for up to 5 days. Shirts handed in before 10:00 come back the same evening; pressing costs CNY 25 "
        "per item. Anything found in a room after check-out is logged by housekeeping. Ordinary lost items are kept "
        "for 60 days; lost valuables such as passports and laptops are kept for 365 days. Unclaimed items are "
        "donated to charity.\n\n## Parking\n\nThe garage is on level B2. Guests pay CNY 40 per night; visitors pay "
        "CNY 10 per hour.\n")
    # a floor above this section's score for the question (0.58 at the default settings), so that only the
    # sentence can answer
    cfg = MemoryConfig(kb_min_score=0.65)
    encoder = default_encoder()
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        await ingest_paths(store, MultilingualEmbedder(), cfg, tenant="inn", paths=[root])
        at = handlers.Caller("inn", "s", "t", trace.get_tracer("test"), lambda texts: encoder.encode(texts).tolist())

        def ask(q: str) -> dict:
            return handlers.kb_search(store, at, KbSearch(step_id="s1", reply_to="", query=q))

        q = "How long do you keep lost valuables?"
        [vec] = encoder.encode([q]).tolist()
        assert all(p.score < cfg.kb_min_score for p in store.kb_search(tenant="inn", vector=vec, top_k=5, query=q,
                                                                       min_score=-1.0))
        found = ask(q)
        assert "365 days" in found["extract"]["text"] and found["passages"]
        assert found["passages"][found["extract"]["passage"]]["source"].endswith("desk.md")
        assert ask("How much does it cost to hire a bicycle?")["passages"] == []
