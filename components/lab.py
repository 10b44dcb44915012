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

import pulumi
from pulumi_aws import sagemaker as sm

from components.config.lab import LabConfig
from components.lifecycle_scripts import combine_scripts, render_script, to_base64
from components.naming import Naming
from components.provider import stateful_options

# Notebook instances: the lifecycle script runs as root, the notebook user is ec2-user, and only
# /home/ec2-user/SageMaker survives a stop/start; Jupyter runs from the JupyterSystemEnv conda
# environment (SageMaker Developer Guide, "Customize a notebook instance using a lifecycle
# configuration script", and the aws-samples repository
# amazon-sagemaker-notebook-instance-lifecycle-config-samples, read 2026-11).
NOTEBOOK_USER = "ec2-user"
NOTEBOOK_PERSISTENT_DIR = "SageMaker"
NOTEBOOK_SETTINGS = {
    "JUPYTER_CMD": "/home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/jupyter",
    "CONDA_CMD": "/home/ec2-user/anaconda3/bin/conda",
    "CONDA_ENVS_DIR": "/home/ec2-user/SageMaker/.conda/envs",
    "MLOPS_STATE_DIR": "/home/ec2-user/SageMaker/.mlops",
}
DOMAIN_DEFAULT_PERSONA = "data-scientist"
DEFAULT_INSTANCE_TYPE = "ml.t3.medium"


@cache
def studio_instance_types() -> tuple[str, ...]:
    """Every instance type a Studio app can run on: the `AppInstanceType` enum of the SageMaker
    API (botocore's service model sagemaker 2017-07-24, shipped with boto3; read 2026-11)."""
    import botocore.loaders

    model = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    return tuple(t for t in model["shapes"]["AppInstanceType"]["enum"] if t.startswith("ml."))


@dataclass
class LabArgs:
    config: LabConfig
    naming: Naming
    team: str
    production: bool
    kms_key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    security_group_ids: pulumi.Input[Sequence[str]]
    # Persona -> the SageMaker execution role ARN of that persona (components/personas.py).
    execution_role_arns: Mapping[str, pulumi.Input[str]]
    # Instance types the members may start (environment allow-lists; GPU only if allowed).
    allowed_instance_types: Sequence[str] = field(default_factory=list)


def lifecycle_script(args: LabArgs, *, notebook_instance: bool) -> str:
    """The one lifecycle script: idle-kernel shutdown, then the conda environment if configured."""
    lab = args.config
    common = NOTEBOOK_SETTINGS if notebook_instance else {}
    idle = {"IDLE_TIMEOUT_MINUTES": str(lab.idle_timeout_minutes)}
    idle.update({k: v for k, v in common.items() if k in ("JUPYTER_CMD", "MLOPS_STATE_DIR")})
    parts = {"idle-kernel-shutdown": render_script("idle_kernel_shutdown", idle)}
    yml = lab.environment_yml
    if yml is not None:
        if yml.source == "s3":
            source = f"s3://{args.naming.bucket(yml.bucket)}/{yml.path}"
        else:
            repository = lab.repository(yml.repository or "")
            assert repository is not None  # checked by lab_problems
            clone_dir = f"{NOTEBOOK_PERSISTENT_DIR}/" if notebook_instance else ""
            source = f"{clone_dir}{repository.directory}/{yml.path}"
        conda = {
            "ENVIRONMENT_YML_SOURCE": source,
            "CONDA_ENV_NAME": args.team,
            "KERNEL_DISPLAY_NAME": f"Python ({args.team})",
            "PACKAGE_MIRROR_URL": lab.package_mirror_url,
            "PIP_MIRROR_URL": lab.pip_mirror_url,
        }
        conda.update({k: v for k, v in common.items() if k != "JUPYTER_CMD"})
        parts["conda-environment"] = render_script("conda_environment", conda)
    return combine_scripts(parts, run_as=NOTEBOOK_USER if notebook_instance else None)


