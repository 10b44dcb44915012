"""Kedro project settings.

Only one change from the defaults: the ``oc.env`` resolver is enabled for all
configuration (Kedro allows it in credentials only by default), so the training
data path, the MLflow experiment and the registered model name can be set
through environment variables by the container runtime.
"""

from omegaconf.resolvers import oc

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {"oc.env": oc.env},
}
