"""The ten mechanisms' parameters; the route's (mechanism 9) are in ``config/route.py``."""

from __future__ import annotations

from pydantic import Field

from escalation_sim.config.base import FrozenModel, beta, log_uniform, parameter, uniform
from escalation_sim.config.route import Migration


class Mechanisms(FrozenModel):
    """The ten mechanisms of the model brief; each can be switched off with 0 or false."""

    # 1. No benefit of the doubt
    benefit_of_doubt: float = parameter(
        0.0,
        0,
        1,
        "share",
        "Share by which observers discount blaming the instigator for an ambiguous incident; "
        "1 means ambiguous incidents are never blamed on it.",
        "Article: Lukashenko 'is no longer given the benefit of the doubt' (0 in 2021).",
    )
    ambiguous_rate: float = parameter(
        0.02,
        0,
        1,
        "1/day per border",
        "Daily probability of an ambiguous incident at a border that the instigator did not "
        "cause (shots heard, unverified reports, a death abroad).",
        "Assumption: the article lists about five such episodes in July-August 2021.",
        prior=log_uniform(
            0.01,
            0.04,
            "About five episodes in six weeks at three borders; x0.5..x2 of the default.",
        ),
    )
    covert_share: float = parameter(
        0.2,
        0,
        1,
        "share",
        "Share of the instigator's deliberate provocations whose author is not observable; "
        "they become ambiguous incidents truly caused by the instigator.",
        "Assumption (article: each side claims shots came from the other).",
        prior=beta(
            2, 8, "A minority of provocations hide their author; mean 0.2, rarely above half."
        ),
    )
    reputation_gain: float = parameter(
        0.04,
        0,
        1,
        "per act",
        "Rise of pariah reputation per attributed hostile act of top intensity, times "
        "(1 - reputation).",
        "Mercer (1996) desires hypothesis: hostile acts confirm the image fully.",
        prior=log_uniform(
            0.02, 0.08, "Mercer gives the direction, not the size; x0.5..x2 of the default."
        ),
    )
    reputation_loss: float = parameter(
        0.004,
        0,
        1,
        "per act",
        "Fall of pariah reputation per perceived conciliatory act, times reputation "
        "(ten times smaller than the gain).",
        "Mercer (1996): conciliatory acts barely lower a bad reputation.",
        prior=log_uniform(
            0.002, 0.008, "Mercer gives the direction, not the size; x0.5..x2 of the default."
        ),
    )
    reputation_repair: float = parameter(
        0.002,
        0,
        1,
        "1/day",
        "Daily fall of pariah reputation, times reputation, on a day with no hostility "
        "attributed to the instigator (observed restraint repairs it slowly).",
        "Article: a pariah 'is no longer given the benefit of the doubt'; assumption: a "
        "half-life of about a year of calm days, far slower than the gain.",
        prior=log_uniform(0.001, 0.004, "Unmeasured; x0.5..x2 of the default."),
    )
    # 2. Nothing to lose
    nothing_to_lose: float = parameter(
        1.0,
        0,
        1,
        "weight",
        "How far the instigator's restraint follows its belief that Western punishment "
        "depends on its conduct (0: it acts as if punishment were fully contingent).",
        "Article: 'when everyone regards you as a pariah whether you have done something or "
        "not, why hold back?'",
        prior=uniform(
            0.5,
            1.0,
            "The article asserts the mechanism strongly; its strength is not measured.",
        ),
    )
    belief_prior: float = parameter(
        0.5,
        0,
        1,
        "probability",
        "The instigator's initial belief that a Western punishment (a package, a blame) "
        "answers its own conduct.",
        "Assumption: no prior knowledge (the mean of a uniform Beta(1, 1) prior).",
        prior=uniform(0.3, 0.7, "Minsk's expectations in mid-2021 are unknown."),
    )
    belief_strength: float = parameter(
        2.0,
        0.01,
        1000,
        "observations",
        "Weight of the prior belief, in pseudo-observations (2 with the prior 0.5 is the "
        "uniform Beta(1, 1)).",
        "Assumption: an uninformative prior.",
        prior=log_uniform(1.0, 4.0, "Unmeasured; x0.5..x2 of the default."),
    )
    belief_forgetting: float = parameter(
        0.01,
        0,
        1,
        "1/day",
        "Daily rate at which the instigator's evidence about contingency fades back to the "
        "prior, so the belief can follow a change of Western policy.",
        "Assumption: a memory of about a hundred days (a season of sanctions politics).",
        prior=log_uniform(0.005, 0.02, "Unmeasured; x0.5..x2 of the default."),
    )
    conduct_memory: float = parameter(
        0.03,
        0.001,
        1,
        "1/day",
        "Daily decay of the instigator's record of its own recent hostile conduct, against "
        "which it judges whether a package or easing was earned.",
        "Assumption: about a month (decisions take a cadence and a lag of weeks).",
        prior=log_uniform(0.015, 0.06, "Unmeasured; x0.5..x2 of the default."),
    )
    # 3. No hostile act unpunished
    retaliation: float = parameter(
        0.8,
        0,
        1,
        "probability",
        "Probability that the instigator answers a perceived hostile act with a counter-move "
        "of at least the perceived rung (per day with an unanswered act).",
        "Article: 'No hostile action must go unpunished, so as not to appear weak.'",
        prior=beta(8, 2, "The article: nothing goes unpunished; mean 0.8, mostly above 0.6."),
    )
    answer_rung: float = parameter(
        1.5,
        0,
        6,
        "rung",
        "Smallest perceived rung that demands an answer; rhetoric below it is let pass.",
        "Article: the hostile acts answered are sanctions, pushbacks, deployments (rung 2+).",
        prior=uniform(
            1.0, 2.5, "Between answering rhetoric (1) and answering only deployments (2.5)."
        ),
    )
    max_deliberate_rung: int = parameter(
        3,
        1,
        6,
        "rung",
        "Highest rung any actor chooses on purpose; rungs above arise only from incidents.",
        "Article: incidents 'not because either side plans to attack the other'.",
    )
    # 4. Mutual hostile interpretation
    hostile_bias: float = parameter(
        0.5,
        0,
        1,
        "share",
        "Skew of perception errors towards hostility: an error is upward with probability "
        "(1 + hostile_bias) / 2, for every observer.",
        "Article: 'tendencies to interpret each other's actions in the most hostile light "
        "possible'; Jervis (1976).",
        prior=beta(2, 2, "Skew towards hostility of unmeasured size; centred on the default."),
    )
    perception_noise: float = parameter(
        1.0,
        0,
        3,
        "rungs",
        "Largest perception error, in rungs of the escalation ladder (uniform magnitude).",
        "Assumption: one rung of confusion between, e.g., a pushback and a clash.",
        prior=uniform(0.5, 2.0, "Half a rung to two rungs of confusion."),
    )
    frontline_response: float = parameter(
        0.5,
        0,
        1,
        "probability",
        "Probability that a frontline state answers a perceived hostile act in kind "
        "(before forgiveness).",
        "Assumption: frontline states answer often, but not as reflexively as Minsk.",
        prior=beta(2, 2, "Unmeasured; centred on the default, wide (issue 11: a top driver)."),
    )
    forgiveness: float = parameter(
        0.0,
        0,
        1,
        "share",
        "Share of perceived hostile acts that frontline states and sanctioners leave "
        "unanswered (generous tit-for-tat).",
        "Nowak & Sigmund (1992); 0 in 2021 (article: only tougher sanctions are conceivable).",
    )
    threat_gain: float = parameter(
        0.3,
        0,
        2,
        "per act",
        "Rise of perceived threat per perceived hostile act of top rung (rung/6 scaled).",
        "Assumption.",
        prior=log_uniform(0.15, 0.6, "Unmeasured; x0.5..x2 of the default."),
    )
    threat_decay: float = parameter(
        0.04,
        0,
        1,
        "1/day",
        "Daily decay of perceived threat (applied every day, before new perceptions).",
        "Assumption: a half-life of about two and a half weeks.",
        prior=log_uniform(0.02, 0.08, "Half-lives of about 9 to 35 days."),
    )
    # 5. Unintended armed incidents
    incident_hazard: float = parameter(
        0.03,
        0,
        5,
        "1/day",
        "Scale of the daily clash hazard at a border, multiplied by both sides' posture "
        "there and their mutual perceived threat.",
        "Assumption: makes the article's 'real risk' neither negligible nor certain.",
        prior=log_uniform(0.015, 0.06, "Unmeasured scale; x0.5..x2 of the default."),
    )
    armed_escalation: float = parameter(
        0.3,
        0,
        1,
        "probability",
        "Probability, times mutual perceived threat, that a clash becomes an exchange of "
        "fire (rung 5) rather than a non-lethal clash (rung 4).",
        "Assumption.",
        prior=beta(3, 7, "Most clashes stay non-lethal; mean 0.3."),
    )
    conflict_window: int = parameter(
        14,
        1,
        365,
        "days",
        "A second armed incident at the same border within this many days is armed "
        "conflict (rung 6).",
        "Assumption (sustained fighting).",
        prior=uniform(7, 28, "One to four weeks between armed incidents counts as sustained."),
    )
    posture_step: float = parameter(
        0.05,
        0,
        1,
        "posture",
        "Force posture added by a rung-3 move (deployment, troops escorted to the line).",
        "Assumption.",
        prior=log_uniform(0.025, 0.1, "Unmeasured; x0.5..x2 of the default."),
    )
    militarised_posture: float = parameter(
        0.5,
        0,
        1,
        "posture",
        "Force posture on either side of a border from which the dyad counts as rung 3 "
        "(militarised posture) on that day.",
        "Assumption.",
        prior=uniform(0.35, 0.7, "Unmeasured threshold around the default."),
    )
    posture_decay: float = parameter(
        0.02,
        0,
        1,
        "1/day",
        "Daily relaxation of force posture towards its baseline.",
        "Assumption.",
        prior=log_uniform(0.01, 0.04, "Half-lives of about 17 to 70 days."),
    )
    # 6. Sanctions ratchet
    sanctions_ratchet: bool = Field(
        True,
        description="If true the sanctions level never falls; if false the regime allows "
        "relief for restraint: a sanctioner eases one package when the hostility it "
        "attributes falls below its relief threshold.",
        json_schema_extra={
            "unit": "switch",
            "source": "Article: 'no influential Western politician would now risk any other "
            "approach ... than toughening sanctions'.",
        },
    )
    # 7. War atmosphere
    war_atmosphere: float = parameter(
        0.5,
        0,
        1,
        "weight",
        "Rally effect: weight of perceived external threat in the instigator's domestic "
        "support; and how strongly it provokes to keep the atmosphere of a country at war "
        "when threat fades or support sags.",
        "Article: 'a vested interest in maintaining the atmosphere of a country at war'.",
        prior=beta(2, 2, "The article asserts the interest; its weight is unmeasured."),
    )
    support_rate: float = parameter(
        0.05,
        0,
        1,
        "1/day",
        "Speed at which domestic support moves towards its target.",
        "Assumption.",
        prior=log_uniform(0.025, 0.1, "Support adjusts within one to six weeks."),
    )
    pain_per_package: float = parameter(
        0.03,
        0,
        1,
        "support/package",
        "Domestic support lost per sanctions package in force, before the patron's cushion.",
        "Assumption.",
        prior=log_uniform(0.015, 0.06, "Unmeasured; x0.5..x2 of the default."),
    )
    # 8. Patron restraint: a decision weighing the risk of being dragged in (eqs. 20a-20c)
    patron_restraint: float = parameter(
        0.5,
        0,
        1,
        "probability",
        "Moscow's stake in not being dragged into a clash with NATO: the highest "
        "probability that it talks the instigator out of a move of rung 3 or above, "
        "reached when the risk of a clash dwarfs its interest in Minsk's dependence; "
        "also the most it presses for a pull-back after an armed incident.",
        "Article: Moscow's unwillingness to get embroiled 'could just be the only factor "
        "exercising any restraint'.",
        prior=beta(2, 2, "The article: Moscow may restrain; how much is unknown."),
    )
    patron_interest: float = parameter(
        0.03,
        0,
        1,
        "probability",
        "Moscow's interest in Minsk's confrontation with the West (the dependence it "
        "brings), in units of risk: the risk of a clash at a border within its horizon "
        "at which it restrains half as often as its stake allows. The interest shrinks "
        "as sanctions isolate Minsk (already dependent, nothing more to gain); 0 means "
        "any risk at all makes it restrain fully.",
        "Article: Minsk 'depends ever more on Moscow'; Moscow 'could' restrain. "
        "Assumption: indifferent at about a 3% chance of a clash within a month.",
        prior=log_uniform(0.01, 0.09, "Unmeasured; x1/3..x3 of the default."),
    )
    patron_horizon: float = parameter(
        30.0,
        1,
        365,
        "days",
        "Horizon over which Moscow weighs the risk of a clash at a border that a move "
        "(or an incident) has made more likely.",
        "Assumption: the weeks ahead (Zapad 2021 was a month away on 12 August 2021).",
        prior=uniform(14, 60, "Two weeks to two months."),
    )
    patron_cushion: float = parameter(
        0.5,
        0,
        1,
        "share",
        "Share of sanctions pain that the patron's economic support absorbs.",
        "Assumption: Russian loans and energy subsidies in 2020-2021.",
        prior=beta(2, 2, "Russian support absorbs part of the pain; the share is unknown."),
    )
    # 11. Crisis arc (ODD 7.11, eqs. 21a-21b)
    crisis_length: int = parameter(
        30,
        1,
        365,
        "days",
        "Days a crisis regime lasts at a border after a clash there (blamed or not) if no "
        "talks end it sooner; a new clash prolongs it.",
        "Assumption: the August-November 2021 crisis saw weeks of crisis diplomacy.",
        prior=uniform(14, 60, "Two weeks to two months."),
    )
    crisis_talks: float = parameter(
        0.1,
        0,
        1,
        "1/day",
        "Daily probability, during a crisis at its border, that the frontline state (after "
        "crisis meetings and NATO consultations) seeks talks; 0 means no crisis diplomacy.",
        "Article: EU interior ministers' crisis meeting (18 Aug), NATO consultations; "
        "assumption: about one attempt in ten days.",
        prior=log_uniform(0.03, 0.3, "Unmeasured; x1/3..x3 of the default."),
    )
    withdrawal: float = parameter(
        0.3,
        0,
        1,
        "share",
        "Share of both sides' posture at the border and of their threat from each other "
        "shed when talks are held (forces withdrawn from the line).",
        "Assumption.",
        prior=beta(3, 7, "Partial withdrawals; mean 0.3."),
    )
    allied_deployment: float = parameter(
        0.1,
        0,
        1,
        "posture units",
        "Posture an allied deployment adds at a frontline border when a clash there (a "
        "crisis) leads the frontline state to consult NATO (Article 4) and allies send "
        "forces (a counter-hybrid support team); once per crisis; 0 means none.",
        "Article: Lithuania 'has already discussed with NATO the possibility of deploying "
        "a Counter Hybrid Support Team', 'a more radical move'; size: assumption (two "
        "posture steps of a clash).",
        prior=uniform(0.0, 0.2, "Unmeasured: from none to four clash-sized posture steps."),
    )
    leader_calls: float = parameter(
        0.05,
        0,
        1,
        "1/day",
        "Daily probability, during a crisis at a border, that another state's leader calls "
        "Minsk and offers talks (besides the frontline seeking them); talks still need "
        "Minsk's acceptance (eq. 21a).",
        "Assumption (issue 9: calls from other leaders as a de-escalating channel); not in "
        "the article, which names no third-party mediator but Moscow.",
        prior=log_uniform(0.01, 0.2, "Unmeasured; from rare to one call in five days."),
    )
    # 9. Migration
    migration: Migration = Field(default_factory=Migration)
