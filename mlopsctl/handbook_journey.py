"""The handbook's journey, one step per function: sign in, clone, conda, DVC, MLflow, image,
retrain, serve, call. Each step takes the stack's exports (real or planned) and the team's lab
facts (from its settings) and returns what to say and which commands to run; a step whose
export is missing says what happens next instead of printing a broken command.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The file retraining trains on (components/documents/retraining.py TRAINING_DATA_PATH).
TRAINING_DATA = "data/01_raw/training.csv"
STATE_DIR = "~/.mlops"  # the lifecycle script's MLOPS_STATE_DIR
NOTEBOOK_HOME = "~/SageMaker"  # where a notebook instance clones its repositories


@dataclass(frozen=True)
class Repository:
    name: str
    url: str
    branch: str | None
    directory: str


@dataclass(frozen=True)
class LabFacts:
    """What the stack's settings (not its exports) say about the lab."""

    kind: str = "studio"
    auth_mode: str = "IAM"
    members: tuple[tuple[str, str, str], ...] = ()  # (name, persona, SSO user name)
    repositories: tuple[Repository, ...] = ()
    environment_yml: tuple[str, str, str] | None = None  # (source, repository or bucket, path)
    retraining_cronjob: str | None = None


@dataclass
class Step:
    title: str
    text: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def _q(value: Any) -> str:
    return shlex.quote(str(value))


def sign_in(ex: Mapping[str, Any], lab: LabFacts, stack: str) -> Step:
    step = Step("Sign in to the lab")
    region = ex["region"]
    no_members = (
        "The lab has no members yet, so there is nothing to sign in to: the platform team "
        f"adds you with `mlopsctl member add {stack} <name>:<persona>` and `pulumi up`; "
        "regenerate this handbook then."
    )
    if lab.kind == "notebook-instance":
        instances = ex.get("labNotebookInstances") or {}
        if not instances:
            return Step(step.title, [no_members])
        step.text = ["Each member has a notebook instance:", ""]
        step.text += [f"- **{m}**: `{n}`" for m, n in sorted(instances.items())]
        name = sorted(instances.values())[0]
        step.code = [
            f"aws sagemaker create-presigned-notebook-instance-url --region {region} \\",
            f"  --notebook-instance-name {_q(name)} --query AuthorizedUrl --output text",
        ]
        return step
    domain = ex.get("labDomainId")
    if not lab.members:
        return Step(step.title, [f"SageMaker Studio domain `{domain}`.", "", no_members])
    if lab.auth_mode == "SSO":
        step.text = [
            f"SageMaker Studio domain `{domain}` signs you in with IAM Identity Center: open "
            "your AWS access portal and choose the domain's Studio application, as your "
            "Identity Center user:",
            "",
            *[f"- **{m}** ({p}): `{sso}`" for m, p, sso in lab.members],
        ]
        return step
    profiles = ex.get("labUserProfiles") or {}
    step.text = [
        f"SageMaker Studio domain `{domain}` ({ex.get('labDomainUrl', '')}), IAM sign-in: "
        "signed in to AWS as your persona role (see *Who may do what*), ask for a presigned "
        "URL (valid 5 minutes) of your user profile and open it:",
        "",
        *[f"- **{m}** ({p}): user profile `{profiles.get(m, m)}`" for m, p, _ in lab.members],
    ]
    first = lab.members[0][0]
    step.code = [
        f"aws sagemaker create-presigned-domain-url --region {region} \\",
        f"  --domain-id {domain} --user-profile-name {_q(profiles.get(first, first))} \\",
        "  --query AuthorizedUrl --output text",
    ]
    spaces = ex.get("labSpaces") or {}
    if spaces:
        listed = ", ".join(f"`{s}`" for s in sorted(spaces.values()))
        step.after = [f"Then start JupyterLab in your private space: {listed}."]
    return step


def clone(lab: LabFacts) -> Step:
    step = Step("Clone the team's repository")
    if not lab.repositories:
        step.text = [
            "No code repository is configured for this team (`mlops:lab.codeRepositories`): "
            "ask the platform team to add yours, or clone it from a JupyterLab terminal with "
            "your own git credentials."
        ]
        return step
    if lab.kind == "notebook-instance":
        step.text = [f"Your notebook instance clones these into `{NOTEBOOK_HOME}/` when it starts:"]
        step.code = [f"cd {NOTEBOOK_HOME}/{r.directory}" for r in lab.repositories[:1]]
    else:
        step.text = ["In a JupyterLab terminal (or the Git panel), with your git credentials:"]
        for r in lab.repositories:
            branch = f"-b {_q(r.branch)} " if r.branch else ""
            step.code.append(f"git clone {branch}{_q(r.url)}")
        step.code.append(f"cd {lab.repositories[0].directory}")
    step.text = [*step.text, ""] + [f"- `{r.name}`: {r.url}" for r in lab.repositories]
    return step


