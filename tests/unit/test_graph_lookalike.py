"""Near names (issue 22): the encoder finds a node for a question phrase by meaning, which links a
Chinese phrase to an English name, but in the phrase's own script it also finds a near name of another
thing ("Harbourside Depot" for "Harbourview Depot"). A same-script node whose names neither hold the phrase
nor are held by it is no link: a question about an unknown near name is not answered from its neighbour.
Fresh text, written for these tests; a character-trigram encoder stands in for the multilingual one."""

from __future__ import annotations

import zlib

import numpy as np

from autoglm.services.memory.graph.extract import ChunkInput, extract_document
from autoglm.services.memory.graph.index import TenantGraph, embed_doc
from autoglm.services.memory.graph.reason import Reasoner, lookalike


class TrigramEncoder:
    """Cosine = shared character trigrams: near spellings are near, as the real encoder makes them."""

    def encode(self, texts):  # noqa: ANN001, ANN201
        out = np.zeros((len(texts), 512), dtype=np.float32)
        for i, t in enumerate(texts):
            s = f"  {t.lower()}  "
            for j in range(len(s) - 2):
                out[i, zlib.crc32(s[j : j + 3].encode()) % 512] += 1.0
            out[i] /= max(float(np.linalg.norm(out[i])), 1e-9)
        return out


DOC = (
    "Harbourside Depot is managed by Ilse Varga.\n\n"
    "Harbourside Depot is located in Gdynia.\n\n"
    "Ilse Varga reports to Marek Olszewski.\n"
)


def _reasoner() -> Reasoner:
    enc = TrigramEncoder()
    doc = embed_doc(extract_document([ChunkInput(chunk_id="d#0", text=DOC, citation="d.md")], source="d.md"), enc)
    return Reasoner(TenantGraph.build([doc]), enc)


def test_the_stand_in_encoder_finds_the_near_name() -> None:
    v = TrigramEncoder().encode(["Harbourview Depot", "Harbourside Depot"])
    assert float(v[0] @ v[1]) >= 0.72  # the link the guard has to refuse


def test_a_question_about_a_near_name_is_not_answered_from_its_neighbour() -> None:
    assert _reasoner().answer("Who manages Harbourview Depot?") is None


def test_the_named_thing_itself_and_a_longer_form_still_link() -> None:
    r = _reasoner()
    found = r.answer("Who manages Harbourside Depot?")
    assert found is not None and found.answer == "Ilse Varga"
    assert not lookalike("Harbourside", ["Harbourside Depot"])
    assert not lookalike("Tomas Ferreira", ["Tomás Ferreira-Lind"])


def test_same_script_near_names_are_lookalikes_other_scripts_are_not() -> None:
    assert lookalike("Lakeview Clinic", ["Lakeside Clinic"])
    assert lookalike("青松冷库", ["青枫冷库"])
    assert not lookalike("青松冷库", ["Qingsong Cold Store"])  # the encoder's cross-lingual link
    assert not lookalike("Qingsong Cold Store", ["青松冷库", "Qingsong Cold Store Ltd"])
