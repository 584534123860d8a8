"""The task's answer and its result event, from the intents' outputs (pure).

Every intent is answered by its last step (:func:`~.state.intent_step`); a failed or skipped one is named
in the answer, never left out silently. Tools read as their output (a calculation as ``expr = value``,
a single SQL row as ``field: value`` lines, a model-chosen query with its SQL first), knowledge-base
answers are their extract (or a rephrasing that kept its facts) with the passage they cite, or the knowledge
graph's answer (each hop cited, ``reasoning_path`` filled), summaries and translations are checked
(answers.py), and a stated fact is acknowledged without a model. The result says where the answer came
from (``answer_source``).
"""

from __future__ import annotations

import json
from typing import Any

from autoglm.shared.events import (
    ExecutedStep,
    ReasoningHop,
    StepKind,
    StepStatus,
    TaskCompleted,
    TaskProgress,
    TaskStatus,
)
from autoglm.shared.safety import Guard, OutputVerdict
from autoglm.shared.word_problem import is_word_problem

from . import answers as A
from .arithmetic import NOT_COMPUTED, UNCOMPUTED, invented_numbers, uncomputed_answer
from .drafts import asked_advice, weather_lines
from .exact import EXACT_TOOLS, REFERENCE, result_of
from .language import output_language, trusted_languages
from .prompts import VERSION
from .state import (
    KB_ANSWER,
    RESTATE,
    TEXT_TO_SQL,
    PlanStep,
    TaskState,
    intent_step,
    passages_of,
    structured_input,
)

_SUMMARY_CHARS = 200
_SQL_SUMMARY_CHARS = 600


def task_result(state: TaskState, now: float, forced: tuple[TaskStatus, str] | None = None) -> TaskCompleted:
    """The task's one result; records its status, answer and error on the state.

    ``forced`` (a deadline): that status and error, keeping the answer only if some intent's step completed.
    """
    status, answer, error = compose(state)
    if forced is not None:
        status, error = forced[0], forced[1]
        answer = answer if state.graph.intents and any(
            s.status is StepStatus.COMPLETED for s in state.steps if s.intent_id
        ) else ""
    state.status, state.answer, state.error = status, answer, error
    truncated = any(truncated_by(s) for s in state.steps if s.intent_id and s.status is StepStatus.COMPLETED)
    return TaskCompleted(
        task_id=state.task_id,
        status=status,
        answer=answer,
        error=error,
        steps=executed_steps(state),
        trace_id=state.trace_id,
        intents=[i.model_dump(mode="json") for i in state.graph.intents],
        clarification=state.graph.clarification if status is TaskStatus.NEEDS_CLARIFICATION else None,
        metadata=state.request.metadata,
        duration_ms=round((now - state.received_at.timestamp()) * 1000, 2),
        reasoning_path=[ReasoningHop(**h) for h in reasoning_path(state)],
        truncated=truncated,
        answer_source=state.answer_source,
        prompt_versions=prompt_versions(state),
    )


def prompt_versions(state: TaskState) -> dict[str, str]:
    """Task type -> the prompt variant its generation steps ran with (steps that were dispatched), so a rating
    of the answer counts for the prompt that produced it."""
    out: dict[str, str] = {}
    for s in state.steps:
        if s.kind is StepKind.GENERATE and s.attempts and s.task_type and s.task_type != TEXT_TO_SQL:
            chosen = state.prompt_variants.get(s.task_type)
            out.setdefault(s.task_type, chosen.id if chosen is not None else VERSION)
    return out


def guarded_result(state: TaskState, now: float, guard: Guard | None,
                   forced: tuple[TaskStatus, str] | None = None) -> tuple[TaskCompleted, OutputVerdict | None]:
    """:func:`task_result` with the output guard applied to its answer (issue 20): personal data masked
    unless the tenant's policy allows it; an answer repeating a system prompt or a configured secret, or a
    hateful one, replaced by a fixed message. The state keeps the guarded answer (it is what the session
    remembers). A clarifying question is the parser's own text and is left alone."""
    result = task_result(state, now, forced)
    if guard is None or not result.answer or result.status is TaskStatus.NEEDS_CLARIFICATION:
        return result, None
    verdict = guard.check_output(result.answer, tenant=state.tenant, language=state.graph.language)
    if verdict.text != result.answer:
        result.answer = state.answer = verdict.text
    return result, verdict


