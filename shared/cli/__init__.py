"""The `autoglm` application: the command line, the stack supervisor, the embedded broker and its
gateway, the demo, the trace viewer and the AsyncAPI generator.

The application floor of shared/: it may import the library floor (shared/ and shared/kafka/), the
SDK, and the services whose commands it mounts; no service and no library module imports it.
``autoglm = autoglm.shared.cli:app`` (pyproject) and ``python -m autoglm.shared.cli`` start it.
"""

from .main import app

__all__ = ["app"]
