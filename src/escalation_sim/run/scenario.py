"""Run one scenario: many replications in memory-bounded chunks of blocks.

The public Python entry point: ``run_scenario(scenario, replications, seed)``.
Results are identical however the replications are chunked, because each
block's seed depends only on the master seed and the block's index.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import BLOCK_SIZE, make_blocks
from escalation_sim.engine.result import ModelResult
from escalation_sim.run.ensemble import Ensemble

CHUNK_BLOCKS = 10  # blocks per model instance: 10,000 replications, ~100 MB at most


def run_scenario(
    scenario: Scenario,
    replications: int = 1000,
    seed: int = 0,
    *,
    keep_traces: int = 100,
    chunk_blocks: int = CHUNK_BLOCKS,
    on_progress: Callable[[float], None] | None = None,
    ensemble: Ensemble | None = None,
    series: bool = False,
) -> ModelResult:
    """Run ``replications`` replications of ``scenario`` from master seed ``seed``.

    Keeps daily traces and event logs of the first ``keep_traces`` replications.
    ``on_progress`` is called after every simulated day with the replications
    that day is worth (a chunk's replications / days), so a progress bar moves
    inside a chunk too; the calls of a whole run add up to ``replications``.
    With an ``ensemble`` each replication runs with its own parameter vector; the
    runs table then has a ``draw`` column and one column per drawn parameter.
    With ``series`` the result also holds every replication's daily flows per border and
    sanctioner over the forecast days (``ModelResult.series``: what ``score`` compares).
    """
    blocks = make_blocks(seed, replications)
    result: ModelResult | None = None
    for first in range(0, len(blocks), chunk_blocks):
        chunk = blocks[first : first + chunk_blocks]
        offset = first * BLOCK_SIZE
        n = sum(b.size for b in chunk)
        model = EscalationModel(
            scenario,
            blocks=chunk,
            keep_traces=max(0, keep_traces - offset),
            replication_offset=offset,
            overrides=ensemble.overrides(offset, n) if ensemble is not None else None,
            record_series=series,
        )
        days = scenario.days
        while model.day < days:  # EscalationModel.run(), a day at a time for the progress bar
            model.step()
            if on_progress is not None:
                on_progress(model.R / days)
        part = model.result()
        if ensemble is not None:
            part.runs = pd.concat([part.runs, ensemble.frame(offset, n)], axis=1)
        result = part if result is None else result.merge(part)
    assert result is not None
    return result
