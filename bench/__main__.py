"""Run every benchmark: `make bench` (figures go into bench/README.md by hand)."""

from bench import workflow_bench

if __name__ == "__main__":
    import runpy

    runpy.run_module(workflow_bench.__name__, run_name="__main__")
