"""Progress of long work: a spinner in a terminal, one plain line per stage without one.

Stages go to stderr, so stdout stays the command's result (tables, JSON, Markdown). When stderr
is not a terminal (CI, a pipe, a test), each stage is one line, printed as it starts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


@contextmanager
def stage(text: str) -> Iterator[None]:
    """Show `text` while the body runs: a rich status in a terminal, else a line on stderr."""
    if sys.stderr.isatty():
        with Console(stderr=True).status(text):
            yield
    else:
        print(text, file=sys.stderr, flush=True)
        yield
