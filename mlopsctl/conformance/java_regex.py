"""Full-match the Java-flavoured `pattern`s of botocore's service models with Python's `re`.

AWS validates request members with Java's `Matcher.matches()` (a full match). The models use a
few constructs Python's `re` does not have, translated here:

- `\\p{L}`, `\\p{Lu}`, `\\p{IsL}`... (Unicode general categories): `re` has no categories. Each
  category is written as its ASCII members plus one private-use placeholder character, and the
  value's non-ASCII characters are replaced by the placeholder of their category before
  matching (exact for any pattern without other non-ASCII literals; others are not translated).
- `\\p{Alnum}`, `\\p{Print}`... (POSIX classes): US-ASCII only in Java, written out as such.
- UTF-16 surrogate pairs in ranges (`\\uD800\\uDC00-\\uDBFF\\uDFFF`): the code points they mean.
- `\\w-` inside a class: Java reads the `-` as a literal.
- `(?i)` after the start: Java turns the flag on from there to the end of the enclosing group.
- `${1,128}` (a quantified end anchor): the quantifier means nothing; dropped.
- Java's `\\w`, `\\d`, `\\s` and case folding are ASCII unless asked otherwise: `re.ASCII`.

Anything else Java-only (`\\Q`, class intersections, `\\P` in a class, unknown properties) makes
`compile_pattern` return None, and the checker skips that pattern rather than guess.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from functools import cache

CATEGORIES = [
    "Lu",
    "Ll",
    "Lt",
    "Lm",
    "Lo",
    "Mn",
    "Mc",
    "Me",
    "Nd",
    "Nl",
    "No",
    "Pc",
    "Pd",
    "Ps",
    "Pe",
    "Pi",
    "Pf",
    "Po",
    "Sm",
    "Sc",
    "Sk",
    "So",
    "Zs",
    "Zl",
    "Zp",
    "Cc",
    "Cf",
    "Cs",
    "Co",
    "Cn",
]
_PLACEHOLDER = {name: chr(0xE000 + index) for index, name in enumerate(CATEGORIES)}
_JAVA_PUNCT = "".join(c for c in string.punctuation)
_POSIX = {
    "Lower": string.ascii_lowercase,
    "Upper": string.ascii_uppercase,
    "ASCII": "".join(chr(c) for c in range(128)),
    "Alpha": string.ascii_letters,
    "Digit": string.digits,
    "Alnum": string.ascii_letters + string.digits,
    "Punct": _JAVA_PUNCT,
    "Graph": string.ascii_letters + string.digits + _JAVA_PUNCT,
    "Print": string.ascii_letters + string.digits + _JAVA_PUNCT + " ",
    "Blank": " \t",
    "Cntrl": "".join(chr(c) for c in [*range(32), 127]),
    "XDigit": string.hexdigits,
    "Space": " \t\n\x0b\f\r",
}
_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)
# Escapes of characters >= U+0080 (a category placeholder could collide with them).
_NON_ASCII_ESCAPE = re.compile(r"\\u(?!00[0-7])|\\U|\\x[89a-fA-F]|\\x\{", re.IGNORECASE)


class Untranslatable(ValueError):
    """A Java construct this translator does not handle."""


def _class_chars(chars: str) -> str:
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


def _property(name: str) -> tuple[str, bool]:
    """Characters (escaped for a class) of `\\p{name}`, and whether it is a Unicode category."""
    if name in _POSIX:
        return _class_chars(_POSIX[name]), False
    category = name.removeprefix("Is")
    members = [c for c in CATEGORIES if c.startswith(category)] if len(category) <= 2 else []
    if not members:
        raise Untranslatable(f"\\p{{{name}}}")
    ascii_members = "".join(chr(c) for c in range(128) if unicodedata.category(chr(c)) in members)
    return _class_chars(ascii_members) + "".join(_PLACEHOLDER[m] for m in members), True


def _code_point(pair: re.Match[str]) -> str:
    high, low = int(pair[1], 16) - 0xD800, int(pair[2], 16) - 0xDC00
    return f"\\U{0x10000 + (high << 10) + low:08X}"


class _Translator:
    def __init__(self, pattern: str):
        self.src = _SURROGATE_PAIR.sub(_code_point, pattern)
        self.out: list[str] = []
        self.pos = 0
        self.in_class = False
        self.depth = 0
        self.pending_close: list[int] = []  # depths at which a scoped (?i: group must close
        self.uses_categories = False

    def run(self) -> str:
        while self.pos < len(self.src):
            self._step()
        self.out.extend(")" * len(self.pending_close))
        return "".join(self.out)

    def _step(self) -> None:
        src, pos = self.src, self.pos
        char = src[pos]
        if char == "\\":
            self._escape()
        elif self.in_class:
            if src.startswith("&&", pos):
                raise Untranslatable("class intersection")
            self.in_class = char != "]" or (pos > 0 and src[pos - 1] == "[")
            self._emit(char, 1)
        elif char == "[":
            self.in_class = True
            self._emit(char, 1)
        elif src.startswith("(?i)", pos) and pos > 0:
            self.pending_close.append(self.depth)
            self._emit("(?i:", 4)
        elif char == "(":
            self.depth += 1
            self._emit(char, 1)
        elif char == ")":
            while self.pending_close and self.pending_close[-1] == self.depth:
                self.pending_close.pop()
                self.out.append(")")
            self.depth -= 1
            self._emit(char, 1)
        elif char == "$" and (quantifier := re.match(r"\$\{\d+(,\d*)?\}", src[pos:])):
            self._emit("$", len(quantifier[0]))
        else:
            self._emit(char, 1)

    def _escape(self) -> None:
        src, pos = self.src, self.pos
        prop = re.match(r"\\([pP])\{(\w+)\}", src[pos:])
        if prop:
            chars, is_category = _property(prop[2])
            self.uses_categories |= is_category
            negated = prop[1] == "P"
            if self.in_class and negated:
                raise Untranslatable(prop[0])
            text = chars if self.in_class else f"[{'^' if negated else ''}{chars}]"
            self._emit(text, len(prop[0]))
        elif self.in_class and re.match(r"\\[wdsWDS]-", src[pos:]):
            self._emit(src[pos : pos + 2] + "\\-", 3)
        elif src.startswith("\\z", pos):
            self._emit("\\Z", 2)
        else:
            self._emit(src[pos : pos + 2], 2)

    def _emit(self, text: str, consumed: int) -> None:
        self.out.append(text)
        self.pos += consumed


def _category_placeholders(value: str) -> str:
    if value.isascii():
        return value
    return "".join(c if c < "\x80" else _PLACEHOLDER[unicodedata.category(c)] for c in value)


@cache
def compile_pattern(pattern: str) -> Callable[[str], bool] | None:
    """A full-match predicate for a botocore `pattern`, or None if it cannot be translated."""
    translator = _Translator(pattern)
    try:
        translated = translator.run()
        if translator.uses_categories and (
            not pattern.isascii() or _NON_ASCII_ESCAPE.search(pattern)
        ):
            raise Untranslatable(pattern)
        compiled = re.compile(translated, re.ASCII)
    except (Untranslatable, re.error):
        return None
    if translator.uses_categories:
        return lambda value: compiled.fullmatch(_category_placeholders(value)) is not None
    return lambda value: compiled.fullmatch(value) is not None
