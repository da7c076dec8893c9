"""Dispatch `python -m benchmarks SUITE CASES_FILE [--json OUT]` to the suite's module."""

from __future__ import annotations

import argparse
import importlib
import sys

SUITES = {
    "task-to-call": "benchmarks.task_to_call",
    "objective-to-topic": "benchmarks.objective_to_topic",
    "partner-suggestion": "benchmarks.partner_suggestion",
    "partner-ceiling": "benchmarks.partner_ceiling",
    "embedder": "benchmarks.embedder_suite",
    "web": "benchmarks.web_suite",
    "sync": "benchmarks.sync_suite",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("cases_file", nargs="*", help="the suite's input file(s)")
    parser.add_argument("--json", dest="json_out", default=None, help="write the figures as JSON here")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and no 100k-scale run")
    args = parser.parse_args(argv)
    module = importlib.import_module(SUITES[args.suite])
    return int(module.run(args.cases_file, json_out=args.json_out, quick=args.quick) or 0)


if __name__ == "__main__":
    sys.exit(main())