class Lab(pulumi.ComponentResource):
    """Managed notebooks for one team (type token `mlops:lab:Lab`)."""

    exports: dict[str, pulumi.Input]

    def __init__(self, name: str, args: LabArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:lab:Lab", name, None, opts)
        self.args = args
        if args.config.kind == "studio":
            self.exports = self._studio()
        else:
            self.exports = self._notebook_instances()
        self.exports = {"labKind": args.config.kind, **self.exports}
        self.register_outputs(self.exports)

    # -- Studio -------------------------------------------------------------------------------

    def _studio(self) -> dict[str, pulumi.Input]:
        a, lab = self.args, self.args.config
        child = pulumi.ResourceOptions(parent=self)
        timeout = lab.idle_timeout_minutes
        script = lifecycle_script(a, notebook_instance=False)
        lcc = sm.StudioLifecycleConfig(
            "lab-jupyterlab",
            studio_lifecycle_config_name=a.naming.name("lab-jupyterlab"),
            studio_lifecycle_config_app_type="JupyterLab",
            studio_lifecycle_config_content=to_base64(script),
            opts=child,
        )
        self.lifecycle_config = lcc
        hidden = [t for t in studio_instance_types() if t not in set(a.allowed_instance_types)]
        repositories = [r.url for r in lab.code_repositories]
        retention = lab.home_efs_retention or ("Retain" if a.production else "Delete")
        default_role = a.execution_role_arns[DOMAIN_DEFAULT_PERSONA]
        # Apps outside the members' spaces start on the environment's first allowed type.
        default_type = next(iter(a.allowed_instance_types), DEFAULT_INSTANCE_TYPE)

        self.domain = sm.Domain(
            "lab-domain",
            domain_name=a.naming.name("lab"),
            auth_mode=lab.auth_mode,
            # No internet from the notebooks: traffic goes through the VPC and its endpoints.
            app_network_access_type="VpcOnly",
            vpc_id=a.vpc_id,
            subnet_ids=a.subnet_ids,
            kms_key_id=a.kms_key_arn,
            retention_policy=sm.DomainRetentionPolicyArgs(home_efs_file_system=retention),
            default_user_settings=sm.DomainDefaultUserSettingsArgs(
                execution_role=default_role,
                security_groups=a.security_group_ids,
                studio_web_portal="ENABLED",
                default_landing_uri="studio::",
                studio_web_portal_settings=sm.DomainDefaultUserSettingsStudioWebPortalSettingsArgs(
                    hidden_instance_types=hidden,
                ),
                jupyter_lab_app_settings=sm.DomainDefaultUserSettingsJupyterLabAppSettingsArgs(
                    lifecycle_config_arns=[lcc.arn],
                    default_resource_spec=sm.DomainDefaultUserSettingsJupyterLabAppSettingsDefaultResourceSpecArgs(
                        instance_type=default_type, lifecycle_config_arn=lcc.arn
                    ),
                    app_lifecycle_management=sm.DomainDefaultUserSettingsJupyterLabAppSettingsAppLifecycleManagementArgs(
                        idle_settings=sm.DomainDefaultUserSettingsJupyterLabAppSettingsAppLifecycleManagementIdleSettingsArgs(
                            lifecycle_management="ENABLED",
                            idle_timeout_in_minutes=timeout,
                            min_idle_timeout_in_minutes=60,
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
                        default_ebs_volume_size_in_gb=lab.notebook_volume_size_gb,
                        maximum_ebs_volume_size_in_gb=lab.notebook_volume_size_gb,
                    )
                ),
            ),
            default_space_settings=sm.DomainDefaultSpaceSettingsArgs(
                execution_role=default_role,
                security_groups=a.security_group_ids,
            ),
            opts=stateful_options(a.production, self),
        )

        profiles: dict[str, pulumi.Output[str]] = {}
        spaces: dict[str, pulumi.Output[str]] = {}
        for member in lab.members:
            tags = {"lab-member": member.name, "persona": member.persona}
            sso = lab.auth_mode == "SSO"
            profile = sm.UserProfile(
                f"lab-profile-{member.name}",
                domain_id=self.domain.id,
                user_profile_name=member.name,
                single_sign_on_user_identifier="UserName" if sso else None,
                single_sign_on_user_value=(member.sso_user_name or member.name) if sso else None,
                user_settings=sm.UserProfileUserSettingsArgs(
                    execution_role=a.execution_role_arns[member.persona],
                    security_groups=a.security_group_ids,
                ),
                tags=tags,
                opts=child,
            )
            space = sm.Space(
                f"lab-space-{member.name}",
                domain_id=self.domain.id,
                space_name=f"{member.name}-private",
                space_display_name=f"{member.name} (private)",
                # Referencing the profile's name makes the space depend on it: destroyed first.
                ownership_settings=sm.SpaceOwnershipSettingsArgs(
                    owner_user_profile_name=profile.user_profile_name
                ),
                space_sharing_settings=sm.SpaceSpaceSharingSettingsArgs(sharing_type="Private"),
                space_settings=sm.SpaceSpaceSettingsArgs(
                    app_type="JupyterLab",
                    jupyter_lab_app_settings=sm.SpaceSpaceSettingsJupyterLabAppSettingsArgs(
                        default_resource_spec=sm.SpaceSpaceSettingsJupyterLabAppSettingsDefaultResourceSpecArgs(
                            instance_type=member.default_instance_type,
                            lifecycle_config_arn=lcc.arn,
                        ),
                        app_lifecycle_management=sm.SpaceSpaceSettingsJupyterLabAppSettingsAppLifecycleManagementArgs(
                            idle_settings=sm.SpaceSpaceSettingsJupyterLabAppSettingsAppLifecycleManagementIdleSettingsArgs(
                                idle_timeout_in_minutes=timeout
                            )
                        ),
                        code_repositories=[
                            sm.SpaceSpaceSettingsJupyterLabAppSettingsCodeRepositoryArgs(
                                repository_url=url
                            )
                            for url in repositories
                        ]
                        or None,
                    ),
                    space_storage_settings=sm.SpaceSpaceSettingsSpaceStorageSettingsArgs(
                        ebs_storage_settings=sm.SpaceSpaceSettingsSpaceStorageSettingsEbsStorageSettingsArgs(
                            ebs_volume_size_in_gb=lab.notebook_volume_size_gb
                        )
                    ),
                ),
                tags=tags,
                opts=stateful_options(a.production, self),
            )
            profiles[member.name] = profile.user_profile_name
            spaces[member.name] = space.space_name
        return {
            "labDomainId": self.domain.id,
            "labDomainUrl": self.domain.url,
            "labUserProfiles": profiles,
            "labSpaces": spaces,
            "labLifecycleConfigArn": lcc.arn,
        }

    # -- Notebook instances --------------------------------------------------------------------

    def _notebook_instances(self) -> dict[str, pulumi.Input]:
        a, lab = self.args, self.args.config
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
            for repo in lab.code_repositories
        ]
        first_subnet = pulumi.Output.from_input(a.subnet_ids).apply(lambda ids: ids[0])
        instances: dict[str, pulumi.Output[str]] = {}
        for member in lab.members:
            instance = sm.NotebookInstance(
                f"lab-notebook-{member.name}",
                name=a.naming.name("nb", member.name),
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
                volume_size=lab.notebook_volume_size_gb,
                lifecycle_config_name=lcc.name,
                default_code_repository=repositories[0] if repositories else None,
                additional_code_repositories=repositories[1:] or None,
                tags={"lab-member": member.name, "persona": member.persona},
                opts=stateful_options(a.production, self),
            )
            instances[member.name] = instance.name
        return {"labNotebookInstances": instances, "labLifecycleConfigName": lcc.name}