def reasoning_path(state: TaskState) -> list[dict[str, Any]]:
    """The hops of the knowledge-graph answers the task gave, in order (the result's ``reasoning_path``)."""
    hops: list[dict[str, Any]] = []
    for step in state.steps:
        found = step.output.get("graph") if step.kind is StepKind.GENERATE else None
        if isinstance(found, dict) and step.status is StepStatus.COMPLETED:
            hops.extend(h for h in found.get("reasoning_path", []) if isinstance(h, dict))
    return hops


def compose(state: TaskState) -> tuple[TaskStatus, str, str | None]:
    """The final answer from the intents' outputs; failures are named, never silent. Records the answer's
    source and whether it is grounded on the state."""
    zh = state.graph.language == "zh"
    state.answer_source, state.grounded = None, False
    if state.graph.clarification:
        state.answer_source = "template"
        return TaskStatus.NEEDS_CLARIFICATION, state.graph.clarification, None
    if not state.graph.intents:
        state.answer_source = "template"
        msg = "抱歉，我没有理解这个请求。" if zh else "Sorry, I could not understand this request."
        return TaskStatus.FAILED, msg, "no intent recognised"
    parts: list[str] = []
    rendered: list[A.Part] = []
    failures: list[str] = []
    cut: list[str] = []  # answered, but cut short at a deadline
    chained = _chained(state)
    arithmetic = is_word_problem(state.request.text) or any(i.entities.get(UNCOMPUTED) for i in state.graph.intents)
    for intent in state.graph.intents:
        step = intent_step(state, intent.id)
        if step is None:
            continue
        if step.status is StepStatus.COMPLETED and step.name == RESTATE:
            continue  # it only asked to be told a result that is already a part of the answer
        if step.status is StepStatus.COMPLETED and truncated_by(step) == "deadline" and not step.text.strip():
            step.status, step.error = StepStatus.FAILED, "no text was generated before the step's deadline"
        if step.status is StepStatus.COMPLETED:
            part = _render_output(state, step, zh)
            if arithmetic and part.source == "model" and invented_numbers(part.text, state.request.text,
                                                                           tool_texts(state)):
                # The last guard: a word problem's number comes from the request or a tool, never from a model.
                part = A.Part(uncomputed_answer(intent.text, state.graph.language), "template", failed=NOT_COMPUTED,
                              note="a number neither in the request nor from a tool step")
            if truncated_by(step) == "deadline" and part.source == "model":
                # what the model wrote by its deadline is shown cut short; a plain draft or a notice in its place is
                # whole (the model's cut text was not used)
                cut.append(f"{intent.text}: cut off at its deadline")
                part.text += ("……（已到截止时间，以上是截止前生成的部分）" if zh
                              else " … (cut off at the deadline: this is what was written by then)")
            rendered.append(part)
            if part.note:
                step.output["note"] = part.note
            if part.failed:
                failures.append(f"{intent.text}: {part.failed}")
            parts.append(_labelled(intent.text, part.text, zh) if intent.id in chained else part.text)
        elif (part := _written_without_the_model(state, step, zh)) is not None:
            # The model's step failed (a deadline on a busy machine, an inference error), but the writing it was to
            # do has a plain draft: the forecast's reminder, the request's facts in the frame of its kind.
            rendered.append(part)
            step.output["note"] = part.note
            parts.append(part.text)
        else:
            reason = step.error or step.status.value
            failures.append(f"{intent.text}: {reason}")
            parts.append(_not_done(intent.text, step, reason, zh))
    state.answer_source = A.combined_source(rendered) or "template"
    state.grounded = bool(rendered) and not failures and all(p.grounded for p in rendered)
    answer = parts[0] if len(parts) == 1 else "\n".join(f"{n}. {p}" for n, p in enumerate(parts, 1))
    if len(chained) > 1 and len(chained) == len(state.graph.intents) and not failures:
        answer += "\n" + _final_result(state, zh)
    if not failures and not cut:
        return TaskStatus.COMPLETED, answer, None
    if len(failures) == len(parts):
        return TaskStatus.FAILED, answer, "; ".join(failures)
    return TaskStatus.PARTIAL, answer, "partial: " + "; ".join(failures + cut)


