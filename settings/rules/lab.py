"""Cross-key rules of `mlops:lab`: instance policy, members, repositories, environment file."""

from __future__ import annotations

from settings.aws_models import notebook_instance_types
from settings.catalog import MAX_NOTEBOOK_CODE_REPOSITORIES
from settings.rules.context import TeamView

KEY = "mlops:lab"


def gpu_types_problems(settings: TeamView) -> list[str]:
    lab, env = settings.lab, settings.env
    env_gpu = list(env.governance.allowed_gpu_instance_types)
    problems = [
        f"{KEY}.gpuInstanceTypes[{index}] = '{gpu_type}': not in the GPU allow-list of "
        f"environment '{env.stack}'; allowed: {', '.join(env_gpu) or 'none'}"
        for index, gpu_type in enumerate(lab.gpu_instance_types)
        if gpu_type not in env_gpu
    ]
    if lab.gpu_instance_types and not settings.personas.allow_gpu:
        problems.append(
            f"{KEY}.gpuInstanceTypes = {lab.gpu_instance_types}: GPUs are off for this team; "
            f"allowed: [] unless mlops:personas.allowGpu is true"
        )
    return problems


def member_problems(settings: TeamView) -> list[str]:
    lab = settings.lab
    allowed = settings.instances.lab
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, member in enumerate(lab.members):
        if member.name in seen:
            problems.append(
                f"{KEY}.members[{index}].name = '{member.name}': already used by "
                f"members[{seen[member.name]}]; allowed: each member name once"
            )
        seen.setdefault(member.name, index)
        if member.default_instance_type not in allowed:
            problems.append(
                f"{KEY}.members[{index}].defaultInstanceType = '{member.default_instance_type}': "
                f"not an instance type this team may start in environment "
                f"'{settings.env.stack}'; allowed: {', '.join(allowed)}"
            )
        if member.sso_user_name and lab.auth_mode != "SSO":
            problems.append(
                f"{KEY}.members[{index}].ssoUserName = '{member.sso_user_name}': only used with "
                f"authMode SSO; allowed: unset with authMode {lab.auth_mode}"
            )
    return problems


def repository_problems(settings: TeamView) -> list[str]:
    lab = settings.lab
    names = [r.name for r in lab.code_repositories]
    problems: list[str] = []
    for index, repo in enumerate(lab.code_repositories):
        if names.index(repo.name) != index:
            problems.append(
                f"{KEY}.codeRepositories[{index}].name = '{repo.name}': duplicate; "
                f"allowed: each repository name once"
            )
        if repo.secret_arn and lab.kind == "studio":
            problems.append(
                f"{KEY}.codeRepositories[{index}].secretArn = '{repo.secret_arn}': Studio "
                f"JupyterLab clones with each member's own git credentials; allowed: unset with "
                f"kind studio (secretArn is for kind notebook-instance)"
            )
        if repo.secret_arn and repo.secret_arn.split(":")[3:5] != [
            settings.region,
            settings.account_id,
        ]:
            problems.append(
                f"{KEY}.codeRepositories[{index}].secretArn = '{repo.secret_arn}': allowed: a "
                f"secret in this stack's region and account "
                f"({settings.region}, {settings.account_id})"
            )
    if lab.kind == "notebook-instance" and len(names) > MAX_NOTEBOOK_CODE_REPOSITORIES:
        problems.append(
            f"{KEY}.codeRepositories = {names}: allowed: at most {MAX_NOTEBOOK_CODE_REPOSITORIES} "
            f"with kind notebook-instance (one default plus 3 additional repositories)"
        )
    return problems


def environment_file_problems(settings: TeamView) -> list[str]:
    lab = settings.lab
    yml = lab.environment_yml
    names = [r.name for r in lab.code_repositories]
    problems: list[str] = []
    if yml is not None:
        if yml.source == "git" and (
            yml.repository is None or lab.repository(yml.repository) is None
        ):
            problems.append(
                f"{KEY}.environmentYml.repository = {yml.repository!r}: source git needs one of "
                f"codeRepositories; allowed: {', '.join(names) or 'none configured'}"
            )
        if yml.source == "s3" and yml.repository is not None:
            problems.append(
                f"{KEY}.environmentYml.repository = '{yml.repository}': allowed: unset with "
                f"source s3 (the file is s3://<team {yml.bucket} bucket>/{yml.path})"
            )
    if settings.production and lab.home_efs_retention == "Delete":
        problems.append(
            f"{KEY}.homeEfsRetention = 'Delete': production keeps the members' home file "
            f"system; allowed: Retain or unset"
        )
    return problems


def notebook_instance_type_problems(settings: TeamView) -> list[str]:
    """A notebook instance runs only on the types CreateNotebookInstance accepts (botocore's
    `InstanceType` enum), a different list from Studio's."""
    if settings.lab.kind != "notebook-instance":
        return []
    offered = set(notebook_instance_types())
    return [
        f"{KEY}.members[{index}].defaultInstanceType = '{member.default_instance_type}': not a "
        f"notebook-instance type (CreateNotebookInstance.InstanceType); allowed: "
        f"{', '.join(t for t in settings.instances.lab if t in offered) or 'none of this team'}"
        for index, member in enumerate(settings.lab.members)
        if member.default_instance_type not in offered
    ][:1]


RULES = (
    gpu_types_problems,
    member_problems,
    repository_problems,
    environment_file_problems,
    notebook_instance_type_problems,
)
