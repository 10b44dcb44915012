"""The cost model as pure functions: resources in, monthly USD (idle and typical) out.

It lives in the pack so that `pulumi policy publish` takes the budget rule with its model and
price table (`prices.yaml`), and `mlopsctl cost` uses the very same code. Standard library and
PyYAML only (PyYAML ships with the `pulumi` SDK, so every pack virtualenv has it).
"""
