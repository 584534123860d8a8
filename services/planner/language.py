"""The language a generation answers in, and the check that it did (pure; issue 16 item 7).

:func:`output_language` says which language a generation step should answer in; the planner steers the
sampler to it (requests.generation_params). :func:`in_language` checks the text that came back by its script:
Chinese needs at least a third of its letters to be Han characters, English none. A generation that fails the
check is run once more with a stronger steer (:func:`retry_in_language`), when its deadline leaves time.
"""

from __future__ import annotations

import re

from autoglm.shared.events import IntentType, StepKind

from .state import PlanStep, TaskState

_ASKED_LANGUAGE = (
    ("zh", re.compile(r"用中文|用汉语|中文(?:写|回答|回复)|\bin (?:simplified )?chinese\b|\bin mandarin\b", re.I)),
    ("en", re.compile(r"用英文|用英语|英文(?:写|回答|回复)|\bin english\b", re.I)),
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LETTER = re.compile(r"[A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")
RETRY_BIAS = 8.0


def output_language(state: TaskState, step: PlanStep) -> str | None:
    """The language a generation should answer in: a translation's target, a language the request asks
    for ("用英文写一首诗"), else the request's own; None when it is neither Chinese nor English."""
    entities = step.arguments.get("entities") or {}
    if step.task_type == IntentType.TRANSLATION.value:
        target = str(entities.get("target_language") or "")
        return target if target in ("zh", "en") else None
    text = str(step.arguments.get("text") or state.request.text)
    for language, asked in _ASKED_LANGUAGE:
        if asked.search(text):
            return language
    return state.graph.language if state.graph.language in ("zh", "en") else None


def in_language(text: str, language: str) -> bool:
    """Whether ``text`` is written in ``language`` (zh or en), by its script; text with no letters passes."""
    letters = _LETTER.findall(text)
    if not letters:
        return True
    han = sum(bool(_HAN.match(c)) for c in letters) / len(letters)
    return han >= 1 / 3 if language == "zh" else han == 0 if language == "en" else True


def retry_in_language(state: TaskState, step: PlanStep, text: str, finish: str | None, steered: list[str],
                      now: float) -> bool:
    """A completed generation in the wrong language is run once more with the sampler steered harder
    (``language_bias`` RETRY_BIAS), if it was not cut by its deadline and the task has the time; returns
    whether it will be."""
    if step.arguments.get("language_retry") or step.task_type not in steered or finish == "deadline":
        return False
    language = output_language(state, step)
    if language is None or in_language(text, language):
        return False
    if now + step.timeout_s + step.reply_grace_s > state.deadline:
        return False
    step.arguments["language_retry"] = True
    step.arguments["language_bias"] = RETRY_BIAS
    return True


def trusted_languages(step: PlanStep) -> list[str] | None:
    """The languages the model that ran a generation step answers and writes in reliably (None: not said)."""
    trusted = step.output.get("answer_languages")
    return [str(t) for t in trusted] if isinstance(trusted, list) else None


def not_trusted(state: TaskState, step: PlanStep, known: dict[str, list[str]]) -> list[str] | None:
    """The languages the model of ``step``'s task type is trusted in (``known``: learnt from its earlier results'
    ``answer_languages``), when its text for this step would not be handed over anyway: a piece of writing in
    another language (answers.writing_answer). None: ask the model. The planner then answers the step without
    the model (a plain draft or the honest notice), instead of waiting 10-50 s for text it would throw away.
    Writing only for now: an open question in such a language still reaches the model and gets the notice after
    it (answers.untrusted_answer)."""
    if step.kind is not StepKind.GENERATE or step.name != "generate" or \
            step.task_type != IntentType.CREATIVE_WRITING.value:
        return None
    trusted = known.get(step.task_type)
    if not trusted or "*" in trusted:
        return None
    language = output_language(state, step)
    return list(trusted) if language and language not in trusted else None
