"""The AsyncAPI 3.0 document, generated from the topic catalog and the event models.

Never written by hand: `autoglm asyncapi` prints it, and a test checks that every topic
and event type of the catalog appears in it.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from .. import events
from ..events import EVENT_PAYLOADS, CloudEvent, EventType
from ..topics import CATALOG

_REF = "#/components/schemas/{model}"


def _message_name(etype: EventType) -> str:
    return EVENT_PAYLOADS[etype].__name__


def build_asyncapi(server: str = "127.0.0.1:9092") -> dict[str, Any]:
    envelopes = {etype: CloudEvent[EVENT_PAYLOADS[etype]] for etype in EVENT_PAYLOADS}  # type: ignore[valid-type]
    keys, schema = models_json_schema(
        [(model, "validation") for model in envelopes.values()], ref_template=_REF
    )
    schemas: dict[str, Any] = dict(schema.get("$defs", {}))
    messages: dict[str, Any] = {}
    for etype, model in envelopes.items():
        ref = keys[(model, "validation")]["$ref"]
        name = _message_name(etype)
        messages[name] = {
            "name": etype.value,
            "title": name,
            "summary": (EVENT_PAYLOADS[etype].__doc__ or "").strip().splitlines()[0],
            "contentType": events.CONTENT_TYPE,
            "payload": {"$ref": ref},
            "headers": {
                "type": "object",
                "properties": {
                    "content-type": {"type": "string", "const": events.CONTENT_TYPE},
                    "traceparent": {"type": "string", "description": "W3C trace context (faststream telemetry)."},
                },
            },
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": "Session id (task id when no session)."},
                    "bindingVersion": "0.5.0",
                }
            },
        }
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
                    "bindings": {"kafka": {"key": {"type": "string", "description": "Task id."}, "bindingVersion": "0.5.0"}},
                },
            )
        channel_messages = [_message_name(e) for e in spec.events] or ["PlanCheckpoint"]
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
                    "bindingVersion": "0.5.0",
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
        "asyncapi": "3.0.0",
        "info": {
            "title": "Open-AutoGLM",
            "version": "0.1.0",
            "description": (
                "Event-driven task automation. Upstream systems publish `autoglm.task.requested` on "
                "`autoglm.tasks`; results arrive on `autoglm.results`; rejected records on `autoglm.dlq`. "
                "Events use the structured content mode of the CloudEvents Kafka binding; the record key is "
                "the session id."
            ),
        },
        "defaultContentType": events.CONTENT_TYPE,
        "servers": {"embedded": {"host": server, "protocol": "kafka", "description": "Embedded Tansu broker"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
