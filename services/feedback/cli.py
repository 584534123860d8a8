"""`autoglm feedback ...` and `autoglm prompts ...` commands.

The commands work through a :class:`CommandDeps` the mounting application injects as typer's context object:
``submit`` sends one piece of feedback and returns the feedback service's verdict, ``call`` sends one
operation of ``autoglm.feedback.requests`` for a tenant and returns its output. The `autoglm` CLI injects
Kafka clients of the running stack (shared/cli/main.py); tests inject fakes.

``autoglm feedback TASK --score …`` is the default command of the group: a first argument that is not a
sub-command name is a task id.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from autoglm.shared.events import (
    FeedbackExport,
    FeedbackList,
    FeedbackStats,
    FewShotExample,
    PromptAdd,
    PromptPin,
    PromptPropose,
    PromptRetire,
    PromptStats,
    PromptVariant,
    StepRequest,
)

Submit = Callable[..., Awaitable[dict[str, Any]]]
Call = Callable[[str, StepRequest], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class CommandDeps:
    """``submit(task_id, score, scale=, comment=, correction=, tenant=, user=)`` -> the verdict (raises with the
    reason when refused); ``call(tenant, operation)`` -> its output (raises RuntimeError with the service's error)."""

    submit: Submit | None = None
    call: Call | None = None


class _TaskOrCommand(TyperGroup):
    """`feedback TASK ...` runs `feedback give TASK ...`; `feedback list` runs the sub-command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["give", *args]
        return super().parse_args(ctx, args)


FEEDBACK_HELP = ("Rate and correct tasks' answers: `autoglm feedback TASK --score up|down|1-5 [--comment TEXT] "
                 "[--correction ANSWER|JSON|@FILE]`; or list, stats and export feedback.")
feedback_app = typer.Typer(help=FEEDBACK_HELP, cls=_TaskOrCommand, no_args_is_help=True)
prompts_app = typer.Typer(help="Prompt variants per task type: stats, add, pin, retire, propose.", no_args_is_help=True)

Tenant = Annotated[str, typer.Option(help="Tenant id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _deps(ctx: typer.Context) -> CommandDeps:
    return ctx.find_object(CommandDeps) or CommandDeps()


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _call(ctx: typer.Context, tenant: str, op: StepRequest) -> dict[str, Any]:
    call = _deps(ctx).call
    if call is None:
        raise _fail("no connection to the feedback service configured")
    try:
        return asyncio.run(call(tenant, op))
    except (typer.Exit, click.exceptions.Exit):
        raise
    except TimeoutError:
        raise _fail("the feedback service did not answer: is the stack up (`autoglm up`)?", 3) from None
    except RuntimeError as exc:
        raise _fail(str(exc)) from None


def _dump(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def parse_score(score: str, stars: bool) -> tuple[int, str]:
    """``up``/``+1``/``1`` and ``down``/``-1`` are thumbs; ``2``..``5`` (or ``1`` with ``--stars``) are stars."""
    text = score.strip().lower()
    if text in ("up", "+1", "+") or (text == "1" and not stars):
        return 1, "thumbs"
    if text in ("down", "-1", "-"):
        if stars:
            raise ValueError("a star rating is 1 to 5")
        return -1, "thumbs"
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text), "stars"
    raise ValueError(f"score {score!r}: use up/down (+1/-1) or 1 to 5 stars")


def parse_correction(text: str | None) -> str | dict[str, Any] | None:
    """A corrected answer, or an intent graph: JSON text starting with ``{`` or ``@FILE`` holding it."""
    if text is None:
        return None
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        try:
            graph = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"the correction looks like an intent graph but is not JSON: {exc}") from None
        if not isinstance(graph, dict):
            raise ValueError("an intent-graph correction is a JSON object with `intents`")
        return graph
    return text


@feedback_app.command("give", hidden=True)
def give(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument(help="The task to rate.")],
    score: Annotated[str, typer.Option(help="up/down (+1/-1), or 1-5 stars.")],
    comment: Annotated[str | None, typer.Option(help="Free text.")] = None,
    correction: Annotated[str | None, typer.Option(
        help="What it should have been: the answer text, or the intent graph as JSON ({\"intents\": [...]}) or "
        "@FILE.")] = None,
    stars: Annotated[bool, typer.Option("--stars", help="Read a score of 1 as one star.")] = False,
    tenant: Tenant = "default",
    user: Annotated[str | None, typer.Option(help="Who rates it.")] = None,
    as_json: AsJson = False,
) -> None:
    """Rate (and correct) a task's answer; prints what the feedback changed."""
    submit = _deps(ctx).submit
    if submit is None:
        raise _fail("no connection to the feedback service configured")
    try:
        value, scale = parse_score(score, stars)
        fixed = parse_correction(correction)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    try:
        verdict = asyncio.run(submit(task_id, value, scale=scale, comment=comment, correction=fixed, tenant=tenant,
                                     user=user))
    except (typer.Exit, click.exceptions.Exit):
        raise
    except TimeoutError as exc:
        raise _fail(str(exc), 3) from None
    except (RuntimeError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _dump(verdict)
        return
    typer.echo(f"feedback on {task_id}: {', '.join(verdict.get('applied', [])) or 'stored'}")


@feedback_app.command("list")
def list_feedback(
    ctx: typer.Context,
    tenant: Tenant = "default",
    task: Annotated[str | None, typer.Option(help="Only this task's.")] = None,
    task_type: Annotated[str | None, typer.Option(help="Only tasks of this type.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: AsJson = False,
) -> None:
    """The tenant's feedback, newest first, with each task's request and answer."""
    rows = _call(ctx, tenant, FeedbackList(step_id="", reply_to="", task_id=task, task_type=task_type,
                                           limit=limit))["feedback"]
    if as_json:
        _dump(rows)
        return
    for r in rows:
        score = f"{r['score']:+d}" if r["scale"] == "thumbs" else f"{r['score']}*"
        versions = ",".join(f"{k}:{v}" for k, v in (r.get("prompt_versions") or {}).items()) or "-"
        typer.echo(f"{r['task_id']}\t{score}\t{r['kind']}\t{r.get('task_type') or '-'}\t{versions}\t"
                   f"{(r.get('request') or '')[:60]}\t{(r.get('comment') or '')[:60]}")


@feedback_app.command("stats")
def stats(ctx: typer.Context, tenant: Tenant = "default", as_json: AsJson = False) -> None:
    """Ratings per task type and prompt version."""
    rows = _call(ctx, tenant, FeedbackStats(step_id="", reply_to=""))["stats"]
    if as_json:
        _dump(rows)
        return
    typer.echo("task_type\tprompt_version\tratings\tmean\tup\tdown\tstars\tcorrections")
    for r in rows:
        stars_mean = f"{r['mean_stars']:.2f}" if r["mean_stars"] is not None else "-"
        typer.echo(f"{r['task_type']}\t{r['prompt_version']}\t{r['ratings']}\t{r['mean_reward']:.3f}\t"
                   f"{r['thumbs_up']}\t{r['thumbs_down']}\t{stars_mean}\t{r['corrections']}")


@feedback_app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="sft (chat pairs) or dpo (chosen/rejected).")] = "sft",
    tenant: Tenant = "default",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="JSONL file (default: stdout).")] = None,
) -> None:
    """Fine-tuning data from the tenant's feedback as JSONL, personal data masked."""
    if fmt not in ("sft", "dpo"):
        raise _fail("--format is sft or dpo")
    rows: list[dict[str, Any]] = []
    while True:
        page = _call(ctx, tenant, FeedbackExport(step_id="", reply_to="", format=fmt, offset=len(rows)))  # type: ignore[arg-type]
        rows.extend(page["rows"])
        if not page["rows"] or len(rows) >= page["total"]:
            break
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"{len(rows)} {fmt} rows -> {out}", err=True)


