"""Building blocks of every config class: documented fields and frozen models."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

# A name that also names a folder (results/<name>): no path separators, no leading dot.
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _plain_name(value: str) -> str:
    if not NAME_RE.match(value) or len(value) > 100:
        raise PydanticCustomError(
            "plain_name",
            "expected a plain name of letters, digits, '_', '-' or '.' (at most 100; it "
            "names the default output folder results/<name>)",
        )
    return value


PlainName = Annotated[str, AfterValidator(_plain_name)]


def parameter(
    default: Any,
    lo: float | None,
    hi: float | None,
    unit: str,
    meaning: str,
    source: str,
    prior: dict[str, Any] | None = None,
) -> Any:
    """A documented parameter field: default, closed range, unit, meaning, source.

    ``prior`` (for assumed and estimated parameters) is the mapping of a
    :mod:`escalation_sim.config.priors` prior: family, its parameters, ``why``.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if prior is not None:
        extra["prior"] = prior
    return Field(default, ge=lo, le=hi, description=meaning, json_schema_extra=extra)


class FrozenModel(BaseModel):
    """Base of every config class: immutable, and unknown keys are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def field_bounds(info: Any) -> tuple[float | None, float | None]:
    """(low, high) bounds of a parameter field, None where open."""
    lo = hi = None
    for meta in info.metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    return lo, hi


# Prior mappings for ``parameter(prior=...)`` (checked by escalation_sim.config.priors).
def uniform(low: float, high: float, why: str, relative: bool = False) -> dict[str, Any]:
    """A uniform prior on low .. high."""
    return {"family": "uniform", "low": low, "high": high, "relative": relative, "why": why}


def log_uniform(low: float, high: float, why: str, relative: bool = False) -> dict[str, Any]:
    """A log-uniform prior on low .. high (low > 0)."""
    return {"family": "log_uniform", "low": low, "high": high, "relative": relative, "why": why}


def beta(a: float, b: float, why: str) -> dict[str, Any]:
    """A Beta(a, b) prior on 0 .. 1 (mean a / (a + b))."""
    return {"family": "beta", "a": a, "b": b, "why": why}
