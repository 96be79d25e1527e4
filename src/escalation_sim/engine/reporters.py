"""What ``EscalationModel.datacollector`` records each day (Mesa's DataCollector).

Each reporter is the share (or mean) over the model's replications so far, so a
one-replication model reports 0/1 and ``mesa.batch_run`` tables need no post-processing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _share(values: np.ndarray) -> float:
    return float(np.mean(values))


MODEL_REPORTERS: dict[str, Callable[[Any], float]] = {
    "day": lambda m: m.day,
    "armed_incident": lambda m: _share(m.totals.armed > 0),
    "armed_conflict": lambda m: _share(m.totals.conflict),
    "nonlethal_clash": lambda m: _share(m.totals.nonlethal > 0),
    "max_rung": lambda m: _share(m.totals.max_rung.max(axis=0)),
    "sanctions_packages": lambda m: _share(m.totals.new_packages),
    "tension": lambda m: _share(m.totals.tension_sum) / max(m.day, 1),
}
