"""One replication's story: every move of one run, dated, with how it was seen and why.

Replication ``i`` of master seed ``s`` lives in block ``i // BLOCK_SIZE`` at
position ``i % BLOCK_SIZE`` and depends only on that block's seed and its
position, so its story is reproduced by running the first ``position + 1``
replications of that one block: never the whole run.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from escalation_sim.config import Scenario
from escalation_sim.model import BLOCK_SIZE, Block, EscalationModel, block_seed
from escalation_sim.results import ModelResult

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

RUNG_NAMES = {
    0: "calm",
    1: "rhetoric and threats",
    2: "hybrid pressure",
    3: "militarised posture",
    4: "non-lethal clash",
    5: "armed incident",
    6: "armed conflict",
}


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


# ---------------------------------------------------------------------- output
def headline(s: Story) -> list[str]:
    """A few lines that say how the replication ended and where its worst day was."""
    o, sc = s.outcome, s.scenario
    lines = [
        f"{sc.name}: replication {s.replication} of seed {s.seed}, {sc.days} days from {sc.start}"
    ]
    top = int(o["max_rung"])
    lines.append(f"  highest rung       {top} ({RUNG_NAMES[top]})")
    first = o["first_armed_incident_day"]
    if np.isnan(first):
        lines.append("  armed incident     none")
    else:
        day = int(first)
        date = sc.start + dt.timedelta(days=day)
        lines.append(f"  armed incident     first on {date} (day {day}); {_why_armed(s, day)}")
    lines.append(
        f"  non-lethal clashes {int(o['nonlethal_clashes'])}; "
        f"new sanctions packages {int(o['sanctions_packages'])}; "
        f"{_instigator(sc)} provocations {int(o['provocations'])}, "
        f"patron interventions {int(o['restraint_interventions'])}"
    )
    lines.append(
        f"  ambiguous incidents {int(o['ambiguous_incidents'])}: "
        f"{int(o['blamed_on_instigator'])} blamed on {_instigator(sc)}, "
        f"{int(o['caused_by_instigator'])} caused by it; "
        f"migrant arrivals {o['arrivals']:,.0f}"
    )
    return lines


def _instigator(sc: Scenario) -> str:
    return sc.actors_of("instigator")[0].name


def _why_armed(s: Story, day: int) -> str:
    rows = s.events[
        (s.events["day"] == day) & s.events["move"].isin(["armed_incident", "armed_conflict"])
    ]
    if rows.empty:  # filtered out by --from/--to
        return "outside the shown dates"
    row = rows.iloc[0]
    return (
        f"at the {row['target']} border, {row['reason']}: "
        f"hazard that day {row['clash_hazard']:.1%}, tension {row['tension']:.2f}"
    )


def _cell(column: str, value: object) -> str:
    if column == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]
    if column == "move":
        return str(value).replace("_", " ")
    if column == "goldstein":
        return f"{value:+.1f}"
    if column == "clash_hazard":
        return f"{value:.1%}"
    return str(value)


TABLE = [  # (column, heading, right-aligned?)
    ("date", "date", False),
    ("actor", "actor", False),
    ("move", "move", False),
    ("target", "target", False),
    ("rung", "rung", True),
    ("goldstein", "goldstein", True),
    ("perceived_as", "perceived by the target as", False),
    ("reason", "why", False),
    ("clash_hazard", "hazard", True),
]


def format_table(events: pd.DataFrame) -> str:
    """Aligned plain-text table of story rows (one line per move)."""
    if events.empty:
        return "(no moves in the chosen dates)"
    cells = [[h for _, h, _ in TABLE]]
    for row in events.itertuples(index=False):
        cells.append([_cell(c, getattr(row, c)) for c, _, _ in TABLE])
    widths = [max(len(r[i]) for r in cells) for i in range(len(TABLE))]
    out = []
    for n, r in enumerate(cells):
        parts = [
            v.rjust(w) if right else v.ljust(w)
            for v, w, (_, _, right) in zip(r, widths, TABLE, strict=True)
        ]
        out.append("  ".join(parts).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def format_story(s: Story, fmt: str = "table") -> str:
    """The story as a terminal table (with a headline), CSV or JSON."""
    if fmt == "csv":
        frame = s.events.assign(date=s.events["date"].dt.strftime("%Y-%m-%d"))
        return frame.to_csv(index=False).rstrip("\n")
    if fmt == "json":
        frame = s.events.assign(date=s.events["date"].dt.strftime("%Y-%m-%d"))
        outcome = {
            k: (None if isinstance(v, float) and np.isnan(v) else _plain(v))
            for k, v in s.outcome.items()
        }
        doc = {
            "scenario": s.scenario.name,
            "seed": s.seed,
            "replication": s.replication,
            "outcome": outcome,
            "events": json.loads(frame.to_json(orient="records")),
        }
        return json.dumps(doc, indent=1)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}: table, csv or json")
    return "\n".join([*headline(s), "", format_table(s.events)])


def _plain(value: object) -> object:
    """Turn numpy scalars into Python scalars for JSON."""
    return value.item() if isinstance(value, np.generic) else value
