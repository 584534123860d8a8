"""The AsyncAPI 3.1 document, generated from the topic catalog, the event models and the content modes.

Never written by hand: `autoglm asyncapi` prints it; tests check that every topic and event type of the
catalog appears in it, that it declares exactly the headers the services write, that its result schema
matches the bytes, and that the official AsyncAPI parser accepts it (tests/unit/test_asyncapi.py).

What the services write is described in serialization mode, every payload field required (optional
ones are written as null); what upstream systems write (tasks) in validation mode, only the required
attributes required. Each message names its record headers: the structured content mode's
``content-type`` and ``traceparent``, or for a binary-mode output (``Settings.content_modes``) the
``ce_*`` headers. The task topic also lists the binary-mode task, which every input topic accepts.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import JsonSchemaMode, models_json_schema

from .. import events
from ..config import Settings
from ..events import EVENT_PAYLOADS, CloudEvent, EventType
from ..topics import CATALOG, TASKS

ASYNCAPI_VERSION = "3.1.0"
_REF = "#/components/schemas/{model}"
_KAFKA_BINDING = "0.5.0"

INPUT_EVENTS = frozenset({EventType.TASK_REQUESTED})
"""Written by systems outside the project: described as what is accepted, not what is written."""
_INPUT_REQUIRED = ["specversion", "id", "source", "type", "data"]
_OUTPUT_REQUIRED = ["specversion", "id", "source", "type", "time", "subject", "datacontenttype", "taskid",
                    "sessionid", "tenant", "schemaversion", "data"]
"""Attributes every event the services write carries (``traceparent`` too, whenever a trace context exists)."""

KEY_DESCRIPTION = (
    "The session id (the task id when no session is given), UTF-8. Partition = murmur2(key) mod partitions, "
    "as the Java client and aiokafka compute it: librdkafka-based producers (confluent-kafka, node-rdkafka, "
    "Sarama's and others' ports) must set partitioner=murmur2_random, whose default (CRC32) puts a session "
    "on another partition than the project's own producers."
)
TRACEPARENT_HEADER = {
    "type": "string",
    "description": "W3C trace context: a copy of the event's traceparent attribute, for consumers that read "
    "trace context from headers.",
    "examples": ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
}


def _message_name(etype: EventType, binary: bool = False) -> str:
    return EVENT_PAYLOADS[etype].__name__ + ("Binary" if binary else "")


def _mode(etype: EventType) -> JsonSchemaMode:
    return "validation" if etype in INPUT_EVENTS else "serialization"


def build_asyncapi(server: str = "127.0.0.1:9092", settings: Settings | None = None) -> dict[str, Any]:
    modes = (settings or Settings(broker={"bootstrap_servers": server})).content_modes
    envelopes = {etype: CloudEvent[EVENT_PAYLOADS[etype]] for etype in EVENT_PAYLOADS}  # type: ignore[valid-type]
    keys, schema = models_json_schema(
        [(model, _mode(etype)) for etype, model in envelopes.items()], ref_template=_REF
    )
    schemas: dict[str, Any] = _asyncapi_discriminators(dict(schema.get("$defs", {})))
    envelope_names: dict[EventType, str] = {}
    for etype, model in envelopes.items():
        name = keys[(model, _mode(etype))]["$ref"].rsplit("/", 1)[1]
        envelope_names[etype] = name
        required = _INPUT_REQUIRED if etype in INPUT_EVENTS else _OUTPUT_REQUIRED
        schemas[name]["required"] = required
        if etype not in INPUT_EVENTS:  # written with a value, never null
            props = schemas[name]["properties"]
            for attr in required:
                props[attr] = _written(props[attr])
    binary_topics = {topic for topic, mode in modes.items() if mode == "binary"}
    binary_events = {e for spec in CATALOG if spec.name in binary_topics or spec.name == TASKS for e in spec.events}
    messages: dict[str, Any] = {}
    for etype in envelopes:
        envelope = schemas[envelope_names[etype]]
        summary = (EVENT_PAYLOADS[etype].__doc__ or "").strip().splitlines()[0]
        messages[_message_name(etype)] = {
            "name": etype.value,
            "title": _message_name(etype),
            "summary": summary,
            "description": "CloudEvents structured content mode: the record value is the whole event.",
            "contentType": events.CONTENT_TYPE,
            "payload": {"$ref": _REF.format(model=envelope_names[etype])},
            "headers": {
                "type": "object",
                "properties": {
                    "content-type": {"type": "string", "const": events.CONTENT_TYPE},
                    "traceparent": TRACEPARENT_HEADER,
                },
                "required": ["content-type"],
                "additionalProperties": etype in INPUT_EVENTS,
            },
            "bindings": {"kafka": {"key": {"type": "string", "description": KEY_DESCRIPTION},
                                   "bindingVersion": _KAFKA_BINDING}},
        }
        if etype in binary_events:
            messages[_message_name(etype, binary=True)] = _binary_message(etype, envelope, summary)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in CATALOG:
        cid = spec.name.replace(".", "_")
        if not spec.events:
            messages.setdefault(
                "PlanCheckpoint",
                {
                    "name": "planner checkpoint",
                    "title": "PlanCheckpoint",
                    "summary": "Planner-private task state; not a contract. Null value (tombstone) when a task ends.",
                    "contentType": "application/json",
                    "payload": {"type": ["object", "null"]},
                    "bindings": {"kafka": {"key": {"type": "string", "description": "Task id."},
                                           "bindingVersion": _KAFKA_BINDING}},
                },
            )
        if not spec.events:
            channel_messages = ["PlanCheckpoint"]
        elif spec.name in binary_topics:
            channel_messages = [_message_name(e, binary=True) for e in spec.events]
        else:
            channel_messages = [_message_name(e) for e in spec.events]
            if spec.name == TASKS:
                channel_messages += [_message_name(e, binary=True) for e in spec.events]
        channels[cid] = {
            "address": spec.name,
            "title": spec.name,
            "description": spec.description + (" Public." if spec.public else " Internal."),
            "messages": {m: {"$ref": f"#/components/messages/{m}"} for m in channel_messages},
            "bindings": {
                "kafka": {
                    "topic": spec.name,
                    "partitions": spec.partitions,
                    "topicConfiguration": {"cleanup.policy": ["compact" if spec.compacted else "delete"]},
                    "bindingVersion": _KAFKA_BINDING,
                }
            },
            "tags": [{"name": "public" if spec.public else "internal"}],
        }
        refs = [{"$ref": f"#/channels/{cid}/messages/{m}"} for m in channel_messages]
        for producer in spec.producers:
            operations[f"{producer}_sends_{cid}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{cid}"},
                "title": f"{producer} publishes to {spec.name}",
                "messages": refs,
            }
        for consumer in spec.consumers:
            operations[f"{consumer}_receives_{cid}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{cid}"},
                "title": f"{consumer} consumes {spec.name}",
                "messages": refs,
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Open-AutoGLM",
            "version": "0.1.0",
            "description": (
                "Event-driven task automation. Upstream systems publish `autoglm.task.requested` on "
                "`autoglm.tasks`; results arrive on `autoglm.results`; rejected records on `autoglm.dlq`. "
                "Every input topic accepts both content modes of the CloudEvents Kafka binding (structured: "
                "the event as one JSON value; binary: attributes in ce_* headers, data as the value); the "
                "services write the structured mode unless an output is configured binary (content_modes). "
                "The record key is the session id, partitioned with murmur2 (see each message's key). "
                f"A task's text is at most {events.MAX_TEXT_CHARS:,} characters (error class text_too_long)."
            ),
        },
        "defaultContentType": events.CONTENT_TYPE,
        "servers": {"embedded": {"host": server, "protocol": "kafka", "description": "Embedded Tansu broker"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _binary_message(etype: EventType, envelope: dict[str, Any], summary: str) -> dict[str, Any]:
    """The same event in the binary content mode: each attribute a ``ce_<name>`` header, ``data`` the value."""
    properties: dict[str, Any] = {  # a header has a value or is absent: never null
        f"ce_{name}": _written(prop) for name, prop in envelope["properties"].items()
        if name not in ("data", "datacontenttype")
    }
    content_type: dict[str, Any] = {"type": "string", "description": "The data's media type (the datacontenttype "
                                    "attribute): JSON; absent means JSON."}
    if etype in INPUT_EVENTS:
        content_type["examples"] = [events.DATA_CONTENT_TYPE]
    else:
        content_type["const"] = events.DATA_CONTENT_TYPE
    properties["content-type"] = content_type
    properties["traceparent"] = TRACEPARENT_HEADER
    required = [f"ce_{name}" for name in envelope["required"] if name not in ("data", "datacontenttype")]
    return {
        "name": etype.value,
        "title": _message_name(etype, binary=True),
        "summary": summary,
        "description": "CloudEvents binary content mode: the attributes are ce_* headers (UTF-8), the record "
        "value is the event's data alone.",
        "contentType": events.DATA_CONTENT_TYPE,
        "payload": envelope["properties"]["data"],
        "headers": {
            "type": "object",
            "properties": properties,
            "required": required + ([] if etype in INPUT_EVENTS else ["content-type"]),
            "additionalProperties": etype in INPUT_EVENTS,
        },
        "bindings": {"kafka": {"key": {"type": "string", "description": KEY_DESCRIPTION},
                               "bindingVersion": _KAFKA_BINDING}},
    }


def _written(prop: dict[str, Any]) -> dict[str, Any]:
    """An attribute's schema without its null branch and its default: the form it has when it is written."""
    out = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        out.update(branches[0])
    elif branches:
        out["anyOf"] = branches
    return out


def _asyncapi_discriminators(node: Any) -> Any:
    """pydantic writes OpenAPI's ``discriminator: {propertyName, mapping}`` for a tagged union; an AsyncAPI
    schema's ``discriminator`` is the property name alone (the ``oneOf`` branches name themselves)."""
    if isinstance(node, dict):
        out = {k: _asyncapi_discriminators(v) for k, v in node.items()}
        found = out.get("discriminator")
        if isinstance(found, dict) and "propertyName" in found:
            out["discriminator"] = found["propertyName"]
        return out
    if isinstance(node, list):
        return [_asyncapi_discriminators(v) for v in node]
    return node