def _written_without_the_model(state: TaskState, step: PlanStep, zh: bool) -> A.Part | None:
    """A failed writing step answered by its plain draft (``answers.writing_answer`` with no model text), or None
    when the writing has no plain frame (a poem) or the step was never run (an input it needs failed)."""
    if (step.status is not StepStatus.FAILED or step.kind is not StepKind.GENERATE
            or step.task_type != "creative_writing"):
        return None
    if any(d is not None and d.status is not StepStatus.COMPLETED for d in map(state.step, step.depends_on)):
        return None
    part = _writing(state, step, zh, "", trusted=[])
    if part.failed:
        return None
    part.note = f"the model step failed ({step.error or step.status.value}): a plain draft instead"
    return part


def _writing(state: TaskState, step: PlanStep, zh: bool, text: str, trusted: list[str] | None) -> A.Part:
    """A writing step's part (``answers.writing_answer``): ``text`` held to the forecast and exact results its
    completed inputs give, else their plain draft."""
    inputs = [d for d in map(state.step, step.depends_on) if d is not None and d.status is StepStatus.COMPLETED]
    forecast = next((d.output for d in inputs if d.name == "weather" and d.output.get("days")), None)
    results = [r for r in (exact_text(d, zh) or _row_text(d, zh) for d in inputs if d.name != "weather") if r]
    return A.writing_answer(text, str(step.arguments.get("text") or state.request.text), output_language(state, step),
                            zh, forecast=forecast, results=results, trusted=trusted)


def tool_texts(state: TaskState) -> list[str]:
    """What the task's completed tool steps were given and returned, as text (the numbers an answer may use)."""
    return [json.dumps([s.arguments, s.output], ensure_ascii=False, default=str) + " " + s.text
            for s in state.steps if s.kind is StepKind.TOOL and s.status is StepStatus.COMPLETED]


def _chained(state: TaskState) -> set[str]:
    """The exact intents of a chain (one works on another's result, or on the previous turn's, or a later step
    such as a piece of writing is given its result): their parts say which step of the request each is, and an
    answer of exact steps only ends with the final result."""
    exact = {i.id: i for i in state.graph.intents if i.tool in EXACT_TOOLS}
    linked = {i.id for i in exact.values() if any(d in exact for d in i.depends_on)
              or any(isinstance(v, str) and "{last}" in v for v in i.entities.values())}
    used = {d for i in state.graph.intents for d in i.depends_on if d in exact}
    if not linked and not used:
        return set()
    return linked | used


def _labelled(text: str, rendered: str, zh: bool) -> str:
    """``rendered`` after the words of the request it answers ("打八折：399*0.8 = 319.2"), unless they add nothing."""
    label = REFERENCE.sub("", text).strip(" ,，.。?？!！:：")
    if not label or len(label) > 80 or not any(ch.isalpha() for ch in label) or label.replace(" ", "") in rendered:
        return rendered
    return f"{label}：{rendered}" if zh else f"{label}: {rendered}"


def _final_result(state: TaskState, zh: bool) -> str:
    last = intent_step(state, state.graph.intents[-1].id)
    value = result_of(last) if last is not None else None
    if isinstance(value, float) and not value.is_integer() and round(value, 2) != value:
        shown = f"≈ {round(value, 2):g}" if abs(value) < 1e15 else f"{value:g}"
    elif isinstance(value, float) and value.is_integer():
        shown = str(int(value))
    else:
        shown = str(value)
    return f"最终结果：{shown}" if zh else f"Final result: {shown}"


