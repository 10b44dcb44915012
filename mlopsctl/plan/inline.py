"""Answer the SDK's monitor calls on the plan's own thread, without a thread pool.

The Python SDK sends every RPC (register a resource, an invoke, a feature query) through
`loop.run_in_executor(None, ...)`, so that a real gRPC call does not block its event loop. Under
the mock monitor each call is a few hundred microseconds of Python: handing it to a pool thread
and back costs more than the call (thread wake-ups, and the GIL passed back and forth between
the loop and the pool threads every switch interval, 5 ms, on a busy machine). `PlanLoop` runs
those calls inline, at the `run_in_executor` call, and returns an already-finished future.

Inline, the mock monitor's own `_sync_await` (which serialises a mock's outputs) would find the
loop running and pump it re-entrantly; `install_inline_sync_await` makes it run the coroutine to
completion directly instead while an inline call runs (the serialisation of plain values never
waits on anything; if one ever does, the plan fails loudly rather than guessing). Registration
then happens in the order the SDK's tasks run, the same each run, instead of in whatever order
pool threads finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _Inline(threading.local):
    depth = 0  # > 0 while a monitor call runs inline on this thread


_INLINE = _Inline()


class PlanLoop(asyncio.SelectorEventLoop):
    """An event loop whose default executor is the calling thread itself."""

    def run_in_executor(self, executor: Any, func: Callable[..., T], *args: Any) -> Any:
        if executor is not None:
            return super().run_in_executor(executor, func, *args)
        future = self.create_future()
        _INLINE.depth += 1
        try:
            future.set_result(func(*args))
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as error:  # raised where the SDK awaits the call, as from a pool
            future.set_exception(error)
        finally:
            _INLINE.depth -= 1
        return future


def run_to_completion(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never suspends, run without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("an inline monitor call waited on the event loop; plan without PlanLoop")


def install_inline_sync_await() -> None:
    """Make `pulumi.runtime.mocks` run its awaits directly during inline calls (only then)."""
    from pulumi.runtime import mocks

    original = getattr(mocks, "_sync_await")  # noqa: B009 (private to the SDK)
    if original is _PATCHED.get("sync_await"):
        return

    def sync_await(awaitable: Awaitable[T]) -> T:
        if _INLINE.depth and asyncio.iscoroutine(awaitable):
            return run_to_completion(awaitable)
        return original(awaitable)

    _PATCHED["sync_await"] = sync_await
    setattr(mocks, "_sync_await", sync_await)  # noqa: B010


_PATCHED: dict[str, Callable[..., Any]] = {}
