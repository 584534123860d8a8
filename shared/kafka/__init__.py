"""Kafka plumbing every service shares, one module per concern (see each module's docstring)."""
