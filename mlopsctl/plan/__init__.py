"""The offline plan engine: run the real program under Pulumi's mock monitor, no CLI, no cloud."""

from mlopsctl.plan.engine import plan_stack
from mlopsctl.plan.model import Plan, PlannedResource

__all__ = ["Plan", "PlannedResource", "plan_stack"]
