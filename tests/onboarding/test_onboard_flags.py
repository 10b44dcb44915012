"""`mlopsctl onboard` sets a team up for real: principals, repositories, mirrors, next commands.

Driven through the console script on a project copy (stderr is not a terminal there, so the
progress stages are plain lines).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import yaml

from mlopsctl.plan import plan_stack
from tests.onboarding.conftest import PROJECT_ROOT, copy_project, mlopsctl

ACCOUNT = "210987654321"  # the shipped dev environment's account
PRINCIPALS = {
    "data-scientist": f"arn:aws:iam::{ACCOUNT}:role/LedgerDataScientist",
    "ml-engineer": f"arn:aws:iam::{ACCOUNT}:role/LedgerMlEngineer",
    "data-steward": f"arn:aws:iam::{ACCOUNT}:role/LedgerDataSteward",
}
# Hosts the shipped dev environment's egress reaches (mlops:network.egress.hosts).
REPOSITORY = "https://git.internal.example.com/ledger/models.git"
CONDA_MIRROR = "https://mirror.internal.example.com/conda"
PIP_MIRROR = "https://mirror.internal.example.com/pypi/simple"
ONBOARD = ("onboard", "--team", "ledger", "--env", "dev", "--member", "dana:data-scientist")


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory):
    """One onboarding without principals, repositories or mirrors: (project, result)."""
    project = copy_project(tmp_path_factory.mktemp("bare") / "project")
    return project, mlopsctl(*ONBOARD, project=project, check=True)


def _readme_sequence() -> list[str]:
    """The commands of README's "Deploying for real" block, comments dropped."""
    text = (PROJECT_ROOT / "README.md").read_text()
    section = text.split("## Deploying for real", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split(" #", 1)[0].strip() for line in block.splitlines()]
    return [c for c in commands if c and not c.startswith("#")]


def _printed_commands(stdout: str) -> list[str]:
    """The lines after "Next steps:", comments dropped (comment lines kept whole)."""
    lines = stdout.split("Next steps:", 1)[1].splitlines()
    out = []
    for line in (raw.strip() for raw in lines):
        if line:
            out.append(line if line.startswith("#") else line.split(" #", 1)[0].strip())
    return out


def test_next_commands_are_the_readmes_sequence_for_the_new_stack(bare) -> None:
    _, result = bare
    readme = _readme_sequence()
    # The environment's commands, then (after its `pulumi up -s dev ...`) the team's.
    env_deploy = next(i for i, c in enumerate(readme) if re.match(r"pulumi up -s dev( |$)", c))
    env_part, team_part = readme[:env_deploy], readme[env_deploy + 1 :]
    login = next(c for c in env_part if c.startswith("pulumi login "))
    env_preview = next(c for c in env_part if c.startswith("pulumi preview -s dev "))
    # The README's team commands for fraud-dev, and its preview (given for dev) for the new stack.
    team = [c.replace("fraud-dev", "ledger-dev") for c in team_part]
    init = next(c for c in team if c.startswith("pulumi stack init "))
    pack = next(c for c in team if c.startswith("mlopsctl pack-config "))
    up = next(c for c in team if c.startswith("pulumi up "))
    preview = next(
        (c for c in team if c.startswith("pulumi preview ")),
        re.sub(r"\bdev\b", "ledger-dev", env_preview),
    )
    assert init.startswith("pulumi stack init ledger-dev --secrets-provider=")
    assert up.endswith("--policy-pack policies --policy-pack-config ledger-dev-pack.json")

    printed = _printed_commands(result.stdout)
    for command in (login, init, pack, preview, up):
        assert command in printed, (command, printed)
    order = [printed.index(c) for c in (login, init, pack, preview, up)]
    assert order == sorted(order), printed
    first = next(i for i, line in enumerate(printed) if "deployed first" in line)
    assert "pulumi up -s dev" in printed[first] and first < printed.index(init)


