"""What `mlopsctl onboard` prints after the checks: what is still missing, and the next commands.

The commands are the README's "Deploying for real" sequence for the new stack (a test compares
them with the README's code block): the environment stack first, a KMS secrets provider, the
policy pack configured from the stack's own settings for preview and up.
"""

from __future__ import annotations

from rich.console import Console

from mlopsctl.commands.onboard_flags import LabExtras, persona_key
from settings.catalog import PERSONAS

SECRETS_KEY = "<state-key>"
STATE_BUCKET = "<state-bucket>"


def still_to_do(extras: LabExtras, *, egress_mode: str, env: str) -> list[str]:
    """One line per thing the new stack lacks, with what happens without it and how to add it."""
    todo = []
    missing = [p for p in PERSONAS if not extras.principals.get(p)]
    if missing:
        keys = ", ".join(f"mlops:personas.{persona_key(p)}.principals" for p in missing)
        todo.append(
            f"no principals for {', '.join(missing)}: nobody can assume "
            f"{'this persona' if len(missing) == 1 else 'these personas'} (the trust policy "
            f"denies every caller); add --principal PERSONA=ARN ({keys})"
        )
    if not extras.repositories:
        todo.append(
            "no code repositories: the lab clones nothing into the members' spaces; add "
            "--repository NAME=URL[@BRANCH] (mlops:lab.codeRepositories)"
        )
    egress = f"the {env} environment's egress (mode {egress_mode})"
    if not extras.conda_mirror:
        todo.append(
            f"no conda mirror: the lab's conda build resolves its channels through {egress}; "
            "add --conda-mirror URL (mlops:lab.packageMirrorUrl)"
        )
    if not extras.pip_mirror:
        todo.append(
            f"no pip mirror: the pip: section of environment.yml installs through {egress}; "
            "add --pip-mirror URL (mlops:lab.pipMirrorUrl)"
        )
    if extras.environment_yml is None:
        todo.append(
            "no environment.yml: the lab builds no conda environment (the mirrors serve that "
            "build); add --environment-yml REPOSITORY:PATH (mlops:lab.environmentYml)"
        )
    return todo


def next_commands(stack: str, env: str, region: str) -> list[str]:
    """The commands from review to deployment, in order (comments after `#`)."""
    pack = f"{stack}-pack.json"
    gate = f"--policy-pack policies --policy-pack-config {pack}"
    return [
        f"mlopsctl plan {stack}   # review: resources, prerequisites outside the stack, cost",
        f"pulumi login s3://{STATE_BUCKET}?region={region}&awssdk=v2",
        f"# the environment stack {env} is deployed first (README, Deploying for real): "
        f"pulumi up -s {env}",
        f'pulumi stack init {stack} --secrets-provider="awskms://alias/{SECRETS_KEY}'
        f'?region={region}"',
        f"mlopsctl pack-config {stack} --output {pack}   # the team's own allow-lists",
        f"pulumi preview -s {stack} {gate}",
        f"pulumi up -s {stack} {gate}",
        f"mlopsctl handbook {stack} --output {stack}-handbook.md   # hand over to the team",
    ]


def print_after_onboarding(
    console: Console, extras: LabExtras, *, stack: str, env: str, region: str, egress_mode: str
) -> None:
    todo = still_to_do(extras, egress_mode=egress_mode, env=env)

    def say(text: str) -> None:  # commands as written: no markup, highlighting or wrapping
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    if todo:
        say("Still to do (the stack plans without these):")
        for line in todo:
            say(f"  - {line}")
    else:
        say("Still to do: nothing (principals, repositories and mirrors are set)")
    say("Next steps:")
    for command in next_commands(stack, env, region):
        say(f"  {command}")
