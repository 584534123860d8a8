"""Which prompt variant a task's generation uses (issue 21): the policies and sticky assignments the feedback
service publishes on ``autoglm.prompts``, and the choice for a user (pure; the follower in coordinator.py
feeds it records).

For each task type that has a policy for the task's tenant (its own record, else the ``*`` one), the user gets
a variant by :func:`~autoglm.shared.bandit.sticky_choice`: the pin if any, else the assignment they hold
(published by the feedback service, or made here moments ago) while it is live and younger than the policy's
``sticky_seconds``, else a Thompson draw over the policy's evidence. A new assignment is kept here at once, so
the user's next task on this replica gets the same variant before the feedback service has published it.
Task types without a policy use the base templates and cost nothing. Anonymous tasks are assigned by session.
"""

from __future__ import annotations

import logging
import random
from collections import OrderedDict
from datetime import datetime

from pydantic import ValidationError

from autoglm.shared.bandit import Arm, sticky_choice
from autoglm.shared.events import CloudEvent, EventType, PromptPolicy, PromptVariant, VariantAssigned

from .prompts import VERSION

log = logging.getLogger("autoglm.planner")
EVERYONE = "*"
MAX_ASSIGNMENTS = 200_000


def user_key(user: str | None, session_id: str) -> str:
    return user or f"session:{session_id}"


class VariantBook:
    def __init__(self, rng: random.Random | None = None) -> None:
        self.policies: dict[str, dict[str, PromptPolicy]] = {}  # scope -> task type -> policy
        self.assigned: OrderedDict[tuple[str, str, str], tuple[str, float]] = OrderedDict()
        self.rng = rng or random.Random()

    # ------------------------------------------------------------------ records of autoglm.prompts

    def apply(self, key: bytes | None, value: bytes | None) -> None:
        """One record: ``<scope>/<task_type>`` -> a policy, ``<tenant>/<task_type>/@<user>`` -> an assignment."""
        text = (key or b"").decode("utf-8", "replace")
        scope, _, rest = text.partition("/")
        task_type, _, user = rest.partition("/@")
        if not scope or not task_type:
            return
        if value is None:
            if user:
                self.assigned.pop((scope, task_type, user), None)
            else:
                self.policies.get(scope, {}).pop(task_type, None)
            return
        try:
            if user:
                assigned = CloudEvent[VariantAssigned].model_validate_json(value)
                if assigned.type == EventType.PROMPT_ASSIGNED:
                    self._keep((scope, task_type, user), assigned.data.variant, assigned.data.assigned_at.timestamp())
            else:
                policy = CloudEvent[PromptPolicy].model_validate_json(value)
                if policy.type == EventType.PROMPT_POLICY:
                    self.policies.setdefault(scope, {})[task_type] = policy.data
        except ValidationError:
            log.warning("prompts: unreadable record %s skipped", text[:200])

    def _keep(self, key: tuple[str, str, str], variant: str, at: float) -> None:
        self.assigned[key] = (variant, at)
        self.assigned.move_to_end(key)
        while len(self.assigned) > MAX_ASSIGNMENTS:
            self.assigned.popitem(last=False)

    # ------------------------------------------------------------------ choice

    def policies_for(self, tenant: str) -> dict[str, PromptPolicy]:
        """The tenant's policies per task type: its own, else the ``*`` ones."""
        return {**self.policies.get(EVERYONE, {}), **self.policies.get(tenant, {})}

    def choose(self, tenant: str, user: str, now: float | datetime) -> dict[str, PromptVariant | None]:
        """Per task type with a policy for ``tenant``: the user's variant (None: the base templates)."""
        at = now.timestamp() if isinstance(now, datetime) else now
        out: dict[str, PromptVariant | None] = {}
        for task_type, policy in self.policies_for(tenant).items():
            evidence = {s.variant: (s.successes, s.failures) for s in policy.stats}
            candidates: dict[str, PromptVariant | None] = {} if VERSION in policy.retired else {VERSION: None}
            candidates.update({v.id: v for v in policy.variants if v.id not in policy.retired})
            if not candidates:
                continue
            arms = [Arm(name, *evidence.get(name, (0.0, 0.0))) for name in candidates]
            key = (tenant, task_type, user)
            chosen, fresh = sticky_choice(arms, self.rng, held=self.assigned.get(key), now=at,
                                          sticky_seconds=policy.sticky_seconds, min_share=policy.min_share,
                                          pinned=policy.pinned)
            if fresh:
                self._keep(key, chosen, at)
            out[task_type] = candidates[chosen]
        return out
