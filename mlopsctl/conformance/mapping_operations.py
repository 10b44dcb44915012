"""Scheduling, monitoring, scaling and budget resource types -> their API requests."""

from __future__ import annotations

from mlopsctl.conformance.requests import FLATTEN, SKIP, Request, request

_METRIC = "MetricStat.Metric"

OPERATIONS_REQUESTS: dict[str, tuple[Request, ...]] = {
    "aws:scheduler/schedule:Schedule": (
        request("scheduler", "CreateSchedule", {"namePrefix": SKIP}, supplied=("Name",)),
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        request(
            "cloudwatch",
            "PutMetricAlarm",
            {
                "name": "AlarmName",
                "metricQueries": "Metrics",
                "metricQueries.metric": FLATTEN,
                "metricQueries.metric.metricName": f"{_METRIC}.MetricName",
                "metricQueries.metric.namespace": f"{_METRIC}.Namespace",
                "metricQueries.metric.dimensions": f"{_METRIC}.Dimensions",
                "metricQueries.metric.period": "MetricStat.Period",
                "metricQueries.metric.stat": "MetricStat.Stat",
                "metricQueries.metric.unit": "MetricStat.Unit",
            },
            supplied=("AlarmName",),
        ),
    ),
    "aws:cloudwatch/logGroup:LogGroup": (
        request(
            "logs",
            "CreateLogGroup",
            {"name": "logGroupName", "namePrefix": SKIP, "skipDestroy": SKIP},
            supplied=("logGroupName",),
        ),
        request(
            "logs",
            "PutRetentionPolicy",
            claims=("retentionInDays",),
            supplied=("logGroupName",),
        ),
    ),
    "aws:appautoscaling/target:Target": (
        request("application-autoscaling", "RegisterScalableTarget"),
    ),
    "aws:appautoscaling/policy:Policy": (
        request(
            "application-autoscaling",
            "PutScalingPolicy",
            {"name": "PolicyName"},
            supplied=("PolicyName",),
        ),
    ),
    # Budget fields are flat in the provider, nested in CreateBudget.
    "aws:budgets/budget:Budget": (
        request(
            "budgets",
            "CreateBudget",
            {
                "name": "Budget.BudgetName",
                "namePrefix": SKIP,
                "budgetType": "Budget.BudgetType",
                "limitAmount": "Budget.BudgetLimit.Amount",
                "limitUnit": "Budget.BudgetLimit.Unit",
                "timeUnit": "Budget.TimeUnit",
                "timePeriodStart": SKIP,  # provider format 2006-01-02_15:04, converted by it
                "timePeriodEnd": SKIP,
                "costFilters": SKIP,
                "costTypes": SKIP,
                "plannedLimits": SKIP,
                "autoAdjustData": SKIP,
                "tags": "ResourceTags",
                "notifications": "NotificationsWithSubscribers",
                "notifications.comparisonOperator": "Notification.ComparisonOperator",
                "notifications.threshold": "Notification.Threshold",
                "notifications.thresholdType": "Notification.ThresholdType",
                "notifications.notificationType": "Notification.NotificationType",
                "notifications.subscriberEmailAddresses": SKIP,
                "notifications.subscriberSnsTopicArns": SKIP,
            },
            supplied=("AccountId",),
        ),
    ),
}
