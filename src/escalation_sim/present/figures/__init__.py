"""Figures, one module per kind; each ``plot_*`` reads results and returns a Figure."""

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