@prompts_app.command("stats")
def prompt_stats(
    ctx: typer.Context,
    tenant: Tenant = "default",
    task_type: Annotated[str | None, typer.Option(help="Only this task type.")] = None,
    as_json: AsJson = False,
) -> None:
    """Traffic and rating per variant, with the 95% credible interval of its mean and P(best)."""
    entries = _call(ctx, tenant, PromptStats(step_id="", reply_to="", task_type=task_type))["prompts"]
    if as_json:
        _dump(entries)
        return
    for entry in entries:
        typer.echo(f"{entry['task_type']}  (min share {entry['min_share']:.2f}"
                   f"{', pinned ' + entry['pinned'] if entry['pinned'] else ''})")
        typer.echo("  variant\tstatus\ttraffic\tshare\tratings\tmean\t95% CI\tP(best)")
        for v in entry["variants"]:
            p_best = f"{v['p_best']:.2f}" if v["p_best"] is not None else "-"
            typer.echo(f"  {v['variant']}\t{v['status']}\t{v['traffic']}\t{v['traffic_share']:.2f}\t{v['ratings']}\t"
                       f"{v['mean']:.3f}\t[{v['ci95'][0]:.3f}, {v['ci95'][1]:.3f}]\t{p_best}")


def _examples(pairs: list[str]) -> list[FewShotExample]:
    out = []
    for pair in pairs:
        request, sep, answer = pair.partition("=>")
        if not sep:
            raise _fail(f"--example {pair!r}: write REQUEST=>ANSWER")
        out.append(FewShotExample(request=request.strip(), answer=answer.strip()))
    return out


