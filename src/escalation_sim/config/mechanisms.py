"""The ten mechanisms' parameters and the migration route's."""

from __future__ import annotations

from pydantic import Field

from escalation_sim.config.base import FrozenModel, beta, log_uniform, parameter, uniform


class Migration(FrozenModel):
    """Mechanism 9: the migrant route, Minsk's lever, with its own frictions and limits."""

    supply: float = parameter(
        150.0,
        0,
        100_000,
        "persons/day",
        "Migrants the route brings into Belarus per day when Minsk's valve is fully open and "
        "no origin state or carrier has cut it (flights, visas, tour operators).",
        "See scenario comments (set from the early-August 2021 crossings of the record).",
        prior=log_uniform(
            0.5,
            2.0,
            "Route capacity known to a factor of two; x0.5..x2 of the scenario value.",
            relative=True,
        ),
    )
    valve_response: float = parameter(
        0.2,
        0,
        1,
        "share",
        "How far Minsk opens the route (towards 1) for each sanctions package it perceives, "
        "and closes it for each easing and each time Moscow presses it after an exchange of "
        "fire.",
        "Article: Minsk 'deliberately opened the floodgates' in response to sanctions.",
        prior=beta(2, 8, "Each package opens the valve a little; mean 0.2."),
    )
    dispatch: float = parameter(
        0.2,
        0.001,
        1,
        "1/day",
        "Share of the people waiting in Belarus whom Minsk's services bring to the line each "
        "day (hotels in Minsk, then escorts to the border).",
        "Article: Vilnius shows 'Belarusian border guards escorting migrants' to the line. "
        "Rate assumed: a few days to a week between landing and the border.",
        prior=log_uniform(0.1, 0.4, "Stays of about 2.5 to 10 days; x0.5..x2 of the default."),
    )
    retry: float = parameter(
        0.3,
        0,
        1,
        "1/day",
        "Share of the people stranded at a border (pushed back) who try to cross again each "
        "day: the repeat attempts border guards count again.",
        "Assumption: pushed-back groups are sent back to the line by Belarusian guards "
        "(article: escorts to the line).",
        prior=log_uniform(0.15, 0.6, "Unmeasured; x0.5..x2 of the default."),
    )
    stranded_clearance: float = parameter(
        0.05,
        0,
        1,
        "1/day",
        "Share of the people stranded at a border who go back into Belarus each day (to "
        "Minsk, where repatriation flights leave).",
        "Article: Iraq 'started taking back Iraqis stranded in Belarus'. Rate is an assumption.",
        prior=log_uniform(0.025, 0.1, "Stranded people leave within one to six weeks."),
    )
    repatriation: float = parameter(
        0.1,
        0,
        1,
        "1/day at a full cut",
        "Daily probability of a repatriation flight from Minsk, times the share of the route "
        "origin states have cut (states that cut the route also take their citizens back).",
        "Article: Iraq 'started taking back Iraqis stranded in Belarus'. Rate assumed.",
        prior=log_uniform(0.05, 0.2, "Unmeasured; x0.5..x2 of the default."),
    )
    flight_size: float = parameter(
        300.0,
        1,
        10_000,
        "persons",
        "People a repatriation flight takes home (at most all who wait in Belarus).",
        "Assumption: one airliner.",
        prior=uniform(150, 450, "A mid-size to a wide-body airliner."),
    )
    waiting: float = parameter(
        0.0,
        0,
        1e6,
        "persons",
        "People waiting in Belarus on day 0 to be brought to a border.",
        "See scenario comments.",
        prior=uniform(0.5, 1.5, "The stock in Minsk was not counted.", relative=True),
    )
    initial_cut: float = parameter(
        0.0,
        0,
        1,
        "share",
        "Share of the route that origin states and carriers have already cut on day 0.",
        "See scenario comments (Iraq suspended flights to Minsk in early August 2021).",
        prior=uniform(0.5, 1.5, "Iraq's share of the route, unmeasured.", relative=True),
    )
    cut_max: float = parameter(
        0.8,
        0,
        1,
        "share",
        "Share of the route the sanctioner's pressure on origin states and carriers can cut "
        "(overland and indirect routes remain).",
        "Assumption (article: after Iraq cancelled flights 'the flow of migrants into "
        "Lithuania has stopped').",
        prior=uniform(0.6, 0.95, "Most, never all, of the route runs through flights."),
    )
    cut_lag: float = parameter(
        30.0,
        1,
        365,
        "days",
        "Mean delay before pressure on origin states and carriers cuts the route (time "
        "constant of the cut's approach to its target).",
        "Assumption: weeks between EU contacts with Baghdad in July 2021 and Iraq's suspension "
        "of flights in early August (article: 'Thanks to international diplomatic efforts').",
        prior=log_uniform(15, 60, "Two weeks to two months; x0.5..x2 of the default."),
    )
    press_trigger: float = parameter(
        600.0,
        1,
        100_000,
        "crossing attempts/day",
        "Smoothed daily crossing attempts (all borders) at which the sanctioner starts pressing "
        "origin states and carriers to cut the route (a move of its toolbox; kept up once "
        "started).",
        "Assumption: twice the early-August 2021 level (~250-300 attempts a day: Lithuania "
        "~700 pushbacks on 3-6 August and ~100 detained a day, Latvia 283 on 6-10 August; "
        "record) at which the EU had pressed only Iraq (initial_cut).",
        prior=log_uniform(300, 1200, "Unmeasured; x0.5..x2 of the default."),
    )
    press_cost: float = parameter(
        1.0,
        0,
        100,
        "cost units/day",
        "Diplomatic cost to the sanctioner of each day it presses origin states and carriers "
        "(aid, visa and trade concessions); an outcome, route_pressure_cost.",
        "Assumption: a unit of account, one per day of pressure.",
        prior=log_uniform(0.5, 2.0, "A unit of account; x0.5..x2 of the default."),
    )
    share_lag: float = parameter(
        14.0,
        1,
        365,
        "days",
        "Mean delay with which the flow's split between borders follows a change in where "
        "crossing is easier or where Minsk steers it.",
        "Assumption: the flow shifted from Lithuania to Poland within weeks of Lithuania's "
        "pushbacks (article: Poland 'now also reporting increased numbers').",
        prior=log_uniform(7, 28, "One to four weeks."),
    )
    ease_sensitivity: float = parameter(
        3.0,
        0,
        20,
        "per unit of difficulty",
        "How strongly the flow avoids a border where crossing is hard: a border's weight is "
        "times exp(-sensitivity x difficulty), difficulty = pushback rate + posture weight x "
        "posture.",
        "Assumption (article: pushbacks in Lithuania, and Poland and Latvia report more).",
        prior=log_uniform(1.5, 6, "Unmeasured; x0.5..x2 of the default."),
    )
    posture_weight: float = parameter(
        0.5,
        0,
        5,
        "difficulty per posture",
        "Weight of a frontline state's force posture in how hard crossing there looks.",
        "Assumption.",
        prior=log_uniform(0.25, 1.0, "Unmeasured; x0.5..x2 of the default."),
    )
    steering: float = parameter(
        1.0,
        0,
        10,
        "weight",
        "How far Minsk steers the flow to the neighbours it is most hostile to: a border's "
        "weight is times 1 + steering x (grievance + perceived threat from it).",
        "Article: the crisis answers the neighbours' 'support for the Belarusian opposition "
        "and Western sanctions'. Weight assumed.",
        prior=log_uniform(0.5, 2.0, "Unmeasured; x0.5..x2 of the default."),
    )
    fence_step: float = parameter(
        0.05,
        0,
        1,
        "share",
        "Share of the remaining crossings a frontline state's national measures (fences, "
        "transit bans; its rung-2 move) block from then on.",
        "Article/record: Lithuania started a border barrier and pushbacks in summer 2021. "
        "Size assumed.",
        prior=log_uniform(0.025, 0.1, "Unmeasured; x0.5..x2 of the default."),
    )
    pushback_pressure: float = parameter(
        0.3,
        0,
        5,
        "share per pressure unit",
        "Increase of a frontline state's pushback rate per unit of domestic pressure.",
        "Article: Vilnius turned to pushbacks after camp unrest and local protests.",
        prior=log_uniform(0.15, 0.6, "Unmeasured; x0.5..x2 of the default."),
    )
    pressure_decay: float = parameter(
        0.02,
        0,
        1,
        "1/day",
        "Daily decay of domestic pressure from admitted arrivals and stranded people.",
        "Assumption.",
        prior=log_uniform(0.01, 0.04, "Half-lives of about 17 to 70 days."),
    )
    stranded_pressure: float = parameter(
        0.02,
        0,
        1,
        "pressure per (capacity x day)",
        "Domestic pressure a frontline state feels per day from people stranded at its border, "
        "per reception capacity of them (camps in the forest, NGOs, media).",
        "Assumption: equals the pressure decay, so a settled stranded camp weighs as much as "
        "as many people admitted.",
        prior=log_uniform(0.01, 0.04, "Unmeasured; x0.5..x2 of the default."),
    )
    posture_pressure: float = parameter(
        0.1,
        0,
        1,
        "posture per pressure unit",
        "Rise of a frontline state's baseline force posture per unit of domestic pressure.",
        "Brief: arrivals 'push their posture up' (troops sent to the border in 2021).",
        prior=log_uniform(0.05, 0.2, "Unmeasured; x0.5..x2 of the default."),
    )
    pushback_incident_scale: float = parameter(
        1000.0,
        1,
        100_000,
        "persons",
        "Pushbacks that make force against migrants likely: P(force at a border today) = "
        "1 - exp(-pushbacks x friction / scale), friction = 1 + stranded / stranded_hazard.",
        "Record/article: Minsk accused Lithuanian guards of force ('rubber bullets', a man "
        "'beaten to death') a few times in 3-12 August 2021, with ~175 pushbacks a day: "
        "about one day in five at that load.",
        prior=log_uniform(500, 2000, "Unmeasured scale; x0.5..x2 of the default."),
    )
    stranded_hazard: float = parameter(
        1000.0,
        1,
        1e6,
        "persons",
        "Stranded people at a border that double its clash hazard between forces (friction: "
        "guards of both sides face the same groups).",
        "Article: 'a real risk of unintended armed incidents' at a border crowded with "
        "migrants. Scale assumed.",
        prior=log_uniform(500, 2000, "Unmeasured scale; x0.5..x2 of the default."),
    )
    death_rate: float = parameter(
        1e-4,
        0,
        1,
        "1/(person x day)",
        "Daily hazard of a humanitarian death per person stranded at a border (cold, "
        "exhaustion); at most one counted per border and day.",
        "Article: 'an Iraqi allegedly beaten to death'. Rate assumed.",
        prior=log_uniform(5e-5, 2e-4, "Unmeasured; x0.5..x2 of the default."),
    )
    death_blame: float = parameter(
        0.5,
        0,
        6,
        "rungs",
        "Reputational cost of a humanitarian death blamed on Minsk, in perceived rungs: it "
        "adds death_blame / 6 to the hostility the frontline states attribute to it (a "
        "death blamed on the frontline state is counted, deaths_blamed_on_frontline).",
        "Assumption (article: each side blames the other for the migrants' fate).",
        prior=uniform(0.25, 1.0, "Unmeasured."),
    )


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
    # 9. Migration
    migration: Migration = Field(default_factory=Migration)
