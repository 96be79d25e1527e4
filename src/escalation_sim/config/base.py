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
