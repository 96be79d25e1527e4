"""Actors by role, each with its own documented parameters."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from escalation_sim.config.base import FrozenModel, beta, log_uniform, parameter, uniform


class ActorConfig(FrozenModel):
    """Fields every actor has."""

    name: str = Field(min_length=1, description="Unique actor name.")
    note: str | None = Field(None, description="Free text: where the numbers come from.")


class InstigatorConfig(ActorConfig):
    """The pariah (Minsk)."""

    role: Literal["instigator"]
    reputation: float = parameter(
        0.85,
        0,
        1,
        "share",
        "Initial pariah reputation: probability that observers blame it for an ambiguous "
        "incident (before benefit of the doubt).",
        "Article: contested 2020 election, Ryanair diversion, 'international terrorist'.",
        prior=beta(17, 3, "A pariah by 2021 on public record; mean 0.85, rarely below 0.7."),
    )
    domestic_support: float = parameter(
        0.35,
        0,
        1,
        "share",
        "Initial and reference domestic support of the regime.",
        "Assumption (independent polling is impossible; protests of 2020).",
        prior=beta(3.5, 6.5, "No free polling; a minority after 2020; mean 0.35."),
    )
    restraint: float = parameter(
        0.7,
        0,
        1,
        "probability",
        "Baseline restraint before nothing-to-lose erodes it.",
        "Assumption.",
        prior=beta(7, 3, "Unmeasured; mean 0.7."),
    )
    provocation_rate: float = parameter(
        0.15,
        0,
        1,
        "1/day per neighbour",
        "Daily probability of a deliberate provocation at a border with no restraint.",
        "Assumption: escorting groups to the line, trespass claims, rhetoric (article).",
        prior=log_uniform(0.075, 0.3, "Unmeasured; x0.5..x2 of the default."),
    )
    valve: float = parameter(
        1.0,
        0,
        1,
        "share",
        "Initial opening of the migrant valve (0 closed, as before 2021; 1 open).",
        "Article: Minsk 'deliberately opened the floodgates'.",
    )
    posture: float = parameter(
        0.3,
        0,
        1,
        "posture",
        "Baseline force posture at each of its borders.",
        "Assumption.",
        prior=uniform(
            0.5,
            1.5,
            "Posture before deployments, unmeasured; x0.5..x1.5 of the scenario value.",
            relative=True,
        ),
    )
    conciliation_rate: float = parameter(
        0.02,
        0,
        1,
        "1/day",
        "Daily probability, times restraint, of a conciliatory gesture.",
        "Assumption.",
        prior=log_uniform(0.01, 0.04, "Unmeasured; x0.5..x2 of the default."),
    )


class FrontlineConfig(ActorConfig):
    """A neighbouring border state (Lithuania, Poland, Latvia)."""

    role: Literal["frontline"]
    posture: float = parameter(
        0.3,
        0,
        1,
        "posture",
        "Baseline force posture at its border.",
        "Assumption.",
        prior=uniform(
            0.5,
            1.5,
            "Posture before deployments, unmeasured; x0.5..x1.5 of the scenario value.",
            relative=True,
        ),
    )
    migrant_share: float = parameter(
        0.33,
        0,
        1,
        "share",
        "Weight of this border in the route's split at equal ease of crossing and no steering "
        "(geography, roads); the split itself is an outcome.",
        "See scenario comments.",
    )
    grievance: float = parameter(
        0.0,
        0,
        5,
        "weight",
        "Minsk's standing grievance against this state, beyond perceived threat: it steers the "
        "migrant flow there (with the route's steering weight).",
        "See scenario comments (article: 'support for the Belarusian opposition').",
    )
    capacity: float = parameter(
        4000.0,
        1,
        1e7,
        "persons",
        "Admitted migrants that make one unit of domestic pressure (camp unrest, protests).",
        "See scenario comments.",
        prior=log_uniform(
            0.5,
            2.0,
            "Reception capacity known to a factor of two; x0.5..x2 of the scenario value.",
            relative=True,
        ),
    )
    pushback: float = parameter(
        0.5,
        0,
        1,
        "share",
        "Baseline share of arrivals pushed back.",
        "See scenario comments.",
        prior=uniform(
            0.75,
            1.25,
            "Pushback practice reported, its rate not; x0.75..x1.25 of the scenario value.",
            relative=True,
        ),
    )
    threat: float = parameter(
        0.3,
        0,
        1,
        "share",
        "Initial perceived threat from the instigator.",
        "Assumption.",
        prior=uniform(
            0.5,
            1.5,
            "Initial wariness, unmeasured; x0.5..x1.5 of the scenario value.",
            relative=True,
        ),
    )


class SanctionerConfig(ActorConfig):
    """A body that adopts sanctions packages (the EU; a US/UK/Canada group)."""

    role: Literal["sanctioner"]
    level: int = parameter(
        4, 0, 100, "packages", "Sanctions packages in force at the start.", "See scenario."
    )
    max_packages: int = parameter(
        12,
        1,
        100,
        "packages",
        "Packages it could ever adopt; the gap to the level is the remaining room.",
        "Assumption.",
        prior=uniform(
            0.75,
            1.5,
            "Room for sanctions is a judgement; x0.75..x1.5 of the scenario value.",
            relative=True,
        ),
    )
    threshold: float = parameter(
        3.0,
        0.01,
        1000,
        "hostility units",
        "Attributed hostility (sum of perceived rungs / 6) that triggers a new package.",
        "Assumption.",
        prior=log_uniform(
            0.5,
            2.0,
            "Set by hand, partly with hindsight (issue 11); x0.5..x2 of the scenario value.",
            relative=True,
        ),
    )
    cadence: int = parameter(
        30,
        1,
        365,
        "days",
        "Least number of days between two decisions.",
        "Assumption.",
        prior=uniform(
            0.67,
            1.5,
            "Council rounds are some four to nine weeks apart; relative to the scenario value.",
            relative=True,
        ),
    )
    lag: int = parameter(
        14,
        1,
        365,
        "days",
        "Days from decision to adoption of a package (at least 1: adoption follows the decision).",
        "Assumption.",
        prior=uniform(
            0.5, 2.0, "Listings take weeks to agree; x0.5..x2 of the scenario value.", relative=True
        ),
    )
    pain: float = parameter(
        1.0,
        0,
        10,
        "x pain_per_package",
        "Pain of each of its packages for Minsk's domestic support, relative to "
        "mechanisms.pain_per_package (packages differ: some hit the main exporters).",
        "Assumption: the EU's sectoral packages are the unit.",
        prior=log_uniform(0.5, 2.0, "Unmeasured; x0.5..x2 of the scenario value.", relative=True),
    )
    repression_weight: float = parameter(
        0.0,
        0,
        10,
        "hostility units/day",
        "Hostility it attributes to Minsk each day for domestic repression at its fullest "
        "(repression = 1 - Minsk's domestic support): its trigger besides border conduct.",
        "Assumption: 0 for a sanctioner that acts on border hostility only (see scenario).",
        prior=log_uniform(0.5, 2.0, "Unmeasured; x0.5..x2 of the scenario value.", relative=True),
    )
    relief_threshold: float = parameter(
        0.5,
        0,
        10,
        "share of the trigger rate",
        "Without the ratchet it eases a package when its smoothed daily attributed hostility "
        "falls below this share of its own trigger rate (threshold / cadence).",
        "Assumption: a symmetric policy, relief for conduct at half the rate that earns a package.",
        prior=log_uniform(0.25, 1.0, "An unmeasured policy; x0.5..x2 of the default."),
    )


class PatronConfig(ActorConfig):
    """The instigator's patron (Moscow)."""

    role: Literal["patron"]


Actor = Annotated[
    InstigatorConfig | FrontlineConfig | SanctionerConfig | PatronConfig,
    Field(discriminator="role"),
]
