"""Priors of the assumed parameters: family, its parameters and a one-line justification.

A prior says what is believed about a parameter before any observation is compared with
the model. Each family maps a uniform number in [0, 1) to a value (its quantile function),
so a replication's parameter vector is a deterministic function of its seeded uniforms.

``relative: true`` priors state their bounds (and mean, sd) as multiples of the value the
scenario sets, so one prior serves Lithuania's capacity of 4,000 and Poland's of 8,000.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator
from scipy import stats

from escalation_sim.config.base import FrozenModel, field_bounds

FAMILIES = ("uniform", "log_uniform", "beta", "truncated_normal")


class _PriorBase(FrozenModel):
    low: float = Field(description="Lowest value the prior allows.")
    high: float = Field(description="Highest value the prior allows.")
    relative: bool = Field(
        False, description="Bounds (and mean, sd) are multiples of the scenario's value."
    )
    why: str = Field(min_length=1, description="One-line justification.")

    @model_validator(mode="after")
    def _ordered(self) -> _PriorBase:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        return self

    def bounds(self, value: float) -> tuple[float, float]:
        """Absolute (low, high) for a scenario value."""
        k = value if self.relative else 1.0
        return self.low * k, self.high * k

    def ppf(self, u: np.ndarray, value: float) -> np.ndarray:
        """Quantile function: values for uniforms ``u`` in [0, 1)."""
        raise NotImplementedError

    def label(self) -> str:
        """Short text, e.g. ``log-uniform(0.015, 0.06)``."""
        raise NotImplementedError

    def _b(self, x: float) -> str:
        return f"x{x:g}" if self.relative else f"{x:g}"


class Uniform(_PriorBase):
    """Every value between low and high equally plausible."""

    family: Literal["uniform"]

    def ppf(self, u: np.ndarray, value: float) -> np.ndarray:
        """Quantile function: values for uniforms ``u`` in [0, 1)."""
        lo, hi = self.bounds(value)
        return lo + (hi - lo) * np.asarray(u, float)

    def label(self) -> str:
        """Short text of the family and its parameters."""
        return f"uniform({self._b(self.low)}, {self._b(self.high)})"


class LogUniform(_PriorBase):
    """Every order of magnitude between low and high equally plausible (low > 0)."""

    family: Literal["log_uniform"]

    @model_validator(mode="after")
    def _positive(self) -> LogUniform:
        if self.low <= 0:
            raise ValueError(f"a log_uniform prior needs low > 0, got {self.low:g}")
        return self

    def ppf(self, u: np.ndarray, value: float) -> np.ndarray:
        """Quantile function: values for uniforms ``u`` in [0, 1)."""
        lo, hi = self.bounds(value)
        return lo * (hi / lo) ** np.asarray(u, float)

    def label(self) -> str:
        """Short text of the family and its parameters."""
        return f"log-uniform({self._b(self.low)}, {self._b(self.high)})"


class Beta(_PriorBase):
    """Beta(a, b) stretched over low .. high: for shares and probabilities."""

    family: Literal["beta"]
    low: float = 0.0
    high: float = 1.0
    a: float = Field(gt=0, description="First shape parameter.")
    b: float = Field(gt=0, description="Second shape parameter.")

    def ppf(self, u: np.ndarray, value: float) -> np.ndarray:
        """Quantile function: values for uniforms ``u`` in [0, 1)."""
        lo, hi = self.bounds(value)
        return lo + (hi - lo) * stats.beta.ppf(np.asarray(u, float), self.a, self.b)

    def label(self) -> str:
        """Short text of the family and its parameters."""
        span = (
            ""
            if (self.low, self.high) == (0.0, 1.0) and not self.relative
            else (f", on {self._b(self.low)}..{self._b(self.high)}")
        )
        return f"beta({self.a:g}, {self.b:g}{span})"


class TruncatedNormal(_PriorBase):
    """Normal(mean, sd) cut to low .. high."""

    family: Literal["truncated_normal"]
    mean: float
    sd: float = Field(gt=0)

    def ppf(self, u: np.ndarray, value: float) -> np.ndarray:
        """Quantile function: values for uniforms ``u`` in [0, 1)."""
        k = value if self.relative else 1.0
        lo, hi = self.bounds(value)
        mu, sd = self.mean * k, self.sd * k
        a, b = (lo - mu) / sd, (hi - mu) / sd
        return stats.truncnorm.ppf(np.asarray(u, float), a, b, loc=mu, scale=sd)

    def label(self) -> str:
        """Short text of the family and its parameters."""
        return (
            f"truncated-normal({self._b(self.mean)}, sd {self._b(self.sd)}, "
            f"{self._b(self.low)}..{self._b(self.high)})"
        )


Prior = Annotated[Uniform | LogUniform | Beta | TruncatedNormal, Field(discriminator="family")]


def prior_from(data: dict[str, Any]) -> Uniform | LogUniform | Beta | TruncatedNormal:
    """A prior from its mapping (what ``parameter(prior=...)`` and scenario files hold)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Prior).validate_python(data)


def range_problem(prior: Any, info: Any, value: float, integer: bool) -> str | None:
    """Why ``prior`` does not fit the parameter's valid range (None if it fits)."""
    lo, hi = prior.bounds(value)
    vlo, vhi = field_bounds(info)
    if lo > hi:  # a relative prior of a negative value
        lo, hi = hi, lo
    if (vlo is not None and lo < vlo) or (vhi is not None and hi > vhi):
        rng = f"{vlo if vlo is not None else '-inf'} .. {vhi if vhi is not None else 'inf'}"
        return (
            f"{prior.family} prior spans {lo:g} .. {hi:g}, outside the parameter's valid "
            f"range {rng}"
        )
    if integer and math.floor(hi + 0.5) < math.ceil(lo - 0.5 + 1e-12):
        return f"{prior.family} prior {lo:g} .. {hi:g} holds no whole number"
    return None


def draw(prior: Any, u: np.ndarray, value: float, integer: bool) -> np.ndarray:
    """Values of a parameter for uniforms ``u``; whole numbers for integer parameters."""
    x = prior.ppf(u, value)
    if integer:
        lo, hi = prior.bounds(value)
        x = np.clip(np.rint(x), math.ceil(lo), math.floor(hi))
    return np.asarray(x, float)
