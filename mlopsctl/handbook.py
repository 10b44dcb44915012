"""The team's onboarding handbook, in Markdown, from stack outputs (real or planned).

Each section reads the exports it needs and is omitted, with a note, when they are absent, so
the handbook covers whatever components the stack has. Export names are matched loosely where
components may still name them differently (e.g. any export holding ECR repository URLs).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from mlopsctl.access import INTENT_FILE

Section = Callable[[Mapping[str, Any]], list[str] | None]


def _find(exports: Mapping[str, Any], *needles: str) -> tuple[str, Any] | None:
    """The first export whose name contains every needle (case-insensitive)."""
    for name, value in exports.items():
        if all(n.lower() in name.lower() for n in needles) and value not in (None, "", {}, []):
            return name, value
    return None


def _code(lines: list[str], language: str = "bash") -> list[str]:
    return [f"```{language}", *lines, "```", ""]


def _lab(exports: Mapping[str, Any]) -> list[str] | None:
    region = exports.get("region", "<region>")
    domain = exports.get("labDomainId")
    profiles = exports.get("labUserProfiles") or {}
    notebooks = _find(exports, "notebook")
    if not domain and not notebooks:
        return None
    out = ["## Open the lab", ""]
    if domain:
        out += [
            f"SageMaker Studio domain `{domain}`: {exports.get('labDomainUrl', '')}",
            "",
            "With IAM authentication, open Studio through a presigned URL (valid 5 minutes), "
            "signed in as your persona role:",
            "",
        ]
        for member, profile in sorted(profiles.items()) or [("<you>", "<your-user-profile>")]:
            out.append(f"- **{member}**: user profile `{profile}`")
        example = next(iter(sorted(profiles.values())), "<your-user-profile>")
        out += [
            "",
            *_code(
                [
                    f"aws sagemaker create-presigned-domain-url --region {region} \\",
                    f"  --domain-id {domain} --user-profile-name {shlex.quote(str(example))} \\",
                    "  --query AuthorizedUrl --output text",
                ]
            ),
        ]
        spaces = exports.get("labSpaces") or {}
        if spaces:
            listed = ", ".join(f"`{s}`" for s in sorted(spaces.values()))
            out += [f"Private JupyterLab spaces: {listed}.", ""]
    if notebooks:
        name, value = notebooks
        out += [f"Notebook instances (`{name}`):", ""]
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        out += [f"- {k}: `{v}`" for k, v in items] + [""]
        out += _code(
            [
                f"aws sagemaker create-presigned-notebook-instance-url --region {region} \\",
                "  --notebook-instance-name <your-notebook-instance>",
            ]
        )
    return out


def _dvc(exports: Mapping[str, Any]) -> list[str] | None:
    commands = exports.get("dvcRemoteCommands")
    remote = exports.get("dvcRemote")
    if not commands and not remote:
        return None
    out = ["## Version data with DVC", ""]
    if isinstance(remote, Mapping):
        remote = remote.get("url", remote)
    if remote:
        out += [f"The team's DVC remote: `{remote}`", ""]
    if commands:
        lines = commands if isinstance(commands, list) else str(commands).splitlines()
        out += ["In your project repository:", "", *_code([str(c) for c in lines])]
    # The retraining pipeline `dvc pull`s from the same remote and trains on this file.
    data = "data/01_raw/training.csv"
    out += [
        f"Version the training data at `{data}` of the pipeline project: scheduled retraining "
        "pulls it from this remote before `kedro run`.",
        "",
    ]
    out += _code([f"dvc add {data} && git add {data}.dvc && dvc push"])
    return out


def _mlflow(exports: Mapping[str, Any]) -> list[str] | None:
    uri = exports.get("mlflowTrackingUri")
    if not uri:
        return None
    env = exports.get("mlflowEnvironment") or {"MLFLOW_TRACKING_URI": uri}
    out = ["## Track experiments with MLflow", "", f"Tracking URI: `{uri}`", ""]
    out += ["Set these in your shell or notebook:", ""]
    out += _code([f"export {k}={shlex.quote(str(v))}" for k, v in env.items()])
    if str(uri).startswith("arn:"):
        what = "MLflow App" if ":mlflow-app/" in str(uri) else "managed tracking server"
        out += [
            f"The team's SageMaker {what} is addressed by its ARN; install `sagemaker-mlflow` "
            "next to `mlflow` (the project template's environment.yml pins both) so the client "
            "signs requests with your role.",
            "",
        ]
    return out


def _ecr(exports: Mapping[str, Any]) -> list[str] | None:
    found = _find(exports, "repositor") or _find(exports, "ecr")
    if not found:
        return None
    name, value = found
    urls = list(value.values()) if isinstance(value, Mapping) else value
    urls = [u for u in (urls if isinstance(urls, list) else [urls]) if isinstance(u, str)]
    if not urls:
        return None
    region = exports.get("region", "<region>")
    registry = urls[0].split("/", 1)[0]
    out = ["## Push a container image to ECR", "", f"Repositories (`{name}`):", ""]
    out += [f"- `{u}`" for u in urls] + [""]
    out += _code(
        [
            f"aws ecr get-login-password --region {region} | \\",
            f"  docker login --username AWS --password-stdin {registry}",
            f"docker build -t {urls[0]}:v1 .",
            f"docker push {urls[0]}:v1",
        ]
    )
    out += ["Tags are immutable: push every release under a new tag.", ""]
    return out


def _model_release(exports: Mapping[str, Any]) -> list[str] | None:
    """Retrain, approve, serve: the registry steps between a pipeline run and the endpoint."""
    group = exports.get("modelPackageGroup")
    if not isinstance(group, str):
        return None
    region = exports.get("region", "<region>")
    stack = exports.get("stack") or "<stack>"
    pipeline = exports.get("retrainingPipelineName")
    out = ["## Retrain, approve and serve a model", ""]
    out += [
        f"Each retraining run registers a new MLflow version of `{group}` and adds it, pending "
        "approval, to the SageMaker model package group of the same name. An ML engineer "
        "approves a version; the stack serves the version its file names.",
        "",
    ]
    commands = []
    if isinstance(pipeline, str):
        commands.append(
            f"aws sagemaker start-pipeline-execution --region {region} "
            f"--pipeline-name {shlex.quote(pipeline)}"
        )
    commands += [
        f"aws sagemaker list-model-packages --region {region} "
        f"--model-package-group-name {shlex.quote(group)}",
        "# ML engineer: approve the version to serve",
        f"aws sagemaker update-model-package --region {region} "
        "--model-package-arn <arn> --model-approval-status Approved",
        "# platform team: pin it, then deploy (blue/green)",
        f"mlopsctl model serve {stack} --latest-approved",
    ]
    out += _code(commands)
    served = exports.get("servedModelPackageArn")
    out += [f"Served now: `{served}`." if served else "No version is served yet.", ""]
    return out


def _endpoint(exports: Mapping[str, Any]) -> list[str] | None:
    found = _find(exports, "endpoint", "name") or _find(exports, "endpoint")
    service = _find(exports, "service", "url") or _find(exports, "kubernetes")
    if not found and not service:
        return None
    region = exports.get("region", "<region>")
    out = ["## Call the model endpoint", ""]
    if found:
        name, value = found
        endpoint = value if isinstance(value, str) else json.dumps(value)
        out += [f"Endpoint (`{name}`): `{endpoint}`", ""]
        out += _code(
            [
                f"aws sagemaker-runtime invoke-endpoint --region {region} \\",
                f"  --endpoint-name {shlex.quote(endpoint)} \\",
                "  --content-type application/json --body fileb://request.json response.json",
            ]
        )
    if service:
        name, value = service
        out += [f"Kubernetes service (`{name}`): `{value}`", ""]
    return out


def _personas(exports: Mapping[str, Any], intent_path: Path = INTENT_FILE) -> list[str] | None:
    roles = exports.get("personaRoleArns") or {}
    intent = yaml.safe_load(intent_path.read_text()) if intent_path.is_file() else None
    if not roles and not intent:
        return None
    out = ["## Personas: who may do what", ""]
    if roles:
        out += ["| persona | role |", "|---|---|"]
        out += [f"| {p} | `{arn}` |" for p, arn in sorted(roles.items())] + [""]
        out += _code(
            ['aws sts assume-role --role-arn <role> --role-session-name "$USER"'],
        )
    if intent:
        out += _intent_table(intent)
    stack = exports.get("stack") or "<stack>"
    out += [
        f"Every rule above, expanded over this stack's resources and judged against its IAM "
        f"documents: `mlopsctl access {stack}`.",
        "",
    ]
    return out


def _intent_table(intent: Mapping[str, Any]) -> list[str]:
    """The promise per journey step (`mlopsctl/access/intent.yaml`), one row per rule."""
    out = [
        "What each persona may do (`mlopsctl/access/intent.yaml`):",
        "",
        "| step | acting | personas | actions | on | expect |",
        "|---|---|---|---|---|---|",
    ]
    for rule in intent.get("rules", []):
        resource = rule.get("resource") or {}
        on = resource.get("kind", "") if isinstance(resource, Mapping) else str(resource)
        team = resource.get("team") if isinstance(resource, Mapping) else None
        row = [
            rule.get("step", ""),
            rule.get("who", ""),
            ", ".join(rule.get("personas") or ["all"]),
            ", ".join(f"`{a}`" for a in rule.get("actions", [])),
            f"{on} ({team})" if team and team != "own" else on,
            f"**{rule.get('expect', '')}**",
        ]
        out.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return [*out, ""]


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value).replace("|", "\\|")
    return str(value).replace("|", "\\|")


SECTIONS: list[tuple[str, Section]] = [
    ("lab", _lab),
    ("DVC", _dvc),
    ("MLflow", _mlflow),
    ("ECR", _ecr),
    ("model release", _model_release),
    ("endpoint", _endpoint),
    ("personas", _personas),
]


def handbook(exports: Mapping[str, Any], stack: str, diagram_mermaid: str | None = None) -> str:
    """The Markdown handbook of one team stack."""
    team = exports.get("team", stack)
    environment = exports.get("environment", "")
    out = [
        f"# Team handbook: {team} ({environment})",
        "",
        f"Stack `{stack}`, region `{exports.get('region', '?')}`. Generated by "
        f"`mlopsctl handbook {stack}` from the stack outputs; regenerate after every change.",
        "",
    ]
    missing = []
    for title, section in SECTIONS:
        body = section({**exports, "stack": stack})
        if body is None:
            missing.append(title)
        else:
            out += body
    buckets = exports.get("buckets") or {}
    if buckets:
        out += ["## Data buckets", "", "| purpose | bucket |", "|---|---|"]
        out += [f"| {p} | `s3://{b}` |" for p, b in buckets.items()] + [""]
    if diagram_mermaid:
        out += ["## Architecture", "", *_code([diagram_mermaid.rstrip()], "mermaid")]
    if missing:
        out += [
            "## Not in this stack yet",
            "",
            "These sections are omitted because the stack exports nothing for them: "
            + ", ".join(missing)
            + ".",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def read_outputs(path: Path) -> dict[str, Any]:
    """`pulumi stack output --json` (secrets shown as "[secret]" stay as they are)."""
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of stack outputs")
    return data
