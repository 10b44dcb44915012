"""botocore's Java-flavoured patterns, matched in Python as Java's `Matcher.matches()` would.

Expected results follow java.util.regex.Pattern's documented semantics: `\\p{L}` etc. are
Unicode general categories, POSIX classes such as `\\p{Alnum}` are US-ASCII, `\\w` is
`[a-zA-Z_0-9]`, a surrogate pair in a class stands for one supplementary code point.
"""

from __future__ import annotations

import pytest

from mlopsctl.conformance.java_regex import compile_pattern
from mlopsctl.conformance.mapping import wanted_operations
from mlopsctl.conformance.models import load_models

TAG_KEY = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"  # SageMaker TagKey


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        (TAG_KEY, "team", True),
        (TAG_KEY, "Équipe données 2", True),  # letters and space separators of any script
        (TAG_KEY, "コスト", True),
        (TAG_KEY, "²", True),  # No: other number
        (TAG_KEY, "team#1", False),
        (TAG_KEY, "a'b", False),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "€", True),  # Sc: currency symbol
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "a b", False),  # no separators
        (r"\p{Print}+", "abc d~", True),
        (r"\p{Print}+", "café", False),  # POSIX classes are US-ASCII in Java
        (
            r"arn:[\p{Alnum}\-]+:lambda:[\p{Alnum}\-]+:[0-9]{12}:function:.*",
            "arn:aws:lambda:eu-west-1:123456789012:function:f",
            True,
        ),
        (r"[\w-_]*", "a-b_c", True),  # Java reads the '-' after \w as a literal
        (r"[\w-_]*", "é", False),  # \w is ASCII in Java
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*", "ok 😀", True),
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*", "bell\x07", False),
        (r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}", "key", True),
        (r"^(?![^:\\]*/action/|(?i).*<script>.*</script>.*)[^:\\]+$", "fine", True),
        (r"^(?![^:\\]*/action/|(?i).*<script>.*</script>.*)[^:\\]+$", "x<SCRIPT>y</Script>", False),
        (r"[a-zA-Z0-9](-*[a-zA-Z0-9])*", "name-1", True),
        (r"[a-zA-Z0-9](-*[a-zA-Z0-9])*", "name-1-", False),  # a full match, not a search
    ],
)
def test_java_semantics(pattern, value, matches):
    matcher = compile_pattern(pattern)
    assert matcher is not None
    assert matcher(value) is matches


def test_class_intersection_is_not_guessed():
    assert compile_pattern(r"[a-z&&[^e]]+") is None


def test_every_pattern_of_the_mapped_operations_translates():
    patterns = {
        shape["pattern"]
        for model in load_models(wanted_operations()).values()
        for shape in model.shapes.values()
        if "pattern" in shape
    }
    assert len(patterns) > 50
    assert [p for p in patterns if compile_pattern(p) is None] == []
