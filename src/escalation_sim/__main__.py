"""python -m escalation_sim."""

from escalation_sim.cli.app import entry

entry()
