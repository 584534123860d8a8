"""Example Open-AutoGLM tool plugin."""
