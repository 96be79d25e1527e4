"""The parameter table: meaning, default, range, unit and source of every parameter.

Generated from the pydantic fields of :mod:`escalation_sim.config`'s classes, so that
``escalation-sim describe`` and the table in ``docs/ODD.md`` cannot drift
apart from the code (a test compares them).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from escalation_sim.config.actors import FrontlineConfig, InstigatorConfig, SanctionerConfig
from escalation_sim.config.base import field_bounds
from escalation_sim.config.events import CrisisMeeting, Exercise, SupplyCut
from escalation_sim.config.mechanisms import Mechanisms
from escalation_sim.config.priors import prior_from
from escalation_sim.config.route import Migration
from escalation_sim.config.scenario import Scenario
from escalation_sim.store.results import format_value

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("mechanisms", Mechanisms),
    ("mechanisms.migration", Migration),
    ("actors[instigator]", InstigatorConfig),
    ("actors[frontline]", FrontlineConfig),
    ("actors[sanctioner]", SanctionerConfig),
    ("events[exercise]", Exercise),
    ("events[crisis_meeting]", CrisisMeeting),
    ("events[supply_cut]", SupplyCut),
]


def _range(info: Any) -> str:
    if info.annotation is bool:
        return "true/false"
    lo, hi = field_bounds(info)
    if lo is None and hi is None:
        return ""
    low = format_value(lo, 6) if lo is not None else "-inf"
    high = format_value(hi, 6) if hi is not None else "inf"
    return f"{low} .. {high}"


def prior_text(prior: Any) -> str:
    """``family(parameters): justification`` of a prior, or '' for none."""
    return f"{prior.label()}: {prior.why}" if prior is not None else ""


def parameter_rows(scenario: Scenario | None = None) -> list[dict[str, str]]:
    """One row per parameter: path, meaning, default, range, unit, source, prior (and value)."""
    rows: list[dict[str, str]] = []

    def add(path: str, info: Any, value: Any = None) -> None:
        extra = info.json_schema_extra or {}
        prior = prior_from(extra["prior"]) if "prior" in extra else None
        if scenario is not None and path in scenario.priors:
            prior = scenario.priors[path]
        row = {
            "parameter": path,
            "meaning": info.description or "",
            "default": format_value(info.default, 6),
            "range": _range(info),
            "unit": str(extra.get("unit", "")),
            "source": str(extra.get("source", "")),
            "prior": prior_text(prior),
        }
        if scenario is not None:
            row["value"] = format_value(value, 6)
        rows.append(row)

    add("days", Scenario.model_fields["days"], scenario.days if scenario else None)
    for prefix, model in SECTIONS:
        for key, info in model.model_fields.items():
            if info.annotation not in (int, float, bool):
                continue
            if scenario is None:
                add(f"{prefix}.{key}", info)
            elif prefix == "mechanisms":
                add(f"{prefix}.{key}", info, getattr(scenario.mechanisms, key))
            elif prefix == "mechanisms.migration":
                add(f"{prefix}.{key}", info, getattr(scenario.mechanisms.migration, key))
            elif prefix.startswith("actors["):
                role = prefix[7:-1]
                for actor in scenario.actors_of(role):
                    add(f"actors.{actor.name}.{key}", info, getattr(actor, key))
            else:
                kind = prefix[7:-1]
                for i, ev in enumerate(scenario.events):
                    if ev.type == kind:
                        add(f"events[{i}].{key}", info, getattr(ev, key))
    return rows


def format_rows(rows: list[dict[str, str]], fmt: str = "text") -> str:
    """Render parameter rows as an aligned text table or a Markdown table."""
    if not rows:
        return ""
    cols = list(rows[0])
    if fmt == "markdown":
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for r in rows:
            lines.append("| " + " | ".join(r[c].replace("|", "\\|") for c in cols) + " |")
        return "\n".join(lines)
    out = []
    for r in rows:
        head = f"{r['parameter']}"
        if "value" in r:
            head += f" = {r['value']}"
        out.append(head)
        out.append(f"    {r['meaning']}")
        out.append(f"    default {r['default']}   range {r['range'] or '-'}   unit {r['unit']}")
        out.append(f"    source: {r['source']}")
        if r["prior"]:
            out.append(f"    prior: {r['prior']}")
    return "\n".join(out)
