"""The lifecycle configurations in the plan are the real scripts, rendered with the config."""

from __future__ import annotations

import pytest

from components.lifecycle_scripts import (
    MAX_CONTENT_LENGTH,
    combine_scripts,
    render_script,
)
from tests.lab.helpers import (
    NOTEBOOK_CHANGES,
    NOTEBOOK_LCC,
    STUDIO_LCC,
    bash_syntax_ok,
    decode,
    plan_changed,
)


@pytest.fixture(scope="module")
def notebook_plan():
    return plan_changed("fraud-dev", NOTEBOOK_CHANGES)


def test_studio_script_is_the_rendered_scripts_with_fraud_dev_settings(plan):
    content = plan("fraud-dev").one(STUDIO_LCC).inputs["studioLifecycleConfigContent"]
    expected = combine_scripts(
        {
            "idle-kernel-shutdown": render_script(
                "idle_kernel_shutdown", {"IDLE_TIMEOUT_MINUTES": "60"}
            ),
            "conda-environment": render_script(
                "conda_environment",
                {
                    # Studio clones repositories into the home directory, named after the URL.
                    "ENVIRONMENT_YML_SOURCE": "fraud-models/environment.yml",
                    "CONDA_ENV_NAME": "fraud",
                    "KERNEL_DISPLAY_NAME": "Python (fraud)",
                    "PACKAGE_MIRROR_URL": "https://mirror.internal.example.com/conda",
                    "PIP_MIRROR_URL": "https://mirror.internal.example.com/pypi/simple",
                },
            ),
        }
    )
    assert decode(content) == expected
    assert len(content) <= MAX_CONTENT_LENGTH
    assert bash_syntax_ok(decode(content)).returncode == 0


def test_prod_script_fetches_environment_yml_from_the_team_bucket(plan):
    script = decode(plan("fraud-prod").one(STUDIO_LCC).inputs["studioLifecycleConfigContent"])
    bucket = "mlops-fraud-prod-artifacts-345678901234"
    assert f"export ENVIRONMENT_YML_SOURCE=s3://{bucket}/lab/environment.yml\n" in script
    # No pip mirror configured: the empty value is rendered, so pip keeps its own settings.
    assert "export PIP_MIRROR_URL=''\n" in script


def test_without_environment_yml_only_idle_kernel_shutdown(plan_with):
    planned = plan_with("fraud-dev", {"mlops:lab": {"environmentYml": None}})
    script = decode(planned.one(STUDIO_LCC).inputs["studioLifecycleConfigContent"])
    assert script == combine_scripts(
        {
            "idle-kernel-shutdown": render_script(
                "idle_kernel_shutdown", {"IDLE_TIMEOUT_MINUTES": "60"}
            )
        }
    )


def test_notebook_script_runs_as_ec2_user_on_the_persistent_volume(notebook_plan):
    lcc = notebook_plan.one(NOTEBOOK_LCC)
    content = lcc.inputs["onStart"]
    persistent = {
        "CONDA_CMD": "/home/ec2-user/anaconda3/bin/conda",
        "CONDA_ENVS_DIR": "/home/ec2-user/SageMaker/.conda/envs",
        "MLOPS_STATE_DIR": "/home/ec2-user/SageMaker/.mlops",
    }
    expected = combine_scripts(
        {
            "idle-kernel-shutdown": render_script(
                "idle_kernel_shutdown",
                {
                    "IDLE_TIMEOUT_MINUTES": "60",
                    "JUPYTER_CMD": "/home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/jupyter",
                    "MLOPS_STATE_DIR": persistent["MLOPS_STATE_DIR"],
                },
            ),
            "conda-environment": render_script(
                "conda_environment",
                {
                    # Notebook instances clone into ~/SageMaker/<repository>.
                    "ENVIRONMENT_YML_SOURCE": "SageMaker/fraud-models/environment.yml",
                    "CONDA_ENV_NAME": "fraud",
                    "KERNEL_DISPLAY_NAME": "Python (fraud)",
                    "PACKAGE_MIRROR_URL": "https://mirror.internal.example.com/conda",
                    "PIP_MIRROR_URL": "https://mirror.internal.example.com/pypi/simple",
                    **persistent,
                },
            ),
        },
        run_as="ec2-user",
    )
    assert decode(content) == expected
    assert "sudo -u ec2-user -i bash" in decode(content)
    assert len(content) <= MAX_CONTENT_LENGTH
    assert bash_syntax_ok(decode(content)).returncode == 0


def test_longest_settings_still_fit_the_size_limit(plan_with):
    # A mirror the shipped environment's egress reaches (git/mirror hosts of stacks/Pulumi.dev.yaml).
    long_url = "https://mirror.internal.example.com/" + "m" * 470
    planned = plan_with(
        "fraud-dev",
        {
            "mlops:lab": {
                "packageMirrorUrl": long_url,
                "pipMirrorUrl": long_url,
                "environmentYml": {"source": "s3", "repository": None, "path": "p/" * 127 + "e"},
            }
        },
    )
    content = planned.one(STUDIO_LCC).inputs["studioLifecycleConfigContent"]
    assert long_url in decode(content)
    assert len(content) <= MAX_CONTENT_LENGTH