def truncated_by(step: PlanStep) -> str | None:
    """``deadline`` or ``length`` when a generation's text stops before the model ended it."""
    if step.kind is not StepKind.GENERATE:
        return None
    value = step.output.get("truncated")
    return value if value in ("deadline", "length") else None


def _not_done(request: str, step: PlanStep, reason: str, zh: bool) -> str:
    """The part of the answer for an intent that was not answered, saying why."""
    blocked_by = list(dict.fromkeys(step.output.get("blocked_by") or [])) if step.status is StepStatus.SKIPPED else []
    if blocked_by:
        needed = "、".join(f"“{b}”" for b in blocked_by) if zh else ", ".join(f'"{b}"' for b in blocked_by)
        return (f"（未完成：{request}——它需要的{needed}没有完成，所以没有执行）" if zh
                else f"(not done: {request} — it needs {needed}, which failed, so it was not run)")
    if step.status is StepStatus.FAILED and step.kind is StepKind.TOOL:
        # say plainly which tool failed: "database file not found" alone reads like an answer
        return (f"（未完成：{request}——{step.name} 调用失败：{reason}）" if zh
                else f"(not done: {request} — {step.name} failed: {reason})")
    return f"（未完成：{request}——{reason}）" if zh else f"(not done: {request} — {reason})"


def acknowledgement(output: dict[str, Any], zh: bool) -> str:
    """What the user hears after asking to remember something (no model involved)."""
    text = str(output.get("text", "")).strip()
    if output.get("action") == "kept":
        return f"我之前记下的是：{text}，已保留。" if zh else f"I already have this on record: {text}"
    if output.get("kind") == "preference":
        return f"好的，我记住您的偏好了：{text}" if zh else f"Got it, I'll remember your preference: {text}"
    return f"好的，我记住了：{text}" if zh else f"Got it, I'll remember that: {text}"


def exact_text(step: PlanStep, zh: bool) -> str | None:
    """How an exact tool's output reads in an answer (None for other steps)."""
    if step.kind is not StepKind.TOOL:
        return None
    out = step.output
    if step.name == "calculator":
        return f"{step.arguments.get('expression', '')} = {out.get('result', step.text)}"
    if step.name == "convert_units" and "result" in out:
        return f"{out.get('value')} {out.get('from_unit')} = {out['result']} {out.get('to_unit')}"
    if step.name == "weather" and out.get("days"):
        return "\n".join(weather_lines(out, zh))  # in the request's language, the place as asked
    if step.name == "datetime" and out.get("difference_days") is not None:
        days = out["difference_days"]
        days = int(days) if float(days).is_integer() else days
        return f"相差 {days} 天" if zh else f"{days} days"
    if step.name == "datetime" and out.get("operation") == "add" and step.arguments.get("start"):
        weekday = out.get("weekday_zh") if zh else out.get("weekday")
        return f"{out.get('date')}（{weekday}）" if zh else f"{out.get('date')} ({weekday})"
    if step.name == "text_stats" and out:
        if out.get("phrase") is not None:
            return (f"“{out['phrase']}”出现了 {out.get('occurrences')} 次" if zh
                    else f"\"{out['phrase']}\" occurs {out.get('occurrences')} time(s)")
        if zh:
            return (f"共 {out.get('characters')} 个字符（其中汉字 {out.get('han')} 个），{out.get('latin_words')} 个英文单词，"
                    f"{out.get('sentences')} 句")
        return (f"{out.get('latin_words')} words, {out.get('characters')} characters (not counting spaces), "
                f"{out.get('sentences')} sentence(s)")
    return None


