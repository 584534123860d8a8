"""The learned reasoner: a two-layer R-GCN trained on a tenant's own graph by link prediction.

Training (:func:`train`) needs torch and imports it only when called: it runs in the evaluation script
or an operator's command, never in the memory service (only the inference service imports torch,
tests/unit/test_layout.py). What it produces is plain data: one vector per node, keyed by the node's
name key (:func:`export`), which the memory service scores with numpy at query time
(:func:`attach`, then ``Reasoner`` with ``gnn_weight``): a candidate's score is the cosine between its
vector and the seeds' weighted mean.

Model: node features are the multilingual encoder's vectors of the node's names (mean) plus a one-hot
of its type; two R-GCN layers (one weight per relation for the most frequent relations, one shared for
the rest, a self-loop, mean aggregation, ReLU between) give 64-d embeddings; a DistMult decoder scores
``(head, relation, tail)``; the loss is binary cross-entropy against tails corrupted at random (5
negatives per edge), Adam, ``epochs`` full-batch steps.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from .index import TenantGraph
from .model import ENTITY_TYPES
from .text import name_key

MAX_RELATIONS = 16


def features(g: TenantGraph) -> np.ndarray:
    """Per node: the mean of its names' encoder vectors (zeros without vectors) and its type one-hot."""
    n = len(g.nodes)
    dim = g.surface_vecs.shape[1] if g.surface_vecs is not None else 0
    x = np.zeros((n, dim + len(ENTITY_TYPES)), dtype=np.float32)
    if g.surface_vecs is not None and dim:
        sums = np.zeros((n, dim), dtype=np.float32)
        np.add.at(sums, g.surface_node, g.surface_vecs)
        counts = np.bincount(g.surface_node, minlength=n).astype(np.float32)[:, None]
        x[:, :dim] = sums / np.maximum(counts, 1.0)
    for nd in g.nodes:
        x[nd.id, dim + ENTITY_TYPES.index(nd.type if nd.type in ENTITY_TYPES else "thing")] = 1.0
    return x


def relation_ids(g: TenantGraph) -> tuple[np.ndarray, list[str]]:
    counts = Counter(e.relation for e in g.edges)
    kept = [r for r, _ in counts.most_common(MAX_RELATIONS - 1)]
    index = {r: i for i, r in enumerate(kept)}
    return np.array([index.get(e.relation, len(kept)) for e in g.edges], dtype=np.int64), kept + ["(other)"]


def train(g: TenantGraph, *, epochs: int = 200, dim: int = 64, seed: int = 0, lr: float = 0.01) -> dict[str, Any]:
    """Train on ``g``'s edges; returns ``{"keys", "vectors", "loss"}`` (see :func:`export`)."""
    import torch  # only here: the memory service never trains

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    n, m = len(g.nodes), len(g.edges)
    x = torch.tensor(features(g))
    rel, names = relation_ids(g)
    r_count = len(names)
    heads = torch.tensor([e.head for e in g.edges], dtype=torch.long)
    tails = torch.tensor([e.tail for e in g.edges], dtype=torch.long)
    rels = torch.tensor(rel, dtype=torch.long)
    # messages both ways: relation r forward, relation r + R backward
    src = torch.cat([heads, tails])
    dst = torch.cat([tails, heads])
    etype = torch.cat([rels, rels + r_count])
    deg = torch.bincount(dst, minlength=n).clamp(min=1).float()[:, None]

    class RGCN(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            d_in = x.shape[1]
            self.w1 = torch.nn.Parameter(torch.randn(2 * r_count, d_in, dim) * (1.0 / d_in) ** 0.5)
            self.s1 = torch.nn.Linear(d_in, dim)
            self.w2 = torch.nn.Parameter(torch.randn(2 * r_count, dim, dim) * (1.0 / dim) ** 0.5)
            self.s2 = torch.nn.Linear(dim, dim)
            self.rel = torch.nn.Parameter(torch.randn(r_count, dim) * 0.1)

        def layer(self, h: Any, w: Any, self_loop: Any) -> Any:
            msg = torch.bmm(h[src].unsqueeze(1), w[etype]).squeeze(1)
            agg = torch.zeros(n, w.shape[2]).index_add_(0, dst, msg) / deg
            return agg + self_loop(h)

        def forward(self) -> Any:
            h = torch.relu(self.layer(x, self.w1, self.s1))
            return self.layer(h, self.w2, self.s2)

    model = RGCN()
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    last = 0.0
    for _ in range(epochs):
        opt.zero_grad()
        z = model()
        neg_tails = torch.tensor(rng.integers(0, n, size=(m * 5,)), dtype=torch.long)
        pos = (z[heads] * model.rel[rels] * z[tails]).sum(-1)
        neg = (z[heads.repeat(5)] * model.rel[rels.repeat(5)] * z[neg_tails]).sum(-1)
        loss = loss_fn(torch.cat([pos, neg]), torch.cat([torch.ones(m), torch.zeros(m * 5)]))
        loss.backward()
        opt.step()
        last = float(loss.detach())
    with torch.no_grad():
        z = model().numpy().astype(np.float32)
    return export(g, z, loss=last)


def export(g: TenantGraph, z: np.ndarray, *, loss: float = 0.0) -> dict[str, Any]:
    """Node vectors keyed by the node's main-name key, L2-normalised: what the service stores."""
    z = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    return {"keys": [name_key(nd.name) for nd in g.nodes], "vectors": z.astype(np.float32), "loss": loss}


def attach(g: TenantGraph, exported: dict[str, Any]) -> int:
    """Give ``g`` the exported vectors of the nodes it still has (matched by name key); nodes added
    since training get zeros and so no learned score. Returns how many nodes matched."""
    vecs = np.asarray(exported["vectors"], dtype=np.float32)
    index = {k: i for i, k in enumerate(exported["keys"])}
    z = np.zeros((len(g.nodes), vecs.shape[1]), dtype=np.float32)
    matched = 0
    for nd in g.nodes:
        i = index.get(name_key(nd.name))
        if i is not None:
            z[nd.id] = vecs[i]
            matched += 1
    g.gnn = z
    return matched
