"""Amazon ECR lifecycle policy rules.

Source: Amazon ECR User Guide, "Lifecycle policy properties in Amazon ECR"
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html) and
"Examples of lifecycle policies" (template), read 2026-12-01: `rulePriority` an integer, unique
in the policy, the `any` rule the highest; `tagStatus` tagged|untagged|any, `tagged` with a
`tagPrefixList` or `tagPatternList`, `untagged` with neither; at most four `*` per tag pattern;
`countType` imageCountMoreThan|sinceImagePushed|sinceImagePulled|sinceImageTransitioned,
`countUnit` (days) only and always with the `since*` types; `countNumber` a positive integer;
`storageClass` archive with sinceImageTransitioned; `action.type` expire|transition, a
transition with `targetStorageClass` archive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TypeGuard

from mlopsctl.conformance.finding import Finding, Origin, finding
from mlopsctl.conformance.shapes import plain
from mlopsctl.plan.model import Plan

LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
RULE = "ecr-lifecycle-policy"
SOURCE = "Amazon ECR User Guide: Lifecycle policy properties (read 2026-12-01)"
TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = (
    "imageCountMoreThan",
    "sinceImagePushed",
    "sinceImagePulled",
    "sinceImageTransitioned",
)
ACTIONS = ("expire", "transition")
MAX_WILDCARDS = 4


def _positive_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _tag_problems(selection: dict[str, Any]) -> Iterator[str]:
    status = selection.get("tagStatus")
    lists = [k for k in ("tagPrefixList", "tagPatternList") if selection.get(k)]
    if status not in TAG_STATUSES:
        yield f"tagStatus is {'|'.join(TAG_STATUSES)}, not {status!r}"
    elif status == "tagged" and not lists:
        yield "tagStatus tagged needs a tagPrefixList or a tagPatternList"
    elif status == "untagged" and lists:
        yield f"tagStatus untagged takes no {' or '.join(lists)}"
    for pattern in selection.get("tagPatternList") or []:
        if isinstance(pattern, str) and pattern.count("*") > MAX_WILDCARDS:
            yield f"tag pattern '{pattern}' has more than {MAX_WILDCARDS} wildcards"


def _count_problems(selection: dict[str, Any]) -> Iterator[str]:
    count_type = selection.get("countType")
    if count_type not in COUNT_TYPES:
        yield f"countType is {'|'.join(COUNT_TYPES)}, not {count_type!r}"
    elif count_type == "imageCountMoreThan" and "countUnit" in selection:
        yield "countUnit is only used with the sinceImage* count types"
    elif count_type != "imageCountMoreThan" and selection.get("countUnit") != "days":
        yield f"countType {count_type} needs countUnit days"
    if count_type == "sinceImageTransitioned" and selection.get("storageClass") != "archive":
        yield "countType sinceImageTransitioned needs storageClass archive"
    if not _positive_int(selection.get("countNumber")):
        yield f"countNumber is a positive integer, not {selection.get('countNumber')!r}"


def rule_problems(rule: Any) -> Iterator[str]:
    if not isinstance(rule, dict):
        yield "a rule is an object"
        return
    if not _positive_int(rule.get("rulePriority")):
        yield f"rulePriority is a positive integer, not {rule.get('rulePriority')!r}"
    selection = rule.get("selection")
    if not isinstance(selection, dict):
        yield "a rule needs a selection"
    else:
        yield from _tag_problems(selection)
        yield from _count_problems(selection)
    raw_action = rule.get("action")
    action: dict[str, Any] = raw_action if isinstance(raw_action, dict) else {}
    if action.get("type") not in ACTIONS:
        yield f"action.type is {'|'.join(ACTIONS)}, not {action.get('type')!r}"
    elif action["type"] == "transition" and action.get("targetStorageClass") != "archive":
        yield "a transition action needs targetStorageClass archive"


def policy_problems(policy: Any) -> Iterator[str]:
    rules = policy.get("rules") if isinstance(policy, dict) else None
    if not isinstance(rules, list) or not rules:
        yield 'a lifecycle policy is {"rules": [...]} with at least one rule'
        return
    for index, rule in enumerate(rules):
        for problem in rule_problems(rule):
            yield f"rules[{index}]: {problem}"
    priorities = [r.get("rulePriority") for r in rules if isinstance(r, dict)]
    repeated = sorted({p for p in priorities if priorities.count(p) > 1 and p is not None})
    if repeated:
        yield f"rulePriority values must be unique; repeated: {repeated}"
    any_rules = [
        r.get("rulePriority")
        for r in rules
        if isinstance(r, dict) and (r.get("selection") or {}).get("tagStatus") == "any"
    ]
    numbers: list[int] = [p for p in priorities if _positive_int(p)]
    if numbers and any(_positive_int(p) and p < max(numbers) for p in any_rules):
        yield "the rule with tagStatus any must have the highest rulePriority"


def check(plan: Plan) -> list[Finding]:
    found: list[Finding] = []
    for resource in plan.of_type(LIFECYCLE_POLICY):
        text = plain(resource.inputs.get("policy"))
        if not isinstance(text, str):
            continue
        try:
            problems = list(policy_problems(json.loads(text)))
        except json.JSONDecodeError as error:
            problems = [f"not valid JSON: {error}"]
        found.extend(finding(resource, "policy", text, Origin(RULE, SOURCE), p) for p in problems)
    return found
