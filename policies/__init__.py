"""The CrossGuard policy pack enforcing the platform's data rules.

Rule modules judge planned resources by type token and camelCase properties only; they never
import `components/`. `policies/__main__.py` builds the `PolicyPack` for `pulumi preview
--policy-pack policies`; `mlopsctl.policy_runner` calls the same policy objects offline.
"""
