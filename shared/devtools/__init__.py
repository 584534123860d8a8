"""Tools for developing and measuring the system, not part of it: the chaos and backpressure drivers,
the benchmark report helper, a fake Open-Meteo and the sample orders database's generator.

The top floor of shared/: it may import the library, the SDK and the application (the stack
supervisor); nothing in shared/ or services/ imports it, scripts/ and tests/ do.
"""
