"""Test-wide setup: offline models, an isolated data directory per test session, and a list of running
stacks of the test session's own (the stacks tests start never show up to the user's `autoglm` commands)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_STATE_HOME = tempfile.mkdtemp(prefix="autoglm-test-state-")
os.environ["XDG_STATE_HOME"] = _STATE_HOME  # shared/local_stack.py: where `autoglm up` lists running stacks
atexit.register(shutil.rmtree, _STATE_HOME, True)
