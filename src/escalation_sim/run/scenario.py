"""Run one scenario: many replications in memory-bounded chunks of blocks.

The public Python entry point: ``run_scenario(scenario, replications, seed)``.
Results are identical however the replications are chunked, because each
block's seed depends only on the master seed and the block's index.
"""

from __future__ import annotations

from collections.abc import Callable

from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import BLOCK_SIZE, make_blocks
from escalation_sim.engine.result import ModelResult

CHUNK_BLOCKS = 10  # blocks per model instance: 10,000 replications, ~100 MB at most


def run_scenario(
    scenario: Scenario,
    replications: int = 1000,
    seed: int = 0,
    *,
    keep_traces: int = 100,
    chunk_blocks: int = CHUNK_BLOCKS,
    on_progress: Callable[[float], None] | None = None,
) -> ModelResult:
    """Run ``replications`` replications of ``scenario`` from master seed ``seed``.

    Keeps daily traces and event logs of the first ``keep_traces`` replications.
    ``on_progress`` is called after every simulated day with the replications
    that day is worth (a chunk's replications / days), so a progress bar moves
    inside a chunk too; the calls of a whole run add up to ``replications``.
    """
    blocks = make_blocks(seed, replications)
    result: ModelResult | None = None
    for first in range(0, len(blocks), chunk_blocks):
        chunk = blocks[first : first + chunk_blocks]
        offset = first * BLOCK_SIZE
        model = EscalationModel(
            scenario,
            blocks=chunk,
            keep_traces=max(0, keep_traces - offset),
            replication_offset=offset,
        )
        days = scenario.days
        while model.day < days:  # EscalationModel.run(), a day at a time for the progress bar
            model.step()
            if on_progress is not None:
                on_progress(model.R / days)
        part = model.result()
        result = part if result is None else result.merge(part)
    assert result is not None
    return result
