"""A team's monthly AWS cost budget, with e-mail alerts to its owner.

One `aws.budgets.Budget` named `<scope>-monthly`: a COST budget reset every month, limited to
the costs of resources carrying every given cost-allocation tag (the team's `team` and
`environment` default tags), alerting when the month's spend is forecast to pass one share of
the limit and when the actual spend passes another. The tags must be activated as cost
allocation tags in the account's billing console, or the budget sees nothing (docs/budgets.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents.budget import limit_amount, notifications, subscribers, tag_filter
from components.naming import Naming


@dataclass(frozen=True)
class TeamBudgetArgs:
    """`cost_allocation_tags`: the tags a cost must carry, all of them, to count (e.g.
    `{"team": "fraud", "environment": "dev"}`); thresholds are percentages of the limit."""

    naming: Naming
    monthly_limit_usd: float
    owner_email: str
    cost_allocation_tags: Mapping[str, str]
    forecasted_threshold_percent: float = 100.0
    actual_threshold_percent: float = 80.0
    extra_subscriber_emails: tuple[str, ...] = ()


class TeamBudget(pulumi.ComponentResource):
    budget: aws.budgets.Budget
    name: pulumi.Output[str]

    def __init__(self, name: str, args: TeamBudgetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:budget:TeamBudget", name, None, opts)
        emails = subscribers(args.owner_email, args.extra_subscriber_emails)
        self.budget = aws.budgets.Budget(
            name,
            name=args.naming.name("monthly"),
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=limit_amount(args.monthly_limit_usd),
            limit_unit="USD",
            notifications=[
                aws.budgets.BudgetNotificationArgs(**notification)
                for notification in notifications(
                    forecasted_percent=args.forecasted_threshold_percent,
                    actual_percent=args.actual_threshold_percent,
                    emails=emails,
                )
            ],
            **tag_filter(args.cost_allocation_tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = self.budget.name
        self.register_outputs({"name": self.name})