def conda(ex: Mapping[str, Any], lab: LabFacts, team: str) -> Step:
    step = Step("Build the conda environment")
    if lab.environment_yml is None:
        step.text = [
            "No `environment.yml` is configured for the lab (`mlops:lab.environmentYml`), so it "
            "builds none: build it from your repository's file."
        ]
        step.code = ["conda env create -f environment.yml", "conda activate <name in the file>"]
        return step
    source, where, path = lab.environment_yml
    if source == "s3":
        bucket = (ex.get("buckets") or {}).get(where, where)
        location, fetch = f"s3://{bucket}/{path}", [f"aws s3 cp s3://{bucket}/{path} ."]
        local = path.rsplit("/", 1)[-1]
    else:
        repo = next((r for r in lab.repositories if r.name == where), None)
        directory = repo.directory if repo else where
        prefix = f"{NOTEBOOK_HOME}/" if lab.kind == "notebook-instance" else "~/"
        location = local = f"{prefix}{directory}/{path}"
        fetch = []
    step.text = [
        f"The lab's lifecycle script builds the conda environment `{team}` from `{location}` in "
        f"the background each time JupyterLab starts (log `{STATE_DIR}/conda-{team}.log`, "
        f"`{STATE_DIR}/conda-{team}.done` when ready); its kernel is *Python ({team})*. "
        "To follow it, or build it by hand:"
    ]
    step.code = [
        f"tail -f {STATE_DIR}/conda-{team}.log",
        *fetch,
        f"conda env create -n {team} -f {local}   # or: conda env update -n {team} -f {local}",
        f"conda activate {team}",
    ]
    return step


def dvc(ex: Mapping[str, Any]) -> Step:
    remote = ex.get("dvcRemote")
    url = remote.get("url") if isinstance(remote, Mapping) else remote
    step = Step("Version the training data with DVC")
    step.text = [
        f"The team's DVC remote is `{url}`. Scheduled retraining pulls `{TRAINING_DATA}` "
        "from it before `kedro run`. In your repository:"
    ]
    commands = ex.get("dvcRemoteCommands") or []
    lines = commands if isinstance(commands, list) else str(commands).splitlines()
    step.code = [
        "dvc init   # once per repository",
        *[str(c) for c in lines],
        f"dvc add {TRAINING_DATA}",
        f"git add {TRAINING_DATA}.dvc data/01_raw/.gitignore .dvc/config",
        'git commit -m "Version the training data"',
        "dvc push",
    ]
    return step


def mlflow(ex: Mapping[str, Any]) -> Step:
    uri = str(ex["mlflowTrackingUri"])
    env = ex.get("mlflowEnvironment") or {"MLFLOW_TRACKING_URI": uri}
    step = Step("Log experiments to MLflow", [f"Tracking URI: `{uri}`. In your shell or notebook:"])
    if uri.startswith("arn:"):
        what = "MLflow App" if ":mlflow-app/" in uri else "managed tracking server"
        step.text += [
            "",
            f"The team's SageMaker {what} is addressed by its ARN: install `sagemaker-mlflow` "
            "next to `mlflow`, so the client signs requests with your role.",
        ]
        step.code.append("pip install mlflow sagemaker-mlflow")
    step.code += [f"export {k}={_q(v)}" for k, v in env.items()]
    return step


def _urls(ex: Mapping[str, Any]) -> dict[str, str]:
    urls = ex.get("ecrRepositoryUrls") or {}
    return {str(k): str(v) for k, v in urls.items()} if isinstance(urls, Mapping) else {}


