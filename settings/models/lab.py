"""Config of the team's lab (managed notebooks): `mlops:lab`.

Field rules only; rules that need the environment's instance policy, the personas' GPU switch
or the region live in `settings/rules/lab.py`.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field

from settings.catalog import (
    MAX_IDLE_TIMEOUT_MINUTES,
    MAX_MEMBERS,
    MAX_STUDIO_CODE_REPOSITORIES,
    MAX_VOLUME_GB,
    MIN_IDLE_TIMEOUT_MINUTES,
    MIN_VOLUME_GB,
    PERSONAS,
    BucketPurpose,
)
from settings.models.base import StrictModel
from settings.values import (
    HttpsUrl,
    InstanceType,
    SecretArn,
    check,
    int_range,
    pattern,
)

Persona = Literal["data-scientist", "ml-engineer", "data-steward"]
assert set(get_args(Persona)) == set(PERSONAS)

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
    idle_timeout_minutes: Annotated[
        int, int_range(MIN_IDLE_TIMEOUT_MINUTES, MAX_IDLE_TIMEOUT_MINUTES)
    ] = 60
    members: Members = Field(default_factory=list)
    # GPU types offered when `mlops:personas.allowGpu` is true; empty: the environment's
    # whole governance.allowedGpuInstanceTypes list.
    gpu_instance_types: list[InstanceType] = Field(default_factory=list)
    environment_yml: EnvironmentYml | None = None
    package_mirror_url: HttpsUrl = ""
    pip_mirror_url: HttpsUrl = ""
    code_repositories: CodeRepositories = Field(default_factory=list)
    notebook_volume_size_gb: Annotated[int, int_range(MIN_VOLUME_GB, MAX_VOLUME_GB)] = 20
    # Home EFS of the Studio domain on `pulumi destroy`; unset: Retain in production, else Delete.
    home_efs_retention: Literal["Delete", "Retain"] | None = None

    def repository(self, name: str) -> CodeRepository | None:
        return next((r for r in self.code_repositories if r.name == name), None)
