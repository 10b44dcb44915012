#!/usr/bin/env python3
"""Fetch a SageMaker model package's model into MODEL_PATH (the Kubernetes backend of `serve`).

SageMaker itself unpacks a package's model.tar.gz into /opt/ml/model; a Kubernetes pod has no
such step, so `serve` runs this helper first when MODEL_PACKAGE_ARN is set (and MODEL_URI is
not). It calls DescribeModelPackage, optionally refuses a package that is not Approved, downloads
InferenceSpecification.Containers[0].ModelDataUrl with boto3 and extracts it into MODEL_PATH
with tarfile's "data" filter (no absolute paths, no `..`, no links leaving the directory, no
device files).

Environment:
  MODEL_PACKAGE_ARN       arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>
  MODEL_REQUIRE_APPROVED  true: refuse unless ModelApprovalStatus is Approved (default false)
  MODEL_PATH              writable directory to extract into (default /opt/ml/model); it must
                          be empty, missing, or hold an earlier extraction by this helper
  AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL...  read by boto3 itself; the region
                          defaults to the ARN's

Every failure is one `[serve] ERROR: ...` line on stderr: exit 64 for a configuration error,
1 otherwise (including a package that is not approved).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

# VersionedArnOrName / ModelPackageArn in botocore's SageMaker service model.
PACKAGE_ARN = re.compile(
    r"arn:aws[a-z\-]*:sagemaker:(?P<region>[a-z0-9\-]{9,16}):[0-9]{12}:"
    r"model-package/[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}(?:/[0-9]{1,9})?"
)
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}
MARKER = ".model-package"  # names the package ARN: MODEL_PATH is this helper's to clear


class Refused(Exception):
    """A failure reported as one line; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _settings(env: dict[str, str]) -> tuple[str, bool, Path]:
    arn = env.get("MODEL_PACKAGE_ARN", "").strip()
    match = PACKAGE_ARN.fullmatch(arn)
    if not match:
        raise Refused(f"MODEL_PACKAGE_ARN is not a model package ARN: {arn!r}", 64)
    flag = env.get("MODEL_REQUIRE_APPROVED", "false").strip().lower()
    if flag not in TRUE | FALSE:
        raise Refused(f"MODEL_REQUIRE_APPROVED must be true or false, got {flag!r}", 64)
    return arn, flag in TRUE, Path(env.get("MODEL_PATH") or "/opt/ml/model")


def _describe(arn: str) -> dict[str, Any]:
    import boto3  # here, so a configuration error is reported without importing boto3

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    client = boto3.client("sagemaker", region_name=region or arn.split(":")[3])
    return client.describe_model_package(ModelPackageName=arn)


def _model_data_url(arn: str, package: dict[str, Any], require_approved: bool) -> str:
    approval = package.get("ModelApprovalStatus", "PendingManualApproval")
    if require_approved and approval != "Approved":
        raise Refused(
            f"model package {arn} is {approval}, not Approved, and MODEL_REQUIRE_APPROVED=true:"
            " refusing to serve it"
        )
    status = package.get("ModelPackageStatus")
    if status != "Completed":
        raise Refused(f"model package {arn} is {status}, not Completed")
    containers = package.get("InferenceSpecification", {}).get("Containers") or [{}]
    url = containers[0].get("ModelDataUrl", "")
    if not url.startswith("s3://") or "/" not in url[5:]:
        raise Refused(f"model package {arn} has no s3:// ModelDataUrl (got {url!r})")
    return url


def _prepare(model_path: Path) -> None:
    """An empty MODEL_PATH; an earlier extraction (a container restart) is removed."""
    model_path.mkdir(parents=True, exist_ok=True)
    entries = list(model_path.iterdir())
    if entries and not (model_path / MARKER).is_file():
        raise Refused(
            f"MODEL_PATH {model_path} is not empty and holds no earlier model package: "
            "point MODEL_PATH at an empty writable directory",
            64,
        )
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def extract_tarball(tarball: Path, target: Path) -> None:
    """Extract into `target` with the "data" filter: a member that would land outside it (an
    absolute path, `..`, a link pointing out) or a device file raises tarfile.FilterError."""
    with tarfile.open(tarball, "r:*") as tar:
        tar.extractall(target, filter="data")


def _download_and_extract(arn: str, url: str, model_path: Path) -> None:
    import boto3

    bucket, _, key = url.removeprefix("s3://").partition("/")
    # Downloaded and extracted inside MODEL_PATH (writable; the root FS may not be), then moved
    # in: a tarball the filter refuses leaves nothing of itself in MODEL_PATH.
    with tempfile.TemporaryDirectory(dir=model_path, prefix=".download-") as tmp:
        tarball = Path(tmp) / "model.tar.gz"
        boto3.client("s3").download_file(bucket, key, str(tarball))
        staging = Path(tmp) / "model"
        extract_tarball(tarball, staging)
        for entry in staging.iterdir():
            entry.rename(model_path / entry.name)


def fetch(env: dict[str, str]) -> str:
    """Fetch the package named by `env` into MODEL_PATH; returns a one-line summary."""
    arn, require_approved, model_path = _settings(env)
    package = _describe(arn)
    url = _model_data_url(arn, package, require_approved)
    _prepare(model_path)
    # Marked first: a container restarted after a failed fetch may clear MODEL_PATH again.
    (model_path / MARKER).write_text(arn + "\n")
    _download_and_extract(arn, url, model_path)
    approval = package.get("ModelApprovalStatus", "PendingManualApproval")
    return f"model package {arn} ({approval}): {url} extracted into {model_path}"


def _describe_error(err: Exception) -> str:
    response = getattr(err, "response", None)
    if isinstance(response, dict) and "Error" in response:
        error = response["Error"]
        return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".strip()
    return f"{type(err).__name__}: {err}"


def main() -> int:
    try:
        summary = fetch(dict(os.environ))
    except Refused as err:
        print(f"[serve] ERROR: {err}", file=sys.stderr)
        return err.code
    except tarfile.TarError as err:  # including the "data" filter's refusals
        print(f"[serve] ERROR: cannot unpack the model package: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"[serve] ERROR: cannot write the model into MODEL_PATH: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # botocore errors and anything else: one line, no traceback
        arn = os.environ.get("MODEL_PACKAGE_ARN", "")
        print(
            f"[serve] ERROR: cannot fetch model package {arn}: {_describe_error(err)}",
            file=sys.stderr,
        )
        return 1
    print(f"[serve] fetched {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