def _render_output(state: TaskState, step: PlanStep, zh: bool) -> A.Part:
    if step.kind is StepKind.REMEMBER and step.name == "remember":
        return A.Part(acknowledgement(step.output, zh), "template")
    if step.kind is StepKind.COMPOSE and step.name == UNCOMPUTED:
        return A.Part(step.text, "template", failed=NOT_COMPUTED)  # honest, but no answer: the task is not complete
    if step.kind is StepKind.COMPOSE and step.name == "unsupported":
        return A.Part(step.text, "template")  # what the system can't do, and what it can (capabilities.py)
    exact = exact_text(step, zh)
    if exact is not None and step.name == "weather":
        # what the request asks of the forecast (an umbrella, a coat) answered by rules on it
        return A.Part("\n".join([exact, *asked_advice(step.output, state.request.text, zh)]), "tool")
    if exact is not None:
        return A.Part(exact, "tool")
    if step.kind is StepKind.TOOL and step.name == "sql_query":
        rendered = _render_rows(step.output, zh) or step.text.strip()
        if structured_input(state, step) is not None:
            # A query the model chose: say what was asked of the database, not only what came back.
            return A.Part(f"{'查询' if zh else 'Query'} {sql_line(step, zh)}\n{rendered}", "tool")
        if rendered:
            return A.Part(rendered, "tool")
    if step.kind is StepKind.GENERATE and step.output.get("not_found") is True:
        return A.Part(step.text, "template")  # the knowledge base has nothing on it: said without a model
    if step.kind is StepKind.GENERATE and step.output.get("graph"):
        # the knowledge graph's answer chains facts quoted from the documents and cites each hop itself
        return A.Part(step.text.strip(), "extract", grounded=True)
    if step.kind is StepKind.GENERATE and (step.name == KB_ANSWER or step.arguments.get("kb_hit")):
        search = next((d for d in map(state.step, step.depends_on) if d is not None and d.name == "kb_search"), None)
        question = str(step.arguments.get("text") or state.request.text)
        rephrased = step.text if step.arguments.get("rephrase") else None
        return A.kb_answer(question, search.output if search else {}, zh, rephrased=rephrased)
    text = step.text.strip() or ("（无输出）" if zh else "(no output)")
    if step.kind is StepKind.TOOL:
        return A.Part(text, "tool")
    if step.kind is StepKind.GENERATE and step.task_type == "summarization" and step.text.strip():
        entities = step.arguments.get("entities") or {}
        source = _source_text(state, step)
        return A.summary_answer(step.text, str(step.arguments.get("text") or state.request.text), source,
                                str(entities.get("target_language") or state.graph.language or "") or None)
    if step.kind is StepKind.GENERATE and step.task_type == "creative_writing":
        return _writing(state, step, zh, step.text, trusted=trusted_languages(step))
    if step.kind is StepKind.GENERATE and step.task_type == "translation":
        entities = step.arguments.get("entities") or {}
        target = str(entities.get("target_language") or "") or None
        return A.translation_answer(step.text, target, _source_text(state, step), zh)
    if step.kind is StepKind.GENERATE and step.task_type == "code_generation":
        return A.code_answer(step.text, str(step.arguments.get("text") or state.request.text), zh)
    if step.kind is StepKind.GENERATE and step.task_type == "question_answering":
        language = output_language(state, step)
        trusted = trusted_languages(step)
        if language and trusted is not None and "*" not in trusted and language not in trusted and \
                not passages_of(state, step):  # an open question: nothing retrieved to answer from
            searched = any(d is not None and d.name == "kb_search" and d.status is StepStatus.COMPLETED
                           and int(d.output.get("kb_chunks") or 0) > 0 for d in map(state.step, step.depends_on))
            return A.untrusted_answer(language, zh, searched_kb=searched)
    return A.Part(A.with_sources(text, passages_of(state, step), zh), "model")


_KEY_COLUMNS = ("order_id", "item", "status", "carrier", "tracking_no", "amount", "customer")


