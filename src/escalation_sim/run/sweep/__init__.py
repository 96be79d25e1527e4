"""Batch sweeps: an experiment expanded into fixed tasks, run anywhere, stored crash-safe.

Three layers, each replaceable:

* **Plan** (``plan``, ``adaptive``) -- :func:`~escalation_sim.run.sweep.plan.expand`
  turns a checked :class:`~escalation_sim.config.experiment.Experiment` into
  design points and numbered tasks. It is a pure function of the experiment:
  design point ``d``, block ``b`` always gets seed ``block_seed(master, d, b)``
  and holds replications ``b * BLOCK_SIZE ..``; tasks pack consecutive (design
  point, block) pairs into one vectorised model call of at most ``task_size``
  runs. Nothing depends on the number or kind of workers. Adaptive replications
  (``until``) add blocks round by round with ``next_round``, again a pure
  function of the finished results.
* **Task function** (``tasks``) -- ``run_task`` runs one task and returns its
  results as bytes (Parquet runs, compressed daily summary arrays, kept traces
  and events). It writes nothing, so a task that is rerun (a Dask worker that
  died, a resumed sweep) gives the same bytes. Exceptions become a failed
  ``TaskOutput`` carrying the traceback.
* **Executors and the sweep folder** (``executors``, ``folder``,
  ``consolidate``, ``driver``) -- in-process, a local process pool (the default)
  or a Dask cluster yield task outputs; the parent alone writes them: one part
  per finished task, each file written under a temporary name, synced and
  renamed, the runs part last as the task's commit mark. A lock file keeps a
  second sweep out; the manifest records the experiment hash so ``--resume``
  refuses a different experiment. At the end the parts are consolidated,
  streaming, into the results folder's tables (file names from
  :mod:`escalation_sim.store.results`).

The sweep folder lives here, not in ``store/``, because it is made of plans and
tasks; ``store/`` owns what every results folder shares.
"""
