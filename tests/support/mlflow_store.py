"""A throw-away MLflow SQLite store for a test, already at MLflow's current schema.

Creating a SQLite store runs MLflow's schema migrations (about 1.3 s of CPU on a 2-core
machine); each test that starts a tracking server or a retraining run used to pay it again.
The store is migrated once per pytest worker, then copied: a copy is what a new store
becomes after its migrations (the schema and the Default experiment), nothing more.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


@functools.cache
def _migrated_template() -> Path:
    from mlflow import MlflowClient

    directory = Path(tempfile.mkdtemp(prefix="mlflow-store-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "mlflow.db"
    MlflowClient(tracking_uri=f"sqlite:///{path}").search_experiments()  # runs the migrations
    return path


def sqlite_store(path: Path) -> str:
    """A new store at `path` (a copy of the migrated template): its tracking URI."""
    shutil.copyfile(_migrated_template(), path)
    return f"sqlite:///{path}"
