"""The CrossGuard policy pack enforcing the platform's data rules.

One rule family per module of `policies/rules/`, registered in `policies.registry`. Rules name
the resources they judge through the typed selectors of `policies.resource_types` (the only
place type tokens are written) and judge type tokens and camelCase properties only: nothing
here imports `components/`, `settings/` or `mlopsctl`. `policies/__main__.py` builds the
`PolicyPack` for `pulumi preview --policy-pack policies`; `mlopsctl.policy_runner` calls the
same policy objects offline, and `mlopsctl.policy_reference` generates docs/policies.md from them.
"""
