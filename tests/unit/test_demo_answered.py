"""What `make demo` counts as an answered example (shared/cli/demo.answered)."""

from __future__ import annotations

from autoglm.shared.cli.demo import answered
from autoglm.shared.events import ExecutedStep, StepKind, StepStatus, TaskCompleted, TaskStatus


def _result(status: TaskStatus, *steps: tuple[StepKind, str, StepStatus]) -> TaskCompleted:
    return TaskCompleted(task_id="t", status=status, answer="…",
                         steps=[ExecutedStep(id=f"s{i}", kind=k, name=n, status=st) for i, (k, n, st) in enumerate(steps)])


def test_completed_and_partial_results_are_answers() -> None:
    assert answered(_result(TaskStatus.COMPLETED, (StepKind.TOOL, "calculator", StepStatus.COMPLETED)))
    assert answered(_result(TaskStatus.PARTIAL, (StepKind.GENERATE, "generate", StepStatus.COMPLETED)))


def test_a_text_that_failed_the_answer_checks_after_every_step_ran_is_an_answer() -> None:
    # the bundled model's poem looped: the writing check says so instead of handing it over (status failed)
    assert answered(_result(TaskStatus.FAILED, (StepKind.RECALL, "recall", StepStatus.SKIPPED),
                            (StepKind.GENERATE, "generate", StepStatus.COMPLETED)))


def test_a_failed_step_or_no_step_fails_the_demo() -> None:
    assert not answered(_result(TaskStatus.FAILED, (StepKind.TOOL, "weather", StepStatus.FAILED),
                                (StepKind.GENERATE, "generate", StepStatus.SKIPPED)))
    assert not answered(_result(TaskStatus.FAILED))
    assert not answered(_result(TaskStatus.NEEDS_CLARIFICATION, (StepKind.GENERATE, "generate", StepStatus.COMPLETED)))
