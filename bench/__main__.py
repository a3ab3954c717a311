"""Run every benchmark: `make bench` (figures go into bench/README.md by hand)."""

import runpy

MODULES = [
    "bench.workflow_bench",
    "bench.flags_bench",
    "bench.documents_bench",
    "bench.meetings_bench",
    "bench.api_bench",
    "bench.hostile_patch",
    "bench.pdfa_bench",
    "bench.lists_bench",
    "bench.report_bench",
    "bench.observability_bench",
]

if __name__ == "__main__":
    for name in MODULES:
        print(f"== {name}")
        runpy.run_module(name, run_name="__main__")
