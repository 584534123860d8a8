"""Clients of the running system for other programs: :class:`AutoGLMClient` (tasks in, results out)
and :class:`~autoglm.shared.sdk.rpc.StepClient` (one request to one worker service, for tools).

Imports the library floor only; no service and no library module imports it.
"""

from .client import AutoGLMClient

__all__ = ["AutoGLMClient"]
