"""The AsyncAPI document is generated from the catalog and the event models, covers all of them, declares exactly
the headers the services write, matches the bytes of a result (and the README's example of one), and passes the
official AsyncAPI parser."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from autoglm.shared.cli.asyncapi import ASYNCAPI_VERSION, build_asyncapi
from autoglm.shared.config import Settings
from autoglm.shared.events import (
    EVENT_PAYLOADS,
    CloudEvent,
    EventType,
    ExecutedStep,
    StepKind,
    StepStatus,
    TaskCompleted,
    TaskStatus,
)
from autoglm.shared.kafka.codec import encode
from autoglm.shared.topics import CATALOG

from ..support.node import NODE_DIR, node_with_modules

REPO = Path(__file__).resolve().parents[2]


def test_every_topic_and_event_is_documented() -> None:
    doc = build_asyncapi()
    json.dumps(doc)  # serialisable
    assert doc["asyncapi"] == ASYNCAPI_VERSION == "3.1.0"
    addresses = {c["address"]: c for c in doc["channels"].values()}
    for spec in CATALOG:
        assert spec.name in addresses
        assert addresses[spec.name]["bindings"]["kafka"]["partitions"] == spec.partitions
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert {t.value for t in EVENT_PAYLOADS} <= names


def test_fields_carry_descriptions() -> None:
    schemas = build_asyncapi()["components"]["schemas"]
    task = schemas["TaskRequested"]["properties"]
    assert all("description" in prop for prop in task.values())
    envelope = next(v for k, v in schemas.items() if k.startswith("CloudEvent_TaskRequested"))
    for attribute in ("specversion", "id", "source", "type", "time", "subject", "taskid", "sessionid", "tenant",
                      "schemaversion", "traceparent"):
        assert attribute in envelope["properties"]


# ---------------------------------------------------------------- the document and the bytes agree


def _result() -> CloudEvent[TaskCompleted]:
    step = ExecutedStep(id="s1", kind=StepKind.TOOL, name="calculator", status=StepStatus.COMPLETED)
    return CloudEvent[TaskCompleted](
        source="/autoglm/planner", type=EventType.TASK_COMPLETED.value, taskid="t-1", sessionid="s-1", tenant="acme",
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        data=TaskCompleted(task_id="t-1", status=TaskStatus.COMPLETED, answer="60", steps=[step]),
    )


def _validator(doc: dict[str, Any], ref: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for ``ref`` (a schema or a $ref into the document), resolving the document's $refs."""
    return jsonschema.Draft202012Validator({**ref, "components": doc["components"]})


def _channel_messages(doc: dict[str, Any], topic: str) -> list[dict[str, Any]]:
    channel = next(c for c in doc["channels"].values() if c["address"] == topic)
    return [doc["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]] for ref in channel["messages"].values()]


@pytest.mark.parametrize("mode", ["structured", "binary"])
def test_the_declared_headers_are_exactly_the_headers_sent(mode: str) -> None:
    settings = Settings(content_modes={"autoglm.results": mode} if mode == "binary" else {})
    doc = build_asyncapi(settings=settings)
    [message] = _channel_messages(doc, "autoglm.results")
    value, headers = encode(_result(), mode)  # type: ignore[arg-type]
    sent = {name: raw.decode() for name, raw in headers}
    declared = message["headers"]
    assert set(sent) == set(declared["properties"])
    assert not jsonschema.Draft202012Validator(declared).is_valid({**sent, "x-extra": "1"})  # nothing else
    _validator(doc, declared).validate(sent)
    payload = json.loads(value)
    _validator(doc, message["payload"]).validate(payload)


def test_the_result_schema_requires_every_field_the_bytes_carry() -> None:
    doc = build_asyncapi()
    [message] = _channel_messages(doc, "autoglm.results")
    schemas = doc["components"]["schemas"]
    written = json.loads(encode(_result())[0])
    assert set(schemas["TaskCompleted"]["required"]) == set(written["data"]) == set(TaskCompleted.model_fields)
    assert set(schemas["ExecutedStep"]["required"]) == set(written["data"]["steps"][0])
    envelope = schemas[message["payload"]["$ref"].rsplit("/", 1)[1]]
    assert set(envelope["required"]) | {"traceparent"} == set(written)
    missing_error = {**written, "data": {k: v for k, v in written["data"].items() if k != "error"}}
    assert not _validator(doc, message["payload"]).is_valid(missing_error)


def _readme_result_example() -> dict[str, Any]:
    text = (REPO / "README.md").read_text()
    found = re.search(r"Its result on `autoglm\.results`.*?```json\n(.*?)\n```", text, re.S)
    assert found, "README: the result example after 'Its result on `autoglm.results`' is missing"
    return dict(json.loads(found.group(1)))


def test_the_readme_result_example_is_what_the_services_write() -> None:
    """The README's result example shows every field (null where unset) and validates against the document."""
    example = _readme_result_example()
    doc = build_asyncapi()
    [message] = _channel_messages(doc, "autoglm.results")
    _validator(doc, message["payload"]).validate(example)
    assert set(example["data"]) == set(TaskCompleted.model_fields), "README result example: fields differ"
    for step in example["data"]["steps"]:
        assert set(step) == set(ExecutedStep.model_fields), "README result example: step fields differ"
    TaskCompleted.model_validate(example["data"])


def test_a_task_in_either_mode_is_on_the_task_channel() -> None:
    messages = _channel_messages(build_asyncapi(), "autoglm.tasks")
    assert [m["contentType"] for m in messages] == ["application/cloudevents+json", "application/json"]
    binary = messages[1]["headers"]
    assert {"ce_specversion", "ce_id", "ce_source", "ce_type"} == set(binary["required"])
    assert {"ce_tenant", "ce_sessionid", "ce_traceparent", "content-type"} <= set(binary["properties"])


# ---------------------------------------------------------------- the official parser


@pytest.fixture(scope="module")
def asyncapi_parser() -> list[str]:
    """``node validate.mjs``, with @asyncapi/parser installed from the npm registry on first use."""
    return [node_with_modules("@asyncapi/parser"), str(NODE_DIR / "validate.mjs")]


@pytest.mark.parametrize("modes", [{}, {"autoglm.results": "binary", "autoglm.dlq": "binary"}], ids=["default", "binary"])
def test_the_official_parser_accepts_the_document(asyncapi_parser: list[str], tmp_path: Path,
                                                  modes: dict[str, str]) -> None:
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(build_asyncapi(settings=Settings(content_modes=modes))))
    done = subprocess.run([*asyncapi_parser, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    problems = [d for d in report["diagnostics"] if d["severity"] <= 1]  # 0 error, 1 warning
    assert report["parsed"] and report["version"] == ASYNCAPI_VERSION and not problems, problems[:5]


def test_the_parser_check_sees_a_broken_document(asyncapi_parser: list[str], tmp_path: Path) -> None:
    """The check above can't pass by seeing nothing: a document with a dangling reference fails it."""
    doc = build_asyncapi()
    next(iter(doc["channels"].values()))["messages"]["Nope"] = {"$ref": "#/components/messages/Nope"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc))
    report = json.loads(subprocess.run([*asyncapi_parser, str(path)], capture_output=True, text=True,
                                       timeout=120).stdout)
    assert not report["parsed"] and any(d["severity"] == 0 for d in report["diagnostics"])
