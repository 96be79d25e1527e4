"""Precursors of armed incidents: what the runs looked like in the weeks before one.

If armed incidents are the spiral's product rather than random shocks, posture, the clash
hazard and militarised moves at the border stand above their calendar average before the
first armed incident and rise towards it (issue 9, item 5). Read from traced runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COLUMNS = ("instigator_posture", "frontline_posture", "clash_hazard")
MILITARISED = ("troops_to_border", "reinforce_posture", "allied_deployment")


@dataclass(frozen=True)
class Precursors:
    """Per first armed incident (rows): excess over the calendar mean, and move counts.

    ``early`` and ``late`` are (incidents, len(COLUMNS)) excesses ``lead`` days before and
    the day before; ``moves`` the militarised moves at that border in the ``window`` days
    before, ``base`` the calendar mean of the same count over all traced runs.
    """

    early: np.ndarray
    late: np.ndarray
    moves: np.ndarray
    base: np.ndarray


def first_armed_incidents(events: pd.DataFrame, lead: int) -> pd.DataFrame:
    """Each run's first armed incident on or after day ``lead``, with its ``border``."""
    armed = events[events["move"] == "armed_incident"].sort_values("day")
    first = armed.groupby("replication").first()
    first = first[first["day"] >= lead].copy()
    first["border"] = first["target"].str.split("-").str[1]
    return first


def precursors(
    traces: pd.DataFrame, events: pd.DataFrame, lead: int = 42, window: int = 14
) -> Precursors:
    """Excess posture and hazard before first armed incidents; militarised moves there.

    ``traces`` and ``events`` must cover the same runs (all traced), so that the calendar
    mean is over every run, with and without an incident.
    """
    first = first_armed_incidents(events, lead)
    cols = list(COLUMNS)
    calendar = traces.groupby("day")[cols].mean()
    values = traces.set_index(["replication", "day"])[cols]

    def excess(k: int) -> np.ndarray:
        keys = list(zip(first.index, first["day"] + k, strict=True))
        return values.loc[keys].to_numpy() - calendar.loc[first["day"] + k].to_numpy()

    borders = set(first["border"])
    mil = events[events["move"].isin(MILITARISED)].copy()
    mil["border"] = np.where(mil["actor"].isin(borders), mil["actor"], mil["target"])
    mil = mil[mil["border"].isin(borders)]
    runs = traces["replication"].nunique()
    per_day = mil.groupby(["border", "day"]).size() / runs
    moves, base = [], []
    for rep, f in first.iterrows():
        lo, hi = f["day"] - window, f["day"] - 1
        own = mil[(mil["replication"] == rep) & (mil["border"] == f["border"])]
        moves.append(own["day"].between(lo, hi).sum())
        cal = per_day.get(f["border"], pd.Series(dtype=float))
        base.append(cal[(cal.index >= lo) & (cal.index <= hi)].sum())
    return Precursors(excess(-lead), excess(-1), np.asarray(moves, float), np.asarray(base))