def image(ex: Mapping[str, Any]) -> Step:
    urls = _urls(ex)
    url = urls.get("pipeline") or next(iter(urls.values()), "")
    step = Step("Build and push the pipeline image")
    registry = url.split("/", 1)[0]
    pinned = str((ex.get("imageUris") or {}).get("pipeline", ""))
    tag = pinned.rsplit(":", 1)[-1] if pinned and "@" not in pinned else "v1"
    step.text = [
        f"Repository `{url}` (ECR tags are immutable: push every release under a new tag). "
        "From the pipeline project (the Kedro template's Dockerfile):"
    ]
    step.code = [
        f"aws ecr get-login-password --region {ex['region']} | \\",
        f"  docker login --username AWS --password-stdin {registry}",
        f"docker build -t {url}:{tag} .",
        f"docker push {url}:{tag}",
    ]
    if pinned:
        step.after = [
            f"The stack runs the image it pins (`{pinned}`): a new image is pinned in "
            "`mlops:registry.images` by the platform team."
        ]
    others = [f"`{u}`" for k, u in sorted(urls.items()) if u != url]
    if others:
        step.after += ["", f"The team's other repositories: {', '.join(others)}."]
    return step


def retrain(ex: Mapping[str, Any], lab: LabFacts) -> Step:
    step = Step("Start a retraining run")
    pipeline, region = ex.get("retrainingPipelineName"), ex["region"]
    if isinstance(pipeline, str):
        step.text = [
            "The run trains on the DVC-tracked data, logs to MLflow and registers a version:"
        ]
        step.code = [
            f"aws sagemaker start-pipeline-execution --region {region} "
            f"--pipeline-name {_q(pipeline)}",
            f"aws sagemaker list-pipeline-executions --region {region} "
            f"--pipeline-name {_q(pipeline)}",
        ]
    elif lab.retraining_cronjob and ex.get("inferenceNamespace"):
        namespace, job = ex["inferenceNamespace"], lab.retraining_cronjob
        step.text = [f"Retraining is the Kubernetes CronJob `{job}`; to run it now:"]
        step.code = [
            f"kubectl -n {namespace} create job --from=cronjob/{job} {job}-manual-$(date +%s)"
        ]
    else:
        step.text = [
            "This stack plans no retraining pipeline (`mlops:retraining`): train from the lab "
            "and register the version in MLflow; ask the platform team to enable retraining."
        ]
    return step


def serve(ex: Mapping[str, Any], stack: str) -> Step:
    group, region = ex["modelPackageGroup"], ex["region"]
    step = Step("Approve and serve a model")
    step.text = [
        f"Each run adds a version, pending approval, to the model package group `{group}`. An "
        "ML engineer approves one; the platform team pins it and deploys (blue/green):"
    ]
    step.code = [
        f"aws sagemaker list-model-packages --region {region} \\",
        f"  --model-package-group-name {_q(group)}",
        f"aws sagemaker update-model-package --region {region} \\",
        "  --model-package-arn <arn of the version> --model-approval-status Approved",
        f"mlopsctl model serve {stack} --latest-approved",
        f"pulumi up -s {stack}",
    ]
    served = ex.get("servedModelPackageArn")
    step.after = [
        f"Served now: `{served}`."
        if served
        else "No version is served yet: the first `mlopsctl model serve` and `pulumi up` "
        "create the endpoint."
    ]
    return step


def call(ex: Mapping[str, Any]) -> Step:
    step = Step("Call the served model")
    endpoint, service = ex.get("endpointName"), ex.get("inferenceServiceUrl")
    if isinstance(endpoint, str) and endpoint:
        step.text = [f"SageMaker endpoint `{endpoint}`:"]
        step.code = [
            f"aws sagemaker-runtime invoke-endpoint --region {ex['region']} \\",
            f"  --endpoint-name {_q(endpoint)} \\",
            "  --content-type application/json --body fileb://request.json response.json",
        ]
    elif isinstance(service, str) and service:
        step.text = [
            f"Kubernetes service `{service}` (from inside the cluster's allowed namespaces):"
        ]
        step.code = [
            f"curl -s -X POST {service}/invocations -H 'Content-Type: application/json' "
            "--data @request.json"
        ]
    else:
        step.text = [
            "No model is served yet, so the stack has no endpoint. After the previous step's "
            "`pulumi up` it exports `endpointName` (SageMaker) or `inferenceServiceUrl` "
            "(Kubernetes): regenerate this handbook from the stack outputs then."
        ]
    return step


def journey(ex: Mapping[str, Any], lab: LabFacts, stack: str, team: str) -> list[Step]:
    return [
        sign_in(ex, lab, stack),
        clone(lab),
        conda(ex, lab, team),
        dvc(ex),
        mlflow(ex),
        image(ex),
        retrain(ex, lab),
        serve(ex, stack),
        call(ex),
    ]
