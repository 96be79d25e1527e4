"""One replication's story: every move of one run, dated, with how it was seen and why.

Replication ``i`` of master seed ``s`` lives in block ``i // BLOCK_SIZE`` at
position ``i % BLOCK_SIZE`` and depends only on that block's seed and its
position, so its story is reproduced by running the first ``position + 1``
replications of that one block: never the whole run. Its text form is in
:mod:`escalation_sim.present.story`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from escalation_sim.config.scenario import Scenario
from escalation_sim.engine.model import EscalationModel
from escalation_sim.engine.randomness import BLOCK_SIZE, Block, block_seed
from escalation_sim.engine.result import ModelResult

#: Columns of a story, in order.
COLUMNS = [
    "replication",
    "day",
    "date",
    "actor",
    "move",
    "target",
    "rung",
    "goldstein",
    "perceived_rung",
    "perceived_as",
    "reason",
    "clash_hazard",
    "tension",
]


@dataclass
class Story:
    """What happened in one replication."""

    scenario: Scenario
    seed: int
    replication: int
    events: pd.DataFrame  # COLUMNS, one row per move, in the order they happened
    outcome: pd.Series  # the replication's row of the runs table
    trace: pd.DataFrame  # its daily state: tension, clash hazard, sanctions level, ...


def replication_block(seed: int, replication: int) -> tuple[Block, int]:
    """The block that holds ``replication`` (trimmed to end with it) and its offset."""
    if replication < 0:
        raise ValueError(f"replication must be 0 or more, got {replication}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")
    index, position = divmod(replication, BLOCK_SIZE)
    return Block(block_seed(seed, index), position + 1), index * BLOCK_SIZE


def run_replication(scenario: Scenario, replication: int, seed: int = 0) -> ModelResult:
    """Run just enough of replication ``replication``'s block to keep its event log."""
    block, offset = replication_block(seed, replication)
    model = EscalationModel(
        scenario, blocks=[block], keep=[block.size - 1], replication_offset=offset
    )
    return model.run().result()


def check_window(
    scenario: Scenario, start: dt.date | None = None, end: dt.date | None = None
) -> None:
    """Raise ValueError unless ``start`` .. ``end`` is an ordered window within the horizon."""
    first, last = scenario.start, scenario.end
    for label, when in (("from", start), ("to", end)):
        if when is not None and not first <= when <= last:
            raise ValueError(
                f"--{label} {when} is outside the horizon of {scenario.name}: {first} .. {last}"
            )
    if start is not None and end is not None and start > end:
        raise ValueError(f"--from {start} is after --to {end}")


def tell(
    scenario: Scenario,
    replication: int,
    seed: int = 0,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Story:
    """The story of one replication, optionally only the days ``start`` .. ``end``."""
    check_window(scenario, start, end)
    result = run_replication(scenario, replication, seed)
    assert result.traces is not None
    events = result.events_of(replication)
    trace = result.traces[result.traces["replication"] == replication].reset_index(drop=True)
    state = trace.set_index("day")[["clash_hazard", "tension"]]
    events = events.join(state, on="day")[COLUMNS]
    outcome = result.runs.set_index("replication").loc[replication]
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    if lo is not None:
        events, trace = events[events["date"] >= lo], trace[trace["date"] >= lo]
    if hi is not None:
        events, trace = events[events["date"] <= hi], trace[trace["date"] <= hi]
    return Story(
        scenario,
        seed,
        replication,
        events.reset_index(drop=True),
        outcome,
        trace.reset_index(drop=True),
    )


def story(
    scenario: Scenario,
    replication: int,
    seed: int = 0,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """One replication's moves as a DataFrame (see :data:`COLUMNS`)."""
    return tell(scenario, replication, seed, start, end).events
