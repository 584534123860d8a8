"""Prompt templates per task type, versioned as files: ``prompts/<version>/<task_type>.txt``.

A template file has a ``system:`` section and a ``user:`` section; placeholders use
``string.Template`` syntax (``$request``, ``$inputs``, ``$history``, ``$language_hint``)
so braces in user text are never interpreted.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template
from typing import Any

from autoglm.shared.events import PromptVariant
from autoglm.shared.safety import DATA_PREAMBLE

VERSION = "v1"
_DIR = Path(__file__).parent


@functools.cache
def load_template(task_type: str, version: str = VERSION) -> tuple[str, str]:
    path = _DIR / version / f"{task_type}.txt"
    if not path.exists():
        path = _DIR / version / "question_answering.txt"
    text = path.read_text(encoding="utf-8")
    system, _, user = text.partition("\nuser:")
    return system.removeprefix("system:").strip(), user.strip()


def protected_texts(version: str = VERSION) -> list[str]:
    """The system lines of every template: an answer must not repeat them (the output guard)."""
    return [load_template(path.stem, version)[0] for path in sorted((_DIR / version).glob("*.txt"))]


def render_prompt(
    task_type: str,
    *,
    request: str,
    full_request: str,
    inputs: list[str],
    history: list[dict[str, Any]],
    language: str,
    entities: dict[str, Any],
    version: str = VERSION,
    variant: PromptVariant | None = None,
) -> list[dict[str, str]]:
    """The chat messages of a generation step. A prompt ``variant`` (issue 21) replaces the system text when it
    has its own and puts its worked examples, as earlier user/assistant turns, before the request."""
    system, user = load_template(task_type, version)
    if variant is not None and variant.system:
        system = variant.system
    hint = "请用中文回答。" if language == "zh" else "Answer in English." if language == "en" else ""
    history_text = "\n".join(
        f"User: {t.get('request', '')}\nAssistant: {t.get('answer', '')}" for t in history if t.get("request")
    )
    referent = str(entities.get("referent") or "")
    values = {
        # A referent ("translate this") is the text the request points at, from the session.
        "request": f"{request}\n\n{referent}" if referent else request,
        "full_request": full_request,
        "inputs": "\n".join(inputs) if inputs else "(none)",
        "history": history_text or "(none)",
        "language_hint": hint,
        "target_language": entities.get("target_language", ""),
        "topic": entities.get("topic", ""),
    }
    system_text = Template(system).safe_substitute(values)
    if inputs:  # retrieved text and tool output arrive as delimited data (planner/requests.py)
        system_text = f"{system_text} {DATA_PREAMBLE}"
    shots = []
    for example in variant.few_shot if variant is not None else []:
        shots += [{"role": "user", "content": example.request}, {"role": "assistant", "content": example.answer}]
    return [
        {"role": "system", "content": system_text},
        *shots,
        {"role": "user", "content": Template(user).safe_substitute(values)},
    ]
