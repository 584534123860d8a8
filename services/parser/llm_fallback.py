"""Language-model fallback: a configured OpenAI-compatible chat model picks the label of a clause no
specific rule placed, its reply constrained by a JSON schema (``{"label": one of the label names}``).

Meant for a model stronger than the rules (a hosted GLM or Qwen, a vLLM server): it reads any
language, which the English-only embedding fallback cannot. Any failure (timeout, HTTP error, a reply
off the schema) keeps the default, so a slow or broken endpoint costs at most ``timeout_s`` per clause
and never a wrong label.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from .classify import Classification
from .fallback import LABELS

__all__ = ["LLMFallback", "label_name"]

log = logging.getLogger(__name__)


def label_name(type_: str, tool: str | None) -> str:
    """The name a label has in the schema: the tool for lookups and searches, else the intent type."""
    return tool or type_


# http_get is left out: without a URL in the clause there is nothing to fetch.
_CHOICES = {label_name(x.type, x.tool): x for x in LABELS if x.tool != "http_get"}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"label": {"type": "string", "enum": sorted(_CHOICES)}},
    "required": ["label"],
    "additionalProperties": False,
}

_SYSTEM = (
    "You route one clause of a user's request to the component that should handle it. Answer with JSON "
    '{"label": NAME}, NAME one of:\n'
    + "\n".join(f"- {name}: {label.phrases[0]}" for name, label in sorted(_CHOICES.items()))
    + "\nUse question_answering for anything else. The clause may be in any language."
)


class LLMFallback:
    """:class:`~autoglm.services.parser.pipeline.Fallback` by an OpenAI-compatible chat endpoint.

    ``base_url`` is the server without the ``/v1`` suffix; ``api_key`` is sent as a Bearer token."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.model = model
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s, transport=transport
        )

    def classify(self, clause: str, language: str) -> Classification | None:
        """The model's label for ``clause``, or None (keep the default) on any failure."""
        body = {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 20,
            "messages": [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": clause}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "intent_label", "schema": SCHEMA, "strict": True},
            },
        }
        try:
            resp = self._client.post("/v1/chat/completions", json=body)
            resp.raise_for_status()
            content = resp.json()["choices"][0]["message"]["content"]
            label = _CHOICES.get(json.loads(content)["label"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("language-model fallback failed, keeping the default: %s", exc)
            return None
        if label is None or not label.accept:
            return None  # off the list, or the general-question label: the default stands
        return Classification(label.type, label.tool)

    def close(self) -> None:
        self._client.close()
