"""Broker security (TLS, SASL) from the settings, in the two shapes the clients take.

faststream's broker takes a security object (:func:`build_security`); plain aiokafka clients (the
SDK, topic creation, the planner's checkpoint reader) take keyword arguments (:func:`security_kwargs`).
faststream is imported only when security is configured, so a plaintext SDK client never loads it
(~0.3 s of import).
"""

from __future__ import annotations

import ssl
from typing import Any

from ..config import Settings


def build_security(settings: Settings) -> Any:
    """faststream's security object for the configured broker; None for plaintext."""
    b = settings.broker
    if b.security_protocol == "PLAINTEXT":
        return None
    from faststream.security import (
        BaseSecurity,
        SASLPlaintext,
        SASLScram256,
        SASLScram512,
    )

    context: ssl.SSLContext | None = None
    if b.security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=str(b.ssl_cafile) if b.ssl_cafile else None)
        if b.ssl_certfile:
            context.load_cert_chain(str(b.ssl_certfile), str(b.ssl_keyfile) if b.ssl_keyfile else None)
    if b.security_protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    password = b.sasl_password.get_secret_value() if b.sasl_password else ""
    kinds = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
    cls = kinds[b.sasl_mechanism or "SCRAM-SHA-512"]
    return cls(
        username=b.sasl_username or "",
        password=password,
        ssl_context=context,
        use_ssl=b.security_protocol == "SASL_SSL",
    )



def security_kwargs(settings: Settings) -> dict[str, Any]:
    """aiokafka client arguments for the configured broker security (TLS, SASL); empty for plaintext."""
    security = build_security(settings)
    if security is None:
        return {}
    from .faststream_compat import aiokafka_security_kwargs

    return aiokafka_security_kwargs(security)
