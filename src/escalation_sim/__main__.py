"""python -m escalation_sim."""

from escalation_sim.cli import entry

entry()
