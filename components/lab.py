"""The team's lab: SageMaker Studio (default) or classic notebook instances.

Studio: one VPC-only domain encrypted with the team key, a user profile and a private JupyterLab
space per member (each with its persona's execution role), native idle shutdown, one lifecycle
configuration (idle-kernel shutdown + the team's conda environment), the team's git repositories,
and every instance type the team may not start hidden from the UI (IAM enforces the same list
through the personas' `sagemaker:InstanceTypes` conditions).

Teardown: spaces reference their owner's profile and profiles reference the domain, so
`pulumi destroy` deletes spaces, then profiles, then the domain; the domain's home EFS is deleted
with it outside production (`retention_policy`), so that the subnets can be deleted too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import pulumi
from pulumi_aws import sagemaker as sm

from components.lab_names import notebook_instance_name, private_space_name, user_profile_name
from components.lifecycle_scripts import (
    NOTEBOOK_PERSISTENT_DIR,
    lab_lifecycle_script,
    to_base64,
)
from components.naming import Naming
from components.provider import stateful_options

DEFAULT_INSTANCE_TYPE = "ml.t3.medium"
# Studio's idle shutdown: the shortest timeout a member may choose (SageMaker API reference,
# IdleSettings.MinIdleTimeoutInMinutes, read 2026-11).
MIN_IDLE_TIMEOUT_MINUTES = 60


@cache
def studio_instance_types() -> tuple[str, ...]:
    """Every instance type a Studio app can run on: the `AppInstanceType` enum of the SageMaker
    API (botocore's service model sagemaker 2017-07-24, shipped with boto3; read 2026-11)."""
    import botocore.loaders

    model = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    return tuple(t for t in model["shapes"]["AppInstanceType"]["enum"] if t.startswith("ml."))


@dataclass(frozen=True)
class LabMember:
    """One person of the team: a user profile and private space (or a notebook instance)."""

    name: str
    persona: str  # a key of `LabArgs.execution_role_arns`
    default_instance_type: str = DEFAULT_INSTANCE_TYPE
    # IAM Identity Center user name (auth mode SSO only); None: `name`.
    sso_user_name: str | None = None


@dataclass(frozen=True)
class CodeRepositorySpec:
    """A git repository cloned into every member's JupyterLab (or notebook instance)."""

    name: str
    url: str
    branch: str | None = None
    # Credentials of a private repository (notebook instances only: Studio JupyterLab clones
    # with the member's own git credentials).
    secret_arn: str | None = None

    @property
    def directory(self) -> str:
        """The directory SageMaker clones into: the last URL segment without `.git`."""
        return self.url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")


@dataclass(frozen=True)
class EnvironmentYml:
    """Where the team's conda `environment.yml` comes from."""

    source: Literal["git", "s3"]
    path: str = "environment.yml"
    # source git: the name of the code repository holding `path`.
    repository: str | None = None
    # source s3: the name of the bucket holding `path` as its key.
    bucket: str | None = None


@dataclass
class LabArgs:
    naming: Naming
    team: str  # the conda environment's name
    kms_key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    security_group_ids: pulumi.Input[Sequence[str]]
    # Persona -> the SageMaker execution role ARN of that persona (components/personas.py).
    execution_role_arns: Mapping[str, pulumi.Input[str]]
    kind: Literal["studio", "notebook-instance"] = "studio"
    production: bool = False
    auth_mode: Literal["IAM", "SSO"] = "IAM"
    idle_timeout_minutes: int = 60
    members: Sequence[LabMember] = ()
    # Instance types the members may start (environment allow-lists; GPU only if allowed).
    allowed_instance_types: Sequence[str] = field(default_factory=list)
    code_repositories: Sequence[CodeRepositorySpec] = ()
    environment_yml: EnvironmentYml | None = None
    package_mirror_url: str = ""
    pip_mirror_url: str = ""
    notebook_volume_size_gb: int = 20
    # Home EFS of the Studio domain on `pulumi destroy`; None: Retain in production, else Delete.
    home_efs_retention: Literal["Delete", "Retain"] | None = None
    # Whose execution role the domain's default settings and shared spaces use.
    domain_default_persona: str = "data-scientist"

    def repository(self, name: str) -> CodeRepositorySpec | None:
        return next((r for r in self.code_repositories if r.name == name), None)


def _environment_yml_source(args: LabArgs, yml: EnvironmentYml, *, notebook_instance: bool) -> str:
    """Where the conda script reads environment.yml: an s3:// URI or a path in a clone."""
    if yml.source == "s3":
        if not yml.bucket:
            raise ValueError("environment_yml: source s3 needs a bucket")
        return f"s3://{yml.bucket}/{yml.path}"
    repository = args.repository(yml.repository or "")
    if repository is None:
        raise ValueError(
            f"environment_yml: repository {yml.repository!r} is not one of the code repositories"
        )
    clone_dir = f"{NOTEBOOK_PERSISTENT_DIR}/" if notebook_instance else ""
    return f"{clone_dir}{repository.directory}/{yml.path}"


def lifecycle_script(args: LabArgs, *, notebook_instance: bool) -> str:
    """The one lifecycle script: idle-kernel shutdown, then the conda environment if configured."""
    yml = args.environment_yml
    return lab_lifecycle_script(
        notebook_instance=notebook_instance,
        idle_timeout_minutes=args.idle_timeout_minutes,
        environment_yml_source=(
            None
            if yml is None
            else _environment_yml_source(args, yml, notebook_instance=notebook_instance)
        ),
        conda_env_name=args.team,
        package_mirror_url=args.package_mirror_url,
        pip_mirror_url=args.pip_mirror_url,
    )


# -- Studio documents: the nested settings of the domain and of a member's space ---------------


def domain_user_settings(
    args: LabArgs, lifecycle_config_arn: pulumi.Input[str], hidden_instance_types: list[str]
) -> sm.DomainDefaultUserSettingsArgs:
    """The domain's default user settings: VPC-only JupyterLab, idle shutdown, EBS limits."""
    timeout = args.idle_timeout_minutes
    # Apps outside the members' spaces start on the environment's first allowed type.
    default_type = next(iter(args.allowed_instance_types), DEFAULT_INSTANCE_TYPE)
    repositories = [r.url for r in args.code_repositories]
    return sm.DomainDefaultUserSettingsArgs(
        execution_role=args.execution_role_arns[args.domain_default_persona],
        security_groups=args.security_group_ids,
        studio_web_portal="ENABLED",
        default_landing_uri="studio::",
        studio_web_portal_settings=sm.DomainDefaultUserSettingsStudioWebPortalSettingsArgs(
            hidden_instance_types=hidden_instance_types,
        ),
        jupyter_lab_app_settings=sm.DomainDefaultUserSettingsJupyterLabAppSettingsArgs(
            lifecycle_config_arns=[lifecycle_config_arn],
            default_resource_spec=sm.DomainDefaultUserSettingsJupyterLabAppSettingsDefaultResourceSpecArgs(
                instance_type=default_type, lifecycle_config_arn=lifecycle_config_arn
            ),
            app_lifecycle_management=sm.DomainDefaultUserSettingsJupyterLabAppSettingsAppLifecycleManagementArgs(
                idle_settings=sm.DomainDefaultUserSettingsJupyterLabAppSettingsAppLifecycleManagementIdleSettingsArgs(
                    lifecycle_management="ENABLED",
                    idle_timeout_in_minutes=timeout,
                    min_idle_timeout_in_minutes=MIN_IDLE_TIMEOUT_MINUTES,
                    max_idle_timeout_in_minutes=timeout,
                )
            ),
            code_repositories=[
                sm.DomainDefaultUserSettingsJupyterLabAppSettingsCodeRepositoryArgs(
                    repository_url=url
                )
                for url in repositories
            ]
            or None,
        ),
        space_storage_settings=sm.DomainDefaultUserSettingsSpaceStorageSettingsArgs(
            default_ebs_storage_settings=sm.DomainDefaultUserSettingsSpaceStorageSettingsDefaultEbsStorageSettingsArgs(
                default_ebs_volume_size_in_gb=args.notebook_volume_size_gb,
                maximum_ebs_volume_size_in_gb=args.notebook_volume_size_gb,
            )
        ),
    )


def space_settings(
    args: LabArgs, member: LabMember, lifecycle_config_arn: pulumi.Input[str]
) -> sm.SpaceSpaceSettingsArgs:
    """A member's private JupyterLab space: their default type, idle shutdown, the repos."""
    return sm.SpaceSpaceSettingsArgs(
        app_type="JupyterLab",
        jupyter_lab_app_settings=sm.SpaceSpaceSettingsJupyterLabAppSettingsArgs(
            default_resource_spec=sm.SpaceSpaceSettingsJupyterLabAppSettingsDefaultResourceSpecArgs(
                instance_type=member.default_instance_type,
                lifecycle_config_arn=lifecycle_config_arn,
            ),
            app_lifecycle_management=sm.SpaceSpaceSettingsJupyterLabAppSettingsAppLifecycleManagementArgs(
                idle_settings=sm.SpaceSpaceSettingsJupyterLabAppSettingsAppLifecycleManagementIdleSettingsArgs(
                    idle_timeout_in_minutes=args.idle_timeout_minutes
                )
            ),
            code_repositories=[
                sm.SpaceSpaceSettingsJupyterLabAppSettingsCodeRepositoryArgs(repository_url=r.url)
                for r in args.code_repositories
            ]
            or None,
        ),
        space_storage_settings=sm.SpaceSpaceSettingsSpaceStorageSettingsArgs(
            ebs_storage_settings=sm.SpaceSpaceSettingsSpaceStorageSettingsEbsStorageSettingsArgs(
                ebs_volume_size_in_gb=args.notebook_volume_size_gb
            )
        ),
    )


class Lab(pulumi.ComponentResource):
    """Managed notebooks for one team (type token `mlops:lab:Lab`).

    Outputs: `kind`; Studio: `domain_id`, `domain_url`, `user_profiles` and `spaces` (member ->
    name), `lifecycle_config_arn`; notebook instances: `notebook_instances` (member -> name),
    `lifecycle_config_name`. Outputs of the other kind are None.
    """

    kind: str
    domain_id: pulumi.Output[str] | None
    domain_url: pulumi.Output[str] | None
    user_profiles: dict[str, pulumi.Output[str]] | None
    spaces: dict[str, pulumi.Output[str]] | None
    lifecycle_config_arn: pulumi.Output[str] | None
    notebook_instances: dict[str, pulumi.Output[str]] | None
    lifecycle_config_name: pulumi.Output[str] | None

    def __init__(self, name: str, args: LabArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:lab:Lab", name, None, opts)
        self.args = args
        self.kind = args.kind
        self.domain_id = self.domain_url = self.lifecycle_config_arn = None
        self.user_profiles = self.spaces = self.notebook_instances = None
        self.lifecycle_config_name = None
        if args.kind == "studio":
            self._studio()
            outputs = {
                "labDomainId": self.domain_id,
                "labDomainUrl": self.domain_url,
                "labUserProfiles": self.user_profiles,
                "labSpaces": self.spaces,
                "labLifecycleConfigArn": self.lifecycle_config_arn,
            }
        else:
            self._notebook_instances()
            outputs = {
                "labNotebookInstances": self.notebook_instances,
                "labLifecycleConfigName": self.lifecycle_config_name,
            }
        self.register_outputs({"labKind": self.kind, **outputs})

    # -- Studio -------------------------------------------------------------------------------

    def _studio(self) -> None:
        a = self.args
        script = lifecycle_script(a, notebook_instance=False)
        lcc = sm.StudioLifecycleConfig(
            "lab-jupyterlab",
            studio_lifecycle_config_name=a.naming.name("lab-jupyterlab"),
            studio_lifecycle_config_app_type="JupyterLab",
            studio_lifecycle_config_content=to_base64(script),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.lifecycle_config = lcc
        hidden = [t for t in studio_instance_types() if t not in set(a.allowed_instance_types)]
        retention = a.home_efs_retention or ("Retain" if a.production else "Delete")
        self.domain = sm.Domain(
            "lab-domain",
            domain_name=a.naming.name("lab"),
            auth_mode=a.auth_mode,
            # No internet from the notebooks: traffic goes through the VPC and its endpoints.
            app_network_access_type="VpcOnly",
            vpc_id=a.vpc_id,
            subnet_ids=a.subnet_ids,
            kms_key_id=a.kms_key_arn,
            retention_policy=sm.DomainRetentionPolicyArgs(home_efs_file_system=retention),
            default_user_settings=domain_user_settings(a, lcc.arn, hidden),
            default_space_settings=sm.DomainDefaultSpaceSettingsArgs(
                execution_role=a.execution_role_arns[a.domain_default_persona],
                security_groups=a.security_group_ids,
            ),
            opts=stateful_options(a.production, self),
        )
        self.user_profiles, self.spaces = {}, {}
        for member in a.members:
            profile, space = self._member(member, lcc.arn)
            self.user_profiles[member.name] = profile.user_profile_name
            self.spaces[member.name] = space.space_name
        self.domain_id = self.domain.id
        self.domain_url = self.domain.url
        self.lifecycle_config_arn = lcc.arn

    def _member(
        self, member: LabMember, lifecycle_config_arn: pulumi.Output[str]
    ) -> tuple[sm.UserProfile, sm.Space]:
        """A member's user profile (their persona's execution role) and private space."""
        a = self.args
        tags = {"lab-member": member.name, "persona": member.persona}
        sso = a.auth_mode == "SSO"
        profile = sm.UserProfile(
            f"lab-profile-{member.name}",
            domain_id=self.domain.id,
            user_profile_name=user_profile_name(member.name),
            single_sign_on_user_identifier="UserName" if sso else None,
            single_sign_on_user_value=(member.sso_user_name or member.name) if sso else None,
            user_settings=sm.UserProfileUserSettingsArgs(
                execution_role=a.execution_role_arns[member.persona],
                security_groups=a.security_group_ids,
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        space = sm.Space(
            f"lab-space-{member.name}",
            domain_id=self.domain.id,
            space_name=private_space_name(member.name),
            space_display_name=f"{member.name} (private)",
            # Referencing the profile's name makes the space depend on it: destroyed first.
            ownership_settings=sm.SpaceOwnershipSettingsArgs(
                owner_user_profile_name=profile.user_profile_name
            ),
            space_sharing_settings=sm.SpaceSpaceSharingSettingsArgs(sharing_type="Private"),
            space_settings=space_settings(a, member, lifecycle_config_arn),
            tags=tags,
            opts=stateful_options(a.production, self),
        )
        return profile, space

    # -- Notebook instances --------------------------------------------------------------------

    def _notebook_instances(self) -> None:
        a = self.args
        child = pulumi.ResourceOptions(parent=self)
        script = lifecycle_script(a, notebook_instance=True)
        lcc = sm.NotebookInstanceLifecycleConfiguration(
            "lab-notebook",
            name=a.naming.name("lab-notebook"),
            on_start=to_base64(script),
            opts=child,
        )
        self.lifecycle_config = lcc
        repositories = [
            sm.CodeRepository(
                f"lab-repo-{repo.name}",
                code_repository_name=a.naming.name("repo", repo.name),
                git_config=sm.CodeRepositoryGitConfigArgs(
                    repository_url=repo.url, branch=repo.branch, secret_arn=repo.secret_arn
                ),
                opts=child,
            ).code_repository_name
            for repo in a.code_repositories
        ]
        first_subnet = pulumi.Output.from_input(a.subnet_ids).apply(lambda ids: ids[0])
        self.notebook_instances = {}
        for member in a.members:
            instance = sm.NotebookInstance(
                f"lab-notebook-{member.name}",
                name=notebook_instance_name(a.naming, member.name),
                instance_type=member.default_instance_type,
                role_arn=a.execution_role_arns[member.persona],
                kms_key_id=a.kms_key_arn,
                subnet_id=first_subnet,
                security_groups=a.security_group_ids,
                direct_internet_access="Disabled",
                root_access="Disabled",
                instance_metadata_service_configuration=sm.NotebookInstanceInstanceMetadataServiceConfigurationArgs(
                    minimum_instance_metadata_service_version="2"
                ),
                volume_size=a.notebook_volume_size_gb,
                lifecycle_config_name=lcc.name,
                default_code_repository=repositories[0] if repositories else None,
                additional_code_repositories=repositories[1:] or None,
                tags={"lab-member": member.name, "persona": member.persona},
                opts=stateful_options(a.production, self),
            )
            self.notebook_instances[member.name] = instance.name
        self.lifecycle_config_name = lcc.name
