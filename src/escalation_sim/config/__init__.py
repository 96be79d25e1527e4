"""Typed values only: parameters, actors, events, scenarios, experiments, the ladder."""
