"""The Solara page of ``escalation-sim view``: Mesa's SolaraViz over a :class:`LiveModel`.

SolaraViz gives the sidebar (play, step, reset, the sliders) and redraws the
components after each step: the rung chart, the bands chart and the event log of
the watched replication. Each browser session gets its own model. The scenario comes
from the ``ESCALATION_SIM_VIEW_SCENARIO`` environment variable (a YAML path), which
:func:`escalation_sim.view.serve.serve` sets before the server starts.
"""

from __future__ import annotations

import functools
import html
import os
from typing import Any

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from escalation_sim.config.scenario import Scenario
from escalation_sim.io.scenario_file import load
from escalation_sim.view.charts import bands_figure, rung_figure
from escalation_sim.view.live import LiveModel, model_params

SCENARIO_ENV = "ESCALATION_SIM_VIEW_SCENARIO"
REPLICATIONS_ENV = "ESCALATION_SIM_VIEW_REPLICATIONS"
LOG_ROWS = 12
RENDER_INTERVAL = 3  # days per redraw while playing: drawing two charts costs ~0.5 s


@functools.cache
def scenario() -> Scenario:
    """The scenario the server was started with (loaded once per server)."""
    return load(os.environ.get(SCENARIO_ENV, "scenarios/august_2021.yaml"))


def params() -> dict[str, Any]:
    """SolaraViz's model parameters for the served scenario."""
    replications = int(os.environ.get(REPLICATIONS_ENV, "300"))
    return model_params(scenario(), replications=replications)


@solara.component
def RungChart(model: LiveModel) -> None:
    """Share of replications at each rung per border, so far."""
    update_counter.get()  # redrawn after every step SolaraViz renders
    fig = solara.use_memo(lambda: rung_figure(model), [model, model.day])
    with solara.Column(classes=["rung-chart"]):
        solara.FigureMatplotlib(fig, dependencies=[model, model.day], format="png")


@solara.component
def BandsChart(model: LiveModel) -> None:
    """Tension and flows with their quantile bands, so far."""
    update_counter.get()  # redrawn after every step SolaraViz renders
    fig = solara.use_memo(lambda: bands_figure(model), [model, model.day])
    with solara.Column(classes=["bands-chart"]):
        solara.FigureMatplotlib(fig, dependencies=[model, model.day], format="png")


def _shown(value: object) -> str:
    """A parameter value as the page shows it: ``0.62``, ``300``, ``off``."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def log_html(model: LiveModel) -> str:
    """The watched replication's latest moves as an HTML table (text escaped)."""
    rows = model.recent_events(LOG_ROWS)
    head = "<tr><th>date</th><th>actor</th><th>move</th><th>rung</th><th>seen as</th></tr>"
    body = "".join(
        "<tr>"
        f"<td>{r.date:%d %b}</td><td>{html.escape(r.actor)} &rarr; {html.escape(r.target)}</td>"
        f"<td title='{html.escape(r.reason, quote=True)}'>{html.escape(r.move)}</td>"
        f"<td>{r.rung}</td><td>{html.escape(r.perceived_as)}</td>"
        "</tr>"
        for r in rows
    )
    title = (
        f"Event log of replication 0: {model.events_logged} moves by day {model.day}"
        if rows
        else f"Event log of replication 0: no moves yet (day {model.day})"
    )
    settings = ", ".join(f"{k} = {_shown(v)}" for k, v in model.changed.items()) or "none"
    run = (
        f"{model.config.name}: {model.replications} replications, seed {model.master_seed}; "
        f"changed by the sliders: {settings}"
    )
    return (
        f"<p class='run-settings'>{html.escape(run)}</p>"
        f"<p><b>{html.escape(title)}</b></p>"
        "<style>.event-log td, .event-log th {padding: 1px 8px; text-align: left}"
        ".event-log td:first-child {white-space: nowrap}</style>"
        f"<table style='font-size:12px;border-collapse:collapse'>{head}{body}</table>"
    )


@solara.component
def EventLog(model: LiveModel) -> None:
    """The watched replication's moves as they happen, newest first."""
    update_counter.get()  # redrawn after every step SolaraViz renders
    with solara.Column(classes=["event-log"], style={"overflow": "auto", "height": "100%"}):
        solara.HTML(tag="div", unsafe_innerHTML=log_html(model))


@solara.component
def Page() -> None:
    """One view per browser session: its own model, SolaraViz around it."""
    user_params = solara.use_memo(params, [])
    model = solara.use_memo(
        lambda: LiveModel(
            **{k: v["value"] if isinstance(v, dict) else v for k, v in user_params.items()}
        ),
        [],
    )
    SolaraViz(
        model,
        components=[(RungChart, 0), (BandsChart, 0), (EventLog, 0)],
        model_params=user_params,
        name=f"escalation-sim view: {scenario().name}",
        play_interval=100,
        render_interval=RENDER_INTERVAL,
    )
