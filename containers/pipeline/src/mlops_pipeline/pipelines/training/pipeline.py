"""Wiring of the training nodes."""

from kedro.pipeline import Pipeline, node

from .nodes import evaluate_model, log_to_mlflow, split_data, train_model
from .packaging import package_model


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                split_data,
                inputs=["training_data", "params:split"],
                outputs=["X_train", "X_test", "y_train", "y_test"],
                name="split_data",
            ),
            node(
                train_model,
                inputs=["X_train", "y_train", "params:model", "params:split"],
                outputs="model",
                name="train_model",
            ),
            node(
                evaluate_model,
                inputs=["model", "X_test", "y_test"],
                outputs="metrics",
                name="evaluate_model",
            ),
            node(
                log_to_mlflow,
                inputs={
                    "model": "model",
                    "metrics": "metrics",
                    "X_train": "X_train",
                    "model_params": "params:model",
                    "split_params": "params:split",
                    "mlflow_params": "params:mlflow",
                },
                outputs="mlflow_run",
                name="log_to_mlflow",
            ),
            node(
                package_model,
                inputs=["mlflow_run", "params:model_package"],
                outputs="model_package",
                name="package_model",
            ),
        ]
    )
