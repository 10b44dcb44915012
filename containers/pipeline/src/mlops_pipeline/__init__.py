"""MLOps training pipeline (Kedro project template)."""

__version__ = "0.1.0"
