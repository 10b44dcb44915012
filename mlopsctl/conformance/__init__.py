"""AWS conformance of a plan: would AWS accept every planned value?

`check_plan(plan)` checks each planned resource of the types the platform creates against the
input shape of the API request it becomes, in botocore's service models (types, enums,
patterns, lengths, ranges, list sizes, required members), and against the rules AWS documents
outside the models (S3 bucket names, EventBridge Scheduler expressions and time zones, the IAM
policy grammar and size quotas, tag limits, ECR lifecycle policies, security group text,
CloudWatch Logs retention periods, Kubernetes names) and the provider's known read-back
normalisations. `findings_to_json` gives the JSON form for `mlopsctl plan --json`.

Modules: `finding` (the result), `models` (botocore models, distilled and cached),
`java_regex` (botocore patterns in Python), `requests` + `mapping*` (resource type -> API
requests), `shapes` (the recursive check), `api_check` (per resource), `rules/` (documented
rules, one family per module), `checker` (both together).
"""

from mlopsctl.conformance.checker import check_plan
from mlopsctl.conformance.finding import Finding, findings_to_json

__all__ = ["Finding", "check_plan", "findings_to_json"]
