"""Clients of the running system for other programs: :class:`AutoGLMClient` (tasks in, results out, on
Kafka), :class:`AutoGLMHTTPClient` (the same through the HTTP gateway) and
:class:`~autoglm.shared.sdk.rpc.StepClient` (one request to one worker service, for tools).

Imports the library floor only; no service and no library module imports it.
"""

from ..events import MAX_TEXT_CHARS, TextTooLong
from ..local_stack import NoStack
from .client import AutoGLMClient, FeedbackRefused
from .http import AutoGLMHTTPClient, GatewayError

__all__ = [
    "MAX_TEXT_CHARS", "AutoGLMClient", "AutoGLMHTTPClient", "FeedbackRefused", "GatewayError", "NoStack", "TextTooLong",
]
