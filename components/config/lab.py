"""Config of the team's lab (managed notebooks): `mlops:lab`.

Field-level rules live on the models; rules that need the environment's instance-type
allow-lists or the personas' GPU switch live in `lab_problems`, which `components/settings.py`
calls once the whole team config is parsed, so every error is still raised before any resource.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from components.config.base import (
    InstanceType,
    StrictModel,
    check,
    int_range,
    pattern,
)
from components.config.personas import PERSONAS
from components.config.team import BucketPurpose

# SageMaker API reference (botocore service model sagemaker 2017-07-24, read 2026-11):
# JupyterLabAppSettings.CodeRepositories has at most 10 items; a notebook instance has one
# DefaultCodeRepository plus at most 3 AdditionalCodeRepositories.
MAX_STUDIO_CODE_REPOSITORIES = 10
MAX_NOTEBOOK_CODE_REPOSITORIES = 4
# IdleSettings.IdleTimeoutInMinutes: 60-525600 (same source).
MIN_IDLE_TIMEOUT_MINUTES = 60
MAX_IDLE_TIMEOUT_MINUTES = 525600
# SpaceEbsVolumeSizeInGb and NotebookInstanceVolumeSizeInGB: 5-16384 (same source).
MIN_VOLUME_GB = 5
MAX_VOLUME_GB = 16384
MAX_MEMBERS = 50

Persona = Literal["data-scientist", "ml-engineer", "data-steward"]
assert set(Persona.__args__) == set(PERSONAS)  # type: ignore[attr-defined]

# Member names become user-profile, space and notebook-instance names
# (pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}); kept short so `<prefix>-<team>-<env>-nb-<member>`
# stays within 63 characters.
MemberName = Annotated[
    str,
    pattern(
        r"[a-z](-?[a-z0-9]){1,23}",
        "2-24 lowercase letters, digits or single hyphens, starting with a letter",
    ),
]
RepositoryName = Annotated[
    str,
    pattern(
        r"[a-z](-?[a-z0-9]){0,23}",
        "1-24 lowercase letters, digits or single hyphens, starting with a letter",
    ),
]
# RepositoryUrl pattern https://([.\-_a-zA-Z0-9]+/?){3,1016}
# (SageMaker API reference, read 2026-11).
RepositoryUrl = Annotated[
    str,
    pattern(
        r"https://([.\-_a-zA-Z0-9]+/?){3,200}",
        "an https:// git URL such as https://git.example.com/team/repo.git",
    ),
]
SecretArn = Annotated[
    str,
    pattern(
        r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+",
        "a Secrets Manager secret ARN (username and password of the git host)",
    ),
]
HttpsUrl = Annotated[
    str,
    check(
        lambda v: v == "" or (v.startswith("https://") and " " not in v and len(v) <= 512),
        "an https:// URL (the package mirror inside the VPC), or empty",
    ),
]
RelativePath = Annotated[
    str,
    pattern(
        r"(?!/)(?!.*\.\.)[A-Za-z0-9._/-]{1,256}",
        "a relative path without '..', such as environment.yml or envs/fraud.yml",
    ),
]


class Member(StrictModel):
    """One person of the team: a user profile and private space (or a notebook instance)."""

    name: MemberName
    persona: Persona
    default_instance_type: InstanceType = "ml.t3.medium"
    # IAM Identity Center user name (authMode SSO only); defaults to `name`.
    sso_user_name: (
        Annotated[str, pattern(r"[\w+=,.@-]{1,128}", "an IAM Identity Center user name")] | None
    ) = None


class CodeRepository(StrictModel):
    name: RepositoryName
    url: RepositoryUrl
    branch: Annotated[str, pattern(r"[A-Za-z0-9._/-]{1,255}", "a git branch name")] | None = None
    # Credentials of a private repository (notebook-instance kind only: Studio JupyterLab clones
    # with the member's own git credentials).
    secret_arn: SecretArn | None = None

    @property
    def directory(self) -> str:
        """The directory SageMaker clones into: the last URL segment without `.git`."""
        return self.url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")


class EnvironmentYml(StrictModel):
    """Where the team's conda `environment.yml` comes from."""

    source: Literal["git", "s3"]
    path: RelativePath = "environment.yml"
    # source git: the code repository (by name) holding `path`.
    repository: RepositoryName | None = None
    # source s3: the team bucket holding `path` as its key.
    bucket: BucketPurpose = "artifacts"


CodeRepositories = Annotated[
    list[CodeRepository],
    check(
        lambda v: len(v) <= MAX_STUDIO_CODE_REPOSITORIES,
        f"at most {MAX_STUDIO_CODE_REPOSITORIES} code repositories (SageMaker JupyterLab limit)",
    ),
]
Members = Annotated[
    list[Member], check(lambda v: len(v) <= MAX_MEMBERS, f"at most {MAX_MEMBERS} members")
]


