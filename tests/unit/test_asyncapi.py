"""The AsyncAPI document is generated from the catalog and the event models, and covers all of them."""

from __future__ import annotations

import json

from autoglm.shared.cli.asyncapi import build_asyncapi
from autoglm.shared.events import EVENT_PAYLOADS
from autoglm.shared.topics import CATALOG


def test_every_topic_and_event_is_documented() -> None:
    doc = build_asyncapi()
    json.dumps(doc)  # serialisable
    assert doc["asyncapi"].startswith("3.")
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
