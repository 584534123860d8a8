"""General questions try the tenant's knowledge base first (pure; issue 16).

The parser routes a question to ``kb_search`` only when it reads like one about the tenant's documents
(policy words, "according to the handbook"); a plain fact question over those documents ("How much does
a staff parking permit cost?") is a general question, and the small model made its answer up. So in a
tenant that has a knowledge base, a general question (:func:`tries_kb_first`) is planned as an optional
``kb_search`` before its generation: a passage above the relevance floor (``memory.kb_min_score``) answers
with its extract, as a knowledge-base question does (``answer_source: extract``); none, and the model
answers as before, with nothing said about the knowledge base.

Tenants without documents stay cheap: the memory service answers their search at once, before embedding
anything, and says the knowledge base is empty (``kb_chunks: 0``); the planner then skips the search for
that tenant for ``planner.kb_first_absent_ttl_s`` (:class:`KbPresence`), so such a tenant costs one round
trip per that many seconds, not one per task.
"""

from __future__ import annotations

from typing import Any

from autoglm.shared.events import Intent

from .state import PlannerPolicy


def tries_kb_first(intent: Intent, policy: PlannerPolicy) -> bool:
    """A question the parser gave no tool, of a general type (``planner.kb_first_types``), self-contained:
    not a fact to remember, not working on another intent's output or on an earlier turn."""
    return (
        policy.kb_first
        and not intent.tool
        and intent.type.value in policy.kb_first_types
        and not intent.depends_on
        and not intent.entities.get("memory")
        and "referent" not in intent.entities
        and len(intent.text.strip()) >= 2
    )


class KbPresence:
    """What this planner replica learnt of each tenant's knowledge base from its ``kb_search`` replies: a
    tenant seen without one is not searched again for ``ttl_s`` seconds (documents ingested meanwhile are
    found once it passes)."""

    def __init__(self, ttl_s: float, max_tenants: int = 100_000) -> None:
        self.ttl_s = ttl_s
        self.max_tenants = max_tenants
        self._absent_until: dict[str, float] = {}

    def known(self, tenant: str, now: float) -> bool | None:
        """False while the tenant is known to have no knowledge base; None when it may have one."""
        until = self._absent_until.get(tenant)
        if until is None:
            return None
        if now < until:
            return False
        del self._absent_until[tenant]
        return None

    def observe(self, tenant: str, output: dict[str, Any], now: float) -> None:
        """Fold in a completed ``kb_search`` reply (its ``kb_chunks``; an older memory service sends none)."""
        chunks = output.get("kb_chunks")
        if chunks is None:
            return
        if int(chunks) > 0 or self.ttl_s <= 0:
            self._absent_until.pop(tenant, None)
            return
        if len(self._absent_until) >= self.max_tenants:
            self._absent_until = {t: u for t, u in self._absent_until.items() if u > now}
            if len(self._absent_until) >= self.max_tenants:
                self._absent_until.pop(next(iter(self._absent_until)))
        self._absent_until[tenant] = now + self.ttl_s
