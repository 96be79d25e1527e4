"""Building blocks of every config class: documented fields and frozen models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def parameter(
    default: Any, lo: float | None, hi: float | None, unit: str, meaning: str, source: str
) -> Any:
    """A documented parameter field: default, closed range, unit, meaning, source."""
    return Field(
        default,
        ge=lo,
        le=hi,
        description=meaning,
        json_schema_extra={"unit": unit, "source": source},
    )


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
