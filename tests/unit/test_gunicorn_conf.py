"""gunicorn's settings: a worker's long-lived objects are left out of garbage collection."""

import gc
from pathlib import Path

from assess import gunicorn_conf


def test_a_worker_freezes_what_it_loaded():
    loaded = [object() for _ in range(1000)]  # as the application's objects
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() >= len(loaded)
    finally:
        gc.unfreeze()


def test_the_checkout_config_file_passes_the_hook_to_gunicorn():
    # gunicorn reads ./gunicorn.conf.py of a checkout, which imports the package's settings.
    namespace: dict = {}
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    assert namespace["post_worker_init"] is gunicorn_conf.post_worker_init
