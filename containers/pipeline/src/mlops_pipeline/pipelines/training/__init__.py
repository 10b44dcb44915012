"""Training pipeline: split, train, evaluate, log to and register in MLflow, package."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
