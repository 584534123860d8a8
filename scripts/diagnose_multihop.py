"""Where multi-hop questions fail: a per-stage breakdown of the graph's wrong answers (issue 22).

    python scripts/diagnose_multihop.py SET [SET ...] [--show STAGE]

For every multi-hop question the graph answers wrong (scored as scripts/eval_multihop.py scores it), the
first stage that fails, in pipeline order:

- ``shape``: the question analyser read a different shape (bridge / intersection / comparison / same).
- ``node``: an entity of the gold path is no node of the graph (extraction or merging lost it).
- ``edge``: two nodes of a gold hop are both there but no edge joins them (a relation not extracted).
- ``link``: a question entity of the gold path (a head no gold hop reaches) is not among the seeds.
- ``reach``: the answer node is not reached by path search from the seeds.
- ``choice``: the answer node is reached, another node scores higher.
- ``text``: the answer node is chosen but the answer text does not score (display, yes/no wording).
- ``compare``: a comparison / yes-no question with all gold hops present and linked, answered wrong.
- ``none``: the graph gave no answer (the plain fallback answered, wrongly).

Gold entity names are resolved to nodes by their key, by either side of a "Name (Other name)" pair, then
by the gazetteer; the answer node is the node one of whose names is an accepted answer.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_multihop import NOT_FOUND, Tenant, correct, norm  # noqa: E402

from autoglm.services.memory.graph.index import TenantGraph, _non_overlapping  # noqa: E402
from autoglm.services.memory.graph.question import analyze  # noqa: E402
from autoglm.services.memory.graph.reason import (  # noqa: E402
    Reasoner,
    _cue_text,
    ball,
    cue_terms,
    edge_relevance,
    link,
    paths_from,
)
from autoglm.services.memory.graph.text import name_key  # noqa: E402
from autoglm.shared.multilingual import default_encoder  # noqa: E402

STAGES = ("shape", "node", "edge", "link", "reach", "choice", "text", "compare", "none")


def resolve(g: TenantGraph, name: str) -> int | None:
    parts = [name, re.sub(r"\s*[(（][^)）]*[)）]\s*", " ", name).strip()]
    parts += re.findall(r"[(（]([^)）]*)[)）]", name)
    for p in parts:
        nid = g.by_key.get(name_key(p))
        if nid is not None:
            return nid
    for p in parts:
        found = _non_overlapping(g.gazetteer.find(p))
        if found:
            return g.by_key.get(name_key(max(found, key=lambda m: m.end - m.start).name))
    return None


def answer_nodes(g: TenantGraph, answers: list[str]) -> set[int]:
    wanted = {norm(a) for a in answers}
    return {nd.id for nd in g.nodes if any(norm(n) in wanted for n in nd.names)}


def expected_shape(q: dict) -> set[str]:
    if q["type"] == "comparison":
        return {"same"} if q.get("yes_no") else {"comparison"}
    return {q["type"]}


def diagnose(q: dict, tenant: Tenant, encoder) -> tuple[str, dict]:  # noqa: ANN001
    g = tenant.graph
    info: dict = {}
    reasoner = Reasoner(g, encoder)
    ans = reasoner.answer(q["question"])
    info["answer"] = ans.answer if ans else None
    shape = analyze(q["question"]).shape
    info["shape"] = shape
    if shape not in expected_shape(q):
        return "shape", info
    hops = [(resolve(g, h), resolve(g, t), h, t) for h, _, t, _ in q["path"]]
    missing = [n for a, b, h, t in hops for n, x in ((a, h), (b, t)) if n is None]
    if missing:
        info["missing"] = missing
        return "node", info
    absent = [(h, t) for a, b, h, t in hops if not any(
        (e.head, e.tail) in ((a, b), (b, a)) for e in (g.edges[i] for i in g.adj[a]))]
    if absent:
        info["absent"] = absent
        return "edge", info
    tails = {b for _, b, _, _ in hops}
    roots = {a for a, _, _, _ in hops if a not in tails}
    qvec = encoder.encode([q["question"]])[0]
    seeds = link(g, q["question"], qvec, encoder, reasoner.cfg)
    seed_ids = {s.node for s in seeds}
    info["seeds"] = [g.nodes[s].name for s in seed_ids]
    if not roots <= seed_ids:
        info["unlinked"] = [g.nodes[r].name for r in roots - seed_ids]
        return "link", info
    if ans is None:
        return "none", info
    if q["type"] == "comparison":
        return "compare", info
    targets = answer_nodes(g, q["answers"])
    info["targets"] = [g.nodes[t].name for t in targets]
    cue = _cue_text(q["question"], seeds)
    _, near = ball(g, seeds, reasoner.cfg.max_hops + 1)
    rel = edge_relevance(g, qvec, cue, near)
    reached = set()
    for s in seeds:
        reached |= set(paths_from(g, s.node, rel, reasoner.cfg, cue_terms(cue)))
    if not targets & reached:
        return "reach", info
    chosen = resolve(g, ans.answer)
    if chosen not in targets:
        return "choice", info
    return "text", info


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--show", nargs="*", default=[], help="print the questions failing at these stages")
    args = ap.parse_args()
    encoder = default_encoder()
    for folder in args.sets:
        questions = [json.loads(x) for x in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        tenants = {t: Tenant(folder / "docs" / t, encoder) for t in sorted({q["tenant"] for q in questions})}
        stages: Counter[str] = Counter()
        by_lang: dict[str, Counter[str]] = defaultdict(Counter)
        multi = [q for q in questions if q["type"] in ("bridge", "comparison", "intersection")]
        right = 0
        for q in multi:
            tenant = tenants[q["tenant"]]
            graph = Reasoner(tenant.graph, encoder).answer(q["question"])
            text = graph.text if graph else tenant.plain(q["question"])
            if correct(q, text if text is not None else NOT_FOUND):
                right += 1
                continue
            stage, info = diagnose(q, tenant, encoder)
            stages[stage] += 1
            by_lang[q["lang"]][stage] += 1
            if stage in args.show or "all" in args.show:
                print(f"  [{stage}] {q['id']} {q['question']}\n      gold {q['answers'][:2]} got {info}")
        print(f"\n{folder}: multi-hop right {right}/{len(multi)}; wrong by first failing stage:")
        for st in STAGES:
            if stages[st]:
                print(f"  {st:8s} {stages[st]:3d}   (en {by_lang['en'][st]}, zh {by_lang['zh'][st]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
