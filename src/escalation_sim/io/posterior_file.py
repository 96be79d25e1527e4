"""Posterior sample files (Parquet: one row per particle, a ``weight`` column) -> checked arrays.

``--parameters POSTERIOR.parquet`` draws each replication's parameter vector from such a
sample; its parameter columns must be parameters of the scenario being run, within their
valid ranges. Every problem is one located :class:`InputError` (file and column).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from escalation_sim.config.base import field_bounds
from escalation_sim.config.scenario import Scenario, parameter_fields
from escalation_sim.io.errors import InputError, suggest

META_COLUMNS = ("particle", "weight", "generation", "distance")


@dataclass(frozen=True)
class PosteriorSample:
    """Particles (n, k) of parameter paths, with normalised weights (n,)."""

    file: str
    paths: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray


def load_posterior(path: str | Path, scenario: Scenario) -> PosteriorSample:
    """Read a posterior sample and check its columns against ``scenario``."""
    file = str(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise InputError(
            f"cannot read a Parquet posterior sample ({type(exc).__name__})", file
        ) from None
    if "weight" not in frame.columns:
        raise InputError("a posterior sample needs a 'weight' column", file)
    fields = parameter_fields(scenario)
    paths = [c for c in frame.columns if c not in META_COLUMNS]
    if not paths:
        raise InputError("no parameter columns (dotted parameter paths) in the sample", file)
    for col in paths:
        if col not in fields or col == "days":
            raise InputError(
                f"not a parameter of scenario {scenario.name!r}{suggest(col, list(fields))}",
                file,
                None,
                col,
            )
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(float)
        lo, hi = field_bounds(fields[col])
        bad = (
            ~np.isfinite(values)
            | (values < (lo if lo is not None else -np.inf))
            | (values > (hi if hi is not None else np.inf))
        )
        if bad.any():
            raise InputError(
                f"row {int(np.argmax(bad))}: value {float(values[int(np.argmax(bad))])!r} "
                f"is not a number in {lo} .. {hi}",
                file,
                None,
                col,
            )
    w = pd.to_numeric(frame["weight"], errors="coerce").to_numpy(float)
    if len(w) == 0 or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise InputError("weights must be finite, >= 0 and not all 0", file, None, "weight")
    values = frame[paths].to_numpy(float)
    return PosteriorSample(file, tuple(paths), values, w / w.sum())
