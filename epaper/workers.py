"""Worker processes (forked, so that they inherit the job instead of pickling it) that
leave nothing behind: no temporary font folders, and no orphans when the build is stopped."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from epaper.render import weasy


def _start(initializer: Callable[..., None] | None, initargs: Sequence[object]) -> None:
    weasy.worker_init()
    if initializer is not None:
        initializer(*initargs)


def can_fork() -> bool:
    """Whether worker processes can be forked here (not on Windows or macOS spawn-only)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def fork_pool(workers: int, initializer: Callable[..., None] | None = None,
              initargs: Sequence[object] = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` forked processes. When the caller is interrupted (Ctrl-C,
    SIGTERM, an error), the workers are terminated, each removing its own font folders."""
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start, initargs=(initializer, tuple(initargs)))
    try:
        yield pool
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()  # SIGTERM: the worker cleans up and exits at once
        for process in processes:
            process.join(10)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
