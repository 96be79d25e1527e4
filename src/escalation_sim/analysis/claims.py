"""The article's claims, each a counterfactual scenario file and what it must change.

One list, read by the claim tests (``tests/claims``) and by the script that
writes ``scenarios/README.md``, so the tests and the shipped comparison judge
the same measures by the same rule (:meth:`Paired.holds`). Each measure
compares the base scenario's runs with the counterfactual's, replication by
replication (common random numbers), in the direction the article argues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from escalation_sim.analysis.paired import Paired, blame_gap, paired_mean, paired_proportion

BASE = "august_2021.yaml"

#: A claim's measure: (base runs, counterfactual runs) -> the paired comparison.
Measure = Callable[[pd.DataFrame, pd.DataFrame], Paired]


def armed(direction: str = "less") -> Measure:
    """P(armed incident) moves in ``direction`` (McNemar's exact test)."""
    return lambda b, c: paired_proportion(
        b["armed_incident"], c["armed_incident"], "P(armed incident)", direction
    )


def clash(direction: str = "less") -> Measure:
    """P(non-lethal clash) moves in ``direction``."""
    return lambda b, c: paired_proportion(
        b["nonlethal_clashes"] > 0, c["nonlethal_clashes"] > 0, "P(non-lethal clash)", direction
    )


def mean_of(column: str, label: str, direction: str = "less") -> Measure:
    """The mean of a runs column moves in ``direction`` (Wilcoxon signed-rank test)."""
    return lambda b, c: paired_mean(b[column], c[column], label, direction)


def gap(direction: str = "less") -> Measure:
    """The blame gap (blamed minus caused share of ambiguous incidents) moves."""
    return lambda b, c: paired_mean(
        blame_gap(b), blame_gap(c), "blame gap (mean per run)", direction
    )


@dataclass(frozen=True)
class Claim:
    """A counterfactual scenario file, what it says, and what it must change."""

    file: str
    claim: str
    quote: str
    measures: tuple[Measure, ...]  # on the runs tables; empty when measured on traces
    armed_claimed: bool  # whether P(armed incident) is one of them


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "benefit_of_doubt.yaml",
        "Observers discount ambiguous incidents: lower P(armed incident) and blame gap",
        "he is no longer given the benefit of the doubt",
        (armed(), gap()),
        True,
    ),
    Claim(
        "no_patron_restraint.yaml",
        "Moscow does not hold Minsk back: higher P(armed incident) and highest rung",
        "Moscow's unwillingness to get embroiled ... could just be the only factor "
        "exercising any restraint",
        (armed("greater"), mean_of("max_rung", "highest rung (mean)", "greater")),
        True,
    ),
    Claim(
        "sanctions_relief.yaml",
        "Ratchet off, sanctions may ease: lower sanctions level and fewer Minsk provocations",
        "no influential Western politician would now risk any other approach ... than "
        "toughening sanctions",
        (
            mean_of("sanctions_level_final", "sanctions packages in force at the end"),
            mean_of("provocations", "Minsk provocations"),
        ),
        False,
    ),
    Claim(
        "forgiving_neighbours.yaml",
        "Neighbours and sanctioners forgive a third of hostile moves (generous tit-for-tat): "
        "lower incident risk",
        "No hostile action must go unpunished, so as not to appear weak",
        (armed(), clash()),
        True,
    ),
    Claim(
        "no_exercise.yaml",
        "No Zapad-2021: lower clash hazard in September",
        "Belarus and Russia are due to hold their Zapad 2021 ... exercises in September",
        (),  # measured on daily traces (the exercise window), not on the runs table
        False,
    ),
    Claim(
        "supply_cut.yaml",
        "Origin states and carriers cut the route from day 1: fewer arrivals and attempts",
        "Iraq has now canceled flights to Minsk ... and the flow of migrants into Lithuania "
        "has stopped",
        (
            mean_of("arrivals", "migrant arrivals"),
            mean_of("attempts", "crossing attempts"),
        ),
        False,
    ),
    Claim(
        "route_closed_early.yaml",
        "The EU presses origin states and carriers from day 1: fewer attempts, fewer clashes",
        "Thanks to international diplomatic efforts, Iraq has now canceled flights to Minsk",
        (
            mean_of("attempts", "crossing attempts"),
            mean_of("force_against_migrants", "force against migrants"),
            armed(),
            clash(),
        ),
        True,
    ),
    Claim(
        "pragmatic_partner.yaml",
        "Minsk as before 2020 (no pariah reputation, valve closed): everything lower",
        "until 2020, Minsk scored foreign policy points by positioning itself as a pragmatic "
        "partner for the West",
        (
            armed(),
            clash(),
            mean_of("max_rung", "highest rung (mean)"),
            mean_of("provocations", "Minsk provocations"),
            mean_of("instigator_hostile_moves", "Minsk hostile moves"),
            mean_of("days_rung3_plus", "days at rung 3 or above"),
            mean_of("sanctions_packages", "new sanctions packages"),
            mean_of("arrivals", "migrant arrivals"),
            mean_of("mean_tension", "mean tension"),
            gap(),
        ),
        True,
    ),
)
