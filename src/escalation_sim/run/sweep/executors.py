"""Where tasks run: in process, on local worker processes, or on Dask."""

from __future__ import annotations

import collections
import multiprocessing
import os
import queue
import re
import signal
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from escalation_sim.run.sweep.tasks import (
    TaskOutput,
    TaskPayload,
    _failed,
    report_progress_to,
    run_task,
)

MAX_ATTEMPTS = 3  # a task whose worker process dies is rerun up to this many times in all
# A local worker is replaced (forked afresh from the fork server, ~20 ms) after this many
# tasks: a long-lived worker's memory creeps up ~80 MB as it un-shares the fork server's
# pages and its allocators keep freed memory; fresh workers keep the tree's peak flat.
TASKS_PER_WORKER = 4


# The module a fork server imports before forking workers: the engine and the task code.
PRELOAD = "escalation_sim.run.sweep.tasks"

TaskFunction = Callable[[TaskPayload], TaskOutput]


class SweepError(Exception):
    """A sweep cannot start or go on: refused resume, lock held, inconsistent folder."""


class SweepInterrupted(Exception):
    """Ctrl-C (or SIGTERM): the sweep stopped cleanly; the message says how to resume."""


# ====================================================================== executors
class Executor:
    """Runs payloads, yielding outputs as tasks finish (in any order).

    ``task`` is the function each payload is given to (default :func:`run_task`);
    it must be picklable by reference (a module-level function or an instance of
    a module-level class) for the pool and Dask executors, whose workers import it.
    """

    name = "executor"
    # Called here, in the sweep's own thread, with (task id, runs) as running tasks
    # report progress (local workers through a queue, Dask workers as worker events).
    progress: Callable[[int, float], None] | None = None

    def __init__(self, task: TaskFunction = run_task) -> None:
        self.task = task

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Outputs of ``payloads`` as they finish."""
        raise NotImplementedError

    def stop(self) -> None:
        """Abandon running tasks now (Ctrl-C)."""

    def close(self) -> None:
        """Release workers and connections."""


class SerialExecutor(Executor):
    """In this process, one task after another (``--workers 0``)."""

    name = "in-process"

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Run each payload here."""
        report_progress_to(self.progress)
        try:
            for p in payloads:
                yield self.task(p)
        finally:
            report_progress_to(None)


REPORT_EVERY = 0.25  # seconds between passes over the workers' progress reports


