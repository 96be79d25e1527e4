"""Score figures and tables: bins, counts shown, coverage line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation_sim.present.figures.scores import plot_pit, plot_reliability, reliability_table
from escalation_sim.present.scores import coverage_line


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": ["event", "event", "event", "count", "count", "date", "date"],
            "median": [0.05, 0.08, 0.9, 3, 4, 10, 12],
            "observed": [0, 1, 1, 2, 9, 14, 3],
            "pit": [np.nan, np.nan, np.nan, 0.1, 0.95, np.nan, np.nan],
            "covered50": [np.nan] * 5 + [1.0, 0.0],
            "covered90": [np.nan] * 5 + [1.0, 1.0],
        }
    )


def test_reliability_bins_by_forecast_probability():
    rel = reliability_table(table(), bins=10)
    assert list(rel["bin"]) == [0, 9]
    assert list(rel["items"]) == [2, 1]
    assert rel["forecast"].iloc[0] == np.mean([0.05, 0.08]) and rel["observed"].iloc[0] == 0.5


def test_figures_print_their_counts():
    texts = [t.get_text() for t in plot_reliability(table()).axes[0].texts]
    assert "n=2" in texts and "n=1" in texts
    pit_texts = [t.get_text() for t in plot_pit(table()).axes[0].texts]
    assert pit_texts == ["1", "0", "0", "0", "1"]


def test_coverage_line_counts_the_date_items():
    assert coverage_line(table()) == (
        "  first-occurrence dates: the 50% interval held 1 of 2, the 90% interval 2 of 2"
    )
    assert coverage_line(table()[table()["kind"] != "date"]) is None