@prompts_app.command("add")
def add(
    ctx: typer.Context,
    task_type: Annotated[str, typer.Argument(help="Intent type, e.g. creative_writing.")],
    variant: Annotated[str, typer.Argument(help="Variant id.")],
    system: Annotated[str | None, typer.Option(help="System text ($request, $language_hint ...); default the "
                                               "base template's.")] = None,
    example: Annotated[list[str] | None, typer.Option(help="A worked example, REQUEST=>ANSWER (repeatable).")] = None,
    everyone: Annotated[bool, typer.Option(help="For every tenant.")] = False,
    tenant: Tenant = "default",
) -> None:
    """Make a variant live: new users of the tenant may be assigned it."""
    try:
        body = PromptVariant(id=variant, system=system, few_shot=_examples(example or []))
    except ValueError as exc:
        raise _fail(str(exc)) from None
    out = _call(ctx, tenant, PromptAdd(step_id="", reply_to="", task_type=task_type, variant=body, everyone=everyone))
    typer.echo(f"{task_type}: {out['added']} live for {out['scope']}")


@prompts_app.command("pin")
def pin(
    ctx: typer.Context,
    task_type: Annotated[str, typer.Argument()],
    variant: Annotated[str, typer.Argument(help="Variant id (v1: the base templates).")],
    min_share: Annotated[float | None, typer.Option(min=0, max=1, help="Also set the exploration share.")] = None,
    tenant: Tenant = "default",
) -> None:
    """Give every user of the tenant one variant."""
    _call(ctx, tenant, PromptPin(step_id="", reply_to="", task_type=task_type, variant=variant, min_share=min_share))
    typer.echo(f"{task_type}: pinned {variant}")


@prompts_app.command("unpin")
def unpin(
    ctx: typer.Context,
    task_type: Annotated[str, typer.Argument()],
    min_share: Annotated[float | None, typer.Option(min=0, max=1, help="Also set the exploration share.")] = None,
    tenant: Tenant = "default",
) -> None:
    """Back to the bandit (Thompson sampling on ratings)."""
    _call(ctx, tenant, PromptPin(step_id="", reply_to="", task_type=task_type, variant=None, min_share=min_share))
    typer.echo(f"{task_type}: unpinned")


@prompts_app.command("retire")
def retire(
    ctx: typer.Context,
    task_type: Annotated[str, typer.Argument()],
    variant: Annotated[str, typer.Argument()],
    tenant: Tenant = "default",
) -> None:
    """Stop assigning a variant; users holding it get another."""
    _call(ctx, tenant, PromptRetire(step_id="", reply_to="", task_type=task_type, variant=variant))
    typer.echo(f"{task_type}: retired {variant}")


@prompts_app.command("propose")
def propose(
    ctx: typer.Context,
    task_type: Annotated[str, typer.Argument()],
    examples: Annotated[int, typer.Option(min=1, max=8, help="Worked examples.")] = 3,
    min_reward: Annotated[float, typer.Option(min=0, max=1, help="Only answers rated at least this (0..1).")] = 0.75,
    tenant: Tenant = "default",
    as_json: AsJson = False,
) -> None:
    """A new live variant with worked examples from the tenant's own best-rated answers of this type."""
    out = _call(ctx, tenant, PromptPropose(step_id="", reply_to="", task_type=task_type, examples=examples,
                                           min_reward=min_reward))
    if as_json:
        _dump(out)
        return
    typer.echo(f"{task_type}: proposed {out['added']} with {len(out['variant']['few_shot'])} worked examples")
