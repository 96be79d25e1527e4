"""Deliberate faults for sweep tests: a stand-in for the task function.

:class:`Faults` wraps the real :func:`~escalation_sim.run.sweep.tasks.run_task`
and can make chosen tasks fail, make the process running a task SIGKILL itself
(once), or slow every task down. Executors take their task function as a
parameter, so a sweep runs it wherever its tasks run: in this process, in local
worker processes, on Dask workers. Those import it by module path
(``tests.faults``), so the repository root must be on their ``sys.path``
(pytest's ``pythonpath`` puts it on this process's; ``PYTHONPATH`` for others).

* In-process command line: ``inject(monkeypatch, Faults(fail={1}))``.
* Command line in a subprocess: ``python -m tests.faulty_cli FAULTS_JSON sweep ...``
  (see :mod:`tests.faulty_cli` and ``sweep_helpers.start_sweep``).
"""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import time
import traceback
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from escalation_sim.run.sweep import executors
from escalation_sim.run.sweep.tasks import TaskOutput, TaskPayload, _failed, run_task

if TYPE_CHECKING:
    import pytest


@dataclass
class Faults:
    """A task function: :func:`run_task`, with faults injected by task id.

    ``fail``: these tasks fail as a model error would (the output carries the
    traceback of a ``RuntimeError: injected failure of task N``).
    ``die``: the process running these tasks kills itself with SIGKILL; only on
    a task's first attempt if ``die_once`` names a folder (it leaves a mark
    ``died-N`` there, holding the PID), on every attempt otherwise.
    ``delay``: seconds every task sleeps before it runs (to interrupt a sweep
    mid-run).
    """

    fail: Collection[int] = ()
    die: Collection[int] = ()
    die_once: str | Path | None = None
    delay: float = 0.0

    def __call__(self, payload: TaskPayload) -> TaskOutput:
        """Run ``payload`` as :func:`run_task` does, faults first."""
        task_id = payload.task.id
        if self.delay:
            time.sleep(self.delay)
        if task_id in self.die:
            self._die(task_id)
        if task_id in self.fail:
            return self._failure(payload)
        return run_task(payload)

    def _die(self, task_id: int) -> None:
        mark = Path(self.die_once) / f"died-{task_id}" if self.die_once else None
        if mark is not None and mark.exists():
            return  # died once already: this attempt runs
        if mark is not None:
            mark.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)

    @staticmethod
    def _failure(payload: TaskPayload) -> TaskOutput:
        """What run_task returns when its computation raises."""
        started = time.perf_counter()
        try:
            raise RuntimeError(f"injected failure of task {payload.task.id}")
        except RuntimeError as exc:
            out = _failed(payload, f"{type(exc).__name__}: {exc}", traceback.format_exc())
        out.seconds = time.perf_counter() - started
        out.worker = f"{socket.gethostname()}:{os.getpid()}"
        return out

    def to_json(self) -> str:
        """For :mod:`tests.faulty_cli`'s command line."""
        return json.dumps(
            {
                "fail": sorted(self.fail),
                "die": sorted(self.die),
                "die_once": None if self.die_once is None else str(self.die_once),
                "delay": self.delay,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Faults:
        """The inverse of :meth:`to_json`."""
        return cls(**json.loads(text))


def install(faults: Faults, monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    """Make the sweeps the command line starts in this process run ``faults``.

    ``escalation_sim.cli`` gets its executor from ``executors.make_executor``;
    this makes that pass ``task=faults``. With ``monkeypatch`` the change is
    undone at the end of the test (or of a ``monkeypatch.context()``).
    """
    make = functools.partial(executors.make_executor, task=faults)
    if monkeypatch is None:
        executors.make_executor = make
    else:
        monkeypatch.setattr(executors, "make_executor", make)