def _worker_init(reports: Any = None) -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if reports is not None:  # running tasks send (task id, runs) to the parent
        report_progress_to(lambda task, runs: reports.put((task, runs)))


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class PoolExecutor(Executor):
    """A local process pool (forkserver, or spawn where forkserver is missing).

    The start method is set on this pool's own context, never process-wide.
    When a worker process dies (killed, out of memory) every task it had in
    flight is rerun in a fresh pool, up to :data:`MAX_ATTEMPTS` times in all.
    """

    def __init__(self, workers: int, task: TaskFunction = run_task) -> None:
        super().__init__(task)
        self.workers = max(1, workers)
        methods = multiprocessing.get_all_start_methods()
        self.method = "forkserver" if "forkserver" in methods else "spawn"
        self.ctx = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            # The fork server imports the engine once; workers fork from it ready to run
            # (otherwise each worker spends ~1.5 s importing numpy, pandas, scipy, mesa).
            self.ctx.set_forkserver_preload([PRELOAD])
        self.pool: ProcessPoolExecutor | None = None
        self.reports = self.ctx.SimpleQueue()
        self.name = f"{self.workers} local worker process{'es' if self.workers > 1 else ''}"

    def _start(self) -> ProcessPoolExecutor:
        if self.pool is None:
            # A fresh queue with every pool: a worker killed while writing cannot leave the
            # next pool's workers waiting on a lock it held.
            self.reports = self.ctx.SimpleQueue()
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=self.ctx,
                initializer=_worker_init,
                initargs=(self.reports,),
                max_tasks_per_child=TASKS_PER_WORKER,
            )
        return self.pool

    def _restart(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Keep up to two tasks per worker in flight; yield outputs as they finish."""
        pending = collections.deque(payloads)
        running: dict[Future[TaskOutput], TaskPayload] = {}
        attempts: collections.Counter[int] = collections.Counter()
        window = 2 * self.workers
        while pending or running:
            while pending and len(running) < window:
                p = pending.popleft()
                try:
                    running[self._start().submit(self.task, p)] = p
                except BrokenProcessPool:
                    pending.appendleft(p)
                    self._restart()
            done = self._wait(running)
            broken = any(isinstance(f.exception(), BrokenProcessPool) for f in done)
            if broken:  # every task in flight is lost with the pool: collect them all
                wait(running)
                done = set(running)
            for f in sorted(done, key=lambda f: running[f].task.id):
                p = running.pop(f)
                exc = f.exception()
                if exc is None:
                    yield f.result()
                elif isinstance(exc, BrokenProcessPool):
                    attempts[p.task.id] += 1
                    if attempts[p.task.id] < MAX_ATTEMPTS:
                        pending.appendleft(p)
                    else:
                        yield _failed(
                            p,
                            f"worker process died {MAX_ATTEMPTS} times while running this "
                            "task (killed, or out of memory?)",
                        )
                else:
                    tb = "".join(traceback.format_exception(exc))
                    yield _failed(p, f"{type(exc).__name__}: {exc}", tb)
            if broken:
                self._restart()

    def _wait(self, running: dict[Future[TaskOutput], TaskPayload]) -> set[Future[TaskOutput]]:
        """Wait for a task to finish, passing on the workers' progress reports meanwhile."""
        while True:
            done, _ = wait(running, timeout=REPORT_EVERY, return_when=FIRST_COMPLETED)
            self._pass_reports()
            if done:
                return done

    def _pass_reports(self) -> None:
        while not self.reports.empty():
            task, runs = self.reports.get()
            if self.progress is not None:
                self.progress(task, runs)

    def stop(self) -> None:
        """Kill the worker processes now; their tasks are rerun on --resume."""
        pool = self.pool
        if pool is None:
            return
        for proc in list(getattr(pool, "_processes", {}).values()):
            if proc.is_alive():
                proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def close(self) -> None:
        """Shut the pool down."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class _Reporting:
    """``task`` on a Dask worker, its progress sent as events on ``topic`` every 0.25 s.

    A module-level class, so Dask pickles it by reference like ``task`` itself.
    """

    def __init__(self, task: TaskFunction, topic: str) -> None:
        self.task, self.topic = task, topic

    def __call__(self, payload: TaskPayload) -> TaskOutput:
        from distributed import get_worker

        worker = get_worker()
        held = {"runs": 0.0, "sent": time.monotonic()}

        def send(task_id: int, runs: float) -> None:
            held["runs"] += runs
            now = time.monotonic()
            if now - held["sent"] >= REPORT_EVERY:
                worker.log_event(self.topic, {"task": task_id, "runs": held["runs"]})
                held["runs"], held["sent"] = 0.0, now

        report_progress_to(send)
        try:  # what was not sent is counted when the task's result arrives
            return self.task(payload)
        finally:
            report_progress_to(None)


SCHEDULER_RE = re.compile(r"^((tcp|tls|ucx|ws|wss)://)?[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


class DaskExecutor(Executor):
    """Tasks on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

    Dask reruns a task elsewhere when its worker dies (up to the scheduler's
    ``allowed-failures``); since :func:`run_task` is pure, that is harmless.
    """

    def __init__(self, address: str, timeout: float = 5.0, task: TaskFunction = run_task) -> None:
        super().__init__(task)
        if not SCHEDULER_RE.match(address):
            raise SweepError(
                f"--scheduler: expected an address like tcp://HOST:PORT, got {address!r}"
            )
        try:
            from distributed import Client
        except ImportError:
            raise SweepError("--scheduler needs Dask: pip install 'escalation-sim[dask]'") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as exc:  # OSError, TimeoutError, ValueError: all mean "not reachable"
            raise SweepError(
                f"cannot connect to the Dask scheduler {address} within {timeout:g} s: {exc}"
            ) from None
        self.address = address
        self.token = uuid.uuid4().hex[:8]
        self.futures: dict[str, Any] = {}
        self.name = f"Dask cluster {address}"

    def run(self, payloads: list[TaskPayload]) -> Iterator[TaskOutput]:
        """Keep up to two tasks per worker thread in flight; yield outputs as they finish.

        Running tasks report progress as worker events on a topic of this sweep's own,
        which the client's thread queues and this thread passes on between results.
        """
        from distributed import as_completed

        pending = collections.deque(payloads)
        owner: dict[str, TaskPayload] = {}
        ready = as_completed(loop=self.client.loop)
        topic = f"escalation-sim-progress-{self.token}"
        reports: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.client.subscribe_topic(topic, reports.put)
        task = _Reporting(self.task, topic)

        def submit() -> None:
            p = pending.popleft()
            key = f"escalation-sim-{self.token}-task-{p.task.id}"
            fut = self.client.submit(task, p, key=key, pure=False, retries=0)
            owner[key] = p
            self.futures[key] = fut
            ready.add(fut)

        def top_up() -> None:  # workers may join or leave while the sweep runs
            window = max(2 * sum(self.client.nthreads().values()), 4)
            while pending and len(owner) < window:
                submit()

        top_up()
        try:
            while owner:
                batch = ready.next_batch(block=False) if ready.has_ready() else []
                self._pass_reports(reports)
                if not batch:
                    time.sleep(REPORT_EVERY)
                for fut in batch:
                    p = owner.pop(fut.key)
                    self.futures.pop(fut.key, None)
                    try:
                        out = fut.result()
                    except Exception as exc:  # KilledWorker, lost connection, ...
                        tb = "".join(traceback.format_exception(exc))
                        out = _failed(p, f"{type(exc).__name__}: {exc}", tb)
                    fut.release()
                    top_up()
                    yield out
        finally:
            self.client.unsubscribe_topic(topic)

    def _pass_reports(self, reports: queue.SimpleQueue[Any]) -> None:
        while not reports.empty():
            event = reports.get()  # (time, message) as the scheduler logged it
            message = event[1] if isinstance(event, tuple) else event
            if self.progress is not None:
                self.progress(int(message["task"]), float(message["runs"]))

    def stop(self) -> None:
        """Cancel the tasks in flight."""
        if self.futures:
            self.client.cancel(list(self.futures.values()))
            self.futures.clear()

    def close(self) -> None:
        """Disconnect (the cluster keeps running)."""
        self.stop()
        self.client.close()


def make_executor(
    workers: int | None = None, scheduler: str | None = None, task: TaskFunction = run_task
) -> Executor:
    """Dask if ``scheduler``; in-process if ``workers == 0``; else a local pool.

    Each runs ``task`` on every payload (default :func:`run_task`).
    """
    if scheduler:
        return DaskExecutor(scheduler, task=task)
    n = default_workers() if workers is None else workers
    return SerialExecutor(task) if n == 0 else PoolExecutor(n, task)