def test_without_flags_the_still_to_do_list_names_what_is_missing(bare) -> None:
    project, result = bare
    todo = result.stdout.split("Still to do", 1)[1].split("Next steps:", 1)[0]
    lines = [line.strip() for line in todo.splitlines() if line.strip().startswith("- ")]
    principals = next(line for line in lines if "no principals" in line)
    assert all(p in principals for p in PRINCIPALS) and "nobody can assume" in principals
    assert "--principal PERSONA=ARN" in principals
    assert any("no code repositories" in x and "clones nothing" in x for x in lines)
    egress = "dev environment's egress (mode private)"
    assert any("no conda mirror" in x and egress in x and "--conda-mirror" in x for x in lines)
    assert any("no pip mirror" in x and egress in x and "--pip-mirror" in x for x in lines)
    config = yaml.safe_load((project / "stacks" / "Pulumi.ledger-dev.yaml").read_text())["config"]
    assert "mlops:personas" not in config and "codeRepositories" not in config["mlops:lab"]


def test_progress_stages_are_plain_lines_on_stderr(bare) -> None:
    _, result = bare
    stages = [
        "writing stacks/Pulumi.ledger-dev.yaml…",
        "validating ledger-dev…",
        "planning ledger-dev offline…",
        "running the policy pack on ledger-dev…",
    ]
    lines = result.stderr.splitlines()
    assert [line for line in lines if line in stages] == stages, result.stderr
    assert not any(stage in result.stdout for stage in stages)


def test_onboarding_with_every_flag_plans_principals_repositories_and_mirrors(
    project: Path, untouched_checkout
) -> None:
    flags = [f"--principal={p}={arn}" for p, arn in PRINCIPALS.items()]
    flags += [f"--repository=models={REPOSITORY}@main", "--environment-yml=models:environment.yml"]
    flags += [f"--conda-mirror={CONDA_MIRROR}", f"--pip-mirror={PIP_MIRROR}"]
    result = mlopsctl(*ONBOARD, *flags, project=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Still to do: nothing" in result.stdout
    lab = yaml.safe_load((project / "stacks" / "Pulumi.ledger-dev.yaml").read_text())["config"][
        "mlops:lab"
    ]
    assert lab["codeRepositories"] == [{"name": "models", "url": REPOSITORY, "branch": "main"}]

    plan = plan_stack("ledger-dev", project_dir=project)
    roles = {r.name: r for r in plan.of_type("aws:iam/role:Role")}
    for persona, arn in PRINCIPALS.items():
        trust = json.loads(roles[persona].inputs["assumeRolePolicy"])
        assert [s["Principal"]["AWS"] for s in trust["Statement"]] == [[arn]], persona
    (domain,) = plan.of_type("aws:sagemaker/domain:Domain")
    repositories = domain.inputs["defaultUserSettings"]["jupyterLabAppSettings"]["codeRepositories"]
    assert repositories == [{"repositoryUrl": REPOSITORY}]
    (lifecycle,) = plan.of_type("aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig")
    script = base64.b64decode(lifecycle.inputs["studioLifecycleConfigContent"]).decode()
    assert CONDA_MIRROR in script and PIP_MIRROR in script


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--member", "gus"],
            "--member gus: no persona; allowed: gus:data-scientist, "
            "gus:ml-engineer, gus:data-steward",
        ),
        (
            ["--member", "gus:data-scienist"],
            "unknown persona 'data-scienist' (did you mean "
            "'data-scientist'?); allowed: data-scientist, ml-engineer, data-steward",
        ),
        (
            ["--principal", "data-sceintist=arn:aws:iam::210987654321:role/x"],
            "(did you mean 'data-scientist'?)",
        ),
        (["--principal", "data-scientist"], "allowed: PERSONA=ARN"),
        (
            ["--principal", "data-scientist=not-an-arn"],
            "mlops:personas.dataScientist.principals[0] = 'not-an-arn'",
        ),
        (
            ["--repository", "models=https://bob:s3cret@git.internal.example.com/a.git"],
            "credentials do not go in the URL",
        ),
        (
            ["--repository", "models=http://git.internal.example.com/a.git"],
            "mlops:lab.codeRepositories[0].url",
        ),
        (["--conda-mirror", "ftp://mirror"], "mlops:lab.packageMirrorUrl = 'ftp://mirror'"),
        (["--environment-yml", "models:environment.yml"], "'models' is not a --repository"),
        (["--env", "deb"], "--env 'deb': no environment stack of that name"),
    ],
)
def test_each_mistake_is_one_message_and_exit_2(
    project: Path, flags: list[str], message: str
) -> None:
    files_before = sorted(p.name for p in (project / "stacks").iterdir())
    result = mlopsctl("onboard", "--team", "ledger", "--env", "dev", *flags, project=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr
    assert sorted(p.name for p in (project / "stacks").iterdir()) == files_before