def _row_text(step: PlanStep, zh: bool) -> str | None:
    """One database row a piece of writing is about, in a few of its columns ("订单号: 1024，状态: 已发货")."""
    if step.name != "sql_query":
        return None
    columns, rows = step.output.get("columns"), step.output.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list) or len(rows) != 1:
        return None
    pairs = dict(zip(columns, rows[0], strict=False))
    keys = [c for c in _KEY_COLUMNS if c in pairs][:4] or list(pairs)[:4]
    labels = _ORDER_LABELS_ZH if zh else {}
    return ("，" if zh else ", ").join(f"{labels.get(k, k)}: {pairs[k]}" for k in keys)


def _source_text(state: TaskState, step: PlanStep) -> str:
    """What a summary or translation works on: its input steps' outputs, else the request's payload."""
    inputs = [d.text.strip() for d in map(state.step, step.depends_on)
              if d is not None and d.status is StepStatus.COMPLETED and d.intent_id and d.text.strip()]
    if inputs:
        return "\n".join(inputs)
    return A.payload(str(step.arguments.get("text") or state.request.text), step.arguments.get("entities") or {})


_ORDER_LABELS_ZH = {"order_id": "订单号", "status": "状态", "customer": "客户", "item": "商品", "amount": "金额",
                    "city": "城市", "carrier": "承运商", "tracking_no": "运单号", "created_at": "下单时间",
                    "updated_at": "更新时间", "quantity": "数量", "currency": "币种"}


def _render_rows(output: dict[str, Any], zh: bool) -> str | None:
    """A single row reads as `field: value` lines; several rows stay a table; none says so."""
    columns, rows = output.get("columns"), output.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        return None
    if not rows:
        return "没有查到符合条件的记录。" if zh else "No matching rows."
    if len(rows) == 1:
        labels = _ORDER_LABELS_ZH if zh else {}
        return "\n".join(f"{labels.get(c, c)}: {v}" for c, v in zip(columns, rows[0], strict=False))
    return None


def executed_steps(state: TaskState) -> list[ExecutedStep]:
    out = []
    for s in state.steps:
        if s.after_result:
            continue
        summary = (s.text or s.error or str(s.output.get("text", ""))).strip().replace("\n", " ")
        if s.status is not StepStatus.COMPLETED and s.error:
            summary = s.error
        if s.output.get("note"):  # the model's text was replaced: say so first
            summary = f"{s.output['note']}; {summary}"
        limit = _SUMMARY_CHARS
        if s.kind is StepKind.TOOL and s.name == "sql_query" and sql_line(s):
            summary, limit = f"{sql_line(s)} -> {summary}", _SQL_SUMMARY_CHARS
        out.append(
            ExecutedStep(
                id=s.id,
                kind=s.kind,
                name=s.name,
                intent_id=s.intent_id,
                status=s.status,
                duration_ms=round(s.duration_ms, 2),
                attempts=s.attempts,
                summary=summary[:limit],
                depends_on=s.depends_on,
                truncated=truncated_by(s),
            )
        )
    return out


def progress_report(state: TaskState) -> TaskProgress | None:
    """What changed since the last report, for a task whose request asked for progress: a ``plan`` event
    (every step, and the intents) when steps were added, else a ``step`` event with the steps whose status
    changed. None when nothing changed, the request didn't ask, or the result is out (it has every step)."""
    if not state.request.report_progress or state.result_published:
        return None
    steps = executed_steps(state)
    current = {s.id: s.status.value for s in steps}
    if current == state.reported:
        return None
    if set(current) != set(state.reported):
        report = TaskProgress(task_id=state.task_id, kind="plan", steps=steps,
                              intents=[i.model_dump(mode="json") for i in state.graph.intents])
    else:
        changed = [s for s in steps if state.reported.get(s.id) != s.status.value]
        report = TaskProgress(task_id=state.task_id, kind="step", steps=changed)
    state.reported = current
    return report



def sql_line(step: PlanStep, zh: bool = False) -> str:
    """What a sql_query step ran: its SQL and bound values."""
    query = str(step.arguments.get("query") or "")
    params = step.arguments.get("params")
    bound = f" {'参数' if zh else 'params'} {json.dumps(params, ensure_ascii=False)}" if params else ""
    return f"SQL: {query}{bound}" if query else ""
