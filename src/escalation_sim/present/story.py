"""One replication's story as text."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from escalation_sim.config.ladder import RUNGS
from escalation_sim.config.scenario import Scenario
from escalation_sim.run.story import Story


# ---------------------------------------------------------------------- output
def headline(s: Story) -> list[str]:
    """A few lines that say how the replication ended and where its worst day was."""
    o, sc = s.outcome, s.scenario
    lines = [
        f"{sc.name}: replication {s.replication} of seed {s.seed}, {sc.days} days from {sc.start}"
    ]
    top = int(o["max_rung"])
    lines.append(f"  highest rung       {top} ({RUNGS[top].name})")
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


# Float columns are float32 in the engine; six significant digits is what they hold
# (1.9447448253631592 is float32 noise printed as a double).
FLOAT_FORMAT = "%.6g"


def format_story(s: Story, fmt: str = "table") -> str:
    """The story as a terminal table (with a headline), CSV or JSON."""
    if fmt == "csv":
        frame = s.events.assign(date=s.events["date"].dt.strftime("%Y-%m-%d"))
        return frame.to_csv(index=False, float_format=FLOAT_FORMAT).rstrip("\n")
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
            "events": json.loads(frame.to_json(orient="records", double_precision=6)),
        }
        return json.dumps(doc, indent=1)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}: table, csv or json")
    return "\n".join([*headline(s), "", format_table(s.events)])


def _plain(value: object) -> object:
    """Turn numpy scalars into Python scalars for JSON."""
    return value.item() if isinstance(value, np.generic) else value
