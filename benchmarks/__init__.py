"""Benchmark harnesses: `python -m benchmarks SUITE CASES_FILE [--json OUT.json]` (see ../shared/bench/README.md)."""