class LabConfig(StrictModel):
    """`mlops:lab`: the team's notebooks."""

    kind: Literal["studio", "notebook-instance"] = "studio"
    auth_mode: Literal["IAM", "SSO"] = "IAM"
    idle_timeout_minutes: int_range(MIN_IDLE_TIMEOUT_MINUTES, MAX_IDLE_TIMEOUT_MINUTES) = 60
    members: Members = Field(default_factory=list)
    # GPU types offered when `mlops:personas.allowGpu` is true; empty: the environment's
    # whole governance.allowedGpuInstanceTypes list.
    gpu_instance_types: list[InstanceType] = Field(default_factory=list)
    environment_yml: EnvironmentYml | None = None
    package_mirror_url: HttpsUrl = ""
    pip_mirror_url: HttpsUrl = ""
    code_repositories: CodeRepositories = Field(default_factory=list)
    notebook_volume_size_gb: int_range(MIN_VOLUME_GB, MAX_VOLUME_GB) = 20
    # Home EFS of the Studio domain on `pulumi destroy`; unset: Retain in production, else Delete.
    home_efs_retention: Literal["Delete", "Retain"] | None = None

    def repository(self, name: str) -> CodeRepository | None:
        return next((r for r in self.code_repositories if r.name == name), None)


def allowed_instance_types(
    lab: LabConfig, env: Any, allow_gpu: bool
) -> tuple[list[str], list[str]]:
    """(CPU types, GPU types) the members may start: the environment's lists, GPU if enabled."""
    cpu = list(env.governance.allowed_instance_types)
    gpu = list(lab.gpu_instance_types or env.governance.allowed_gpu_instance_types)
    return cpu, (gpu if allow_gpu else [])


def lab_problems(settings: Any) -> list[str]:
    """Rules across keys: one line per problem, naming key, value and what is allowed."""
    lab: LabConfig = settings.lab
    env = settings.env
    allow_gpu = bool(settings.personas.allow_gpu)
    key = "mlops:lab"
    problems: list[str] = []

    env_gpu = list(env.governance.allowed_gpu_instance_types)
    for index, gpu_type in enumerate(lab.gpu_instance_types):
        if gpu_type not in env_gpu:
            problems.append(
                f"{key}.gpuInstanceTypes[{index}] = '{gpu_type}': not in the GPU allow-list of "
                f"environment '{env.stack}'; allowed: {', '.join(env_gpu) or 'none'}"
            )
    if lab.gpu_instance_types and not allow_gpu:
        problems.append(
            f"{key}.gpuInstanceTypes = {lab.gpu_instance_types}: GPUs are off for this team; "
            f"allowed: [] unless mlops:personas.allowGpu is true"
        )

    cpu, gpu = allowed_instance_types(lab, env, allow_gpu)
    seen: dict[str, int] = {}
    for index, member in enumerate(lab.members):
        if member.name in seen:
            problems.append(
                f"{key}.members[{index}].name = '{member.name}': already used by "
                f"members[{seen[member.name]}]; allowed: each member name once"
            )
        seen.setdefault(member.name, index)
        if member.default_instance_type not in cpu + gpu:
            problems.append(
                f"{key}.members[{index}].defaultInstanceType = '{member.default_instance_type}': "
                f"not an instance type this team may start in environment '{env.stack}'; "
                f"allowed: {', '.join(cpu + gpu)}"
            )
        if member.sso_user_name and lab.auth_mode != "SSO":
            problems.append(
                f"{key}.members[{index}].ssoUserName = '{member.sso_user_name}': only used with "
                f"authMode SSO; allowed: unset with authMode {lab.auth_mode}"
            )

    names = [r.name for r in lab.code_repositories]
    for index, repo in enumerate(lab.code_repositories):
        if names.index(repo.name) != index:
            problems.append(
                f"{key}.codeRepositories[{index}].name = '{repo.name}': duplicate; "
                f"allowed: each repository name once"
            )
        if repo.secret_arn and lab.kind == "studio":
            problems.append(
                f"{key}.codeRepositories[{index}].secretArn = '{repo.secret_arn}': Studio "
                f"JupyterLab clones with each member's own git credentials; allowed: unset with "
                f"kind studio (secretArn is for kind notebook-instance)"
            )
        if repo.secret_arn and repo.secret_arn.split(":")[3:5] != [
            settings.region,
            settings.account_id,
        ]:
            problems.append(
                f"{key}.codeRepositories[{index}].secretArn = '{repo.secret_arn}': allowed: a "
                f"secret in this stack's region and account "
                f"({settings.region}, {settings.account_id})"
            )
    if lab.kind == "notebook-instance" and len(names) > MAX_NOTEBOOK_CODE_REPOSITORIES:
        problems.append(
            f"{key}.codeRepositories = {names}: allowed: at most {MAX_NOTEBOOK_CODE_REPOSITORIES} "
            f"with kind notebook-instance (one default plus 3 additional repositories)"
        )

    yml = lab.environment_yml
    if yml is not None:
        if yml.source == "git" and (
            yml.repository is None or lab.repository(yml.repository) is None
        ):
            problems.append(
                f"{key}.environmentYml.repository = {yml.repository!r}: source git needs one of "
                f"codeRepositories; allowed: {', '.join(names) or 'none configured'}"
            )
        if yml.source == "s3" and yml.repository is not None:
            problems.append(
                f"{key}.environmentYml.repository = '{yml.repository}': allowed: unset with "
                f"source s3 (the file is s3://<team {yml.bucket} bucket>/{yml.path})"
            )

    if settings.production and lab.home_efs_retention == "Delete":
        problems.append(
            f"{key}.homeEfsRetention = 'Delete': production keeps the members' home file "
            f"system; allowed: Retain or unset"
        )
    return problems
