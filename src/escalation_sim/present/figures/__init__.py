"""Figures of outcome distributions, risk, survival, fan charts, sensitivity and stories.

Drawing only: every number comes from :mod:`escalation_sim.analysis`. Each
``plot_*`` function takes a :class:`~escalation_sim.store.results.Results` and
``ax=None`` (a single Axes, or a sequence of Axes for the multi-panel figures)
and returns the Figure; one module per kind of figure, shared style in
``style``. Figures are built with ``matplotlib.figure.Figure`` (no pyplot
state), so they need no closing and work with any backend.

Colours: the Okabe-Ito palette for groups (colour-blind safe); the rung colours
of :mod:`escalation_sim.config.ladder` (light = calm, dark = violent).
"""

from escalation_sim.present.figures.catalogue import figures_for, save_all, save_figure
from escalation_sim.present.figures.distributions import plot_distributions
from escalation_sim.present.figures.fan import fan_groups, plot_fan_chart
from escalation_sim.present.figures.risk import plot_heatmap, plot_risk_curve
from escalation_sim.present.figures.sensitivity import plot_sensitivity
from escalation_sim.present.figures.story import plot_story
from escalation_sim.present.figures.survival import plot_survival

__all__ = [
    "fan_groups",
    "figures_for",
    "plot_distributions",
    "plot_fan_chart",
    "plot_heatmap",
    "plot_risk_curve",
    "plot_sensitivity",
    "plot_story",
    "plot_survival",
    "save_all",
    "save_figure",
]
