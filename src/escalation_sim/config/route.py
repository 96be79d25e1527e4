"""Mechanism 9's parameters: the migrant route, Minsk's lever (issue 10).

Kept apart from the other mechanisms' parameters because the route has its own submodel
(``engine/route.py``) and the most parameters of any mechanism.
"""

from __future__ import annotations

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
    escort_share: float = parameter(
        0.1,
        0,
        1,
        "share",
        "Share of the people waiting in Belarus that an escort to the line (Minsk's rung-2 "
        "move at a border) brings to that border the next day, besides the daily dispatch.",
        "Article: Vilnius shows 'Belarusian border guards escorting groups of migrants to the "
        "border'. Size assumed.",
        prior=log_uniform(0.05, 0.2, "Unmeasured; x0.5..x2 of the default."),
    )
    press_release: float = parameter(
        0.25,
        0,
        1,
        "share of press_trigger",
        "The sanctioner stops pressing origin states and carriers once smoothed daily crossing "
        "attempts fall below this share of press_trigger (concessions cost it every day; a "
        "scheduled route_pressure is kept). Counted as route_pressure_lifts.",
        "Assumption: pressure is costly (press_cost) and is eased once the flow has fallen "
        "well below the level that started it; 0 keeps it up for good.",
        prior=uniform(0.1, 0.5, "Unmeasured; a hysteresis band below the trigger."),
    )
    suspension_lag: float = parameter(
        3.0,
        1,
        365,
        "days",
        "Mean delay before a decided suspension by origin states or carriers (a supply_cut "
        "event) takes effect; pressure by the sanctioner works with cut_lag.",
        "Record: Iraq's suspension of flights to Minsk was announced and in force within days "
        "(early August 2021).",
        prior=log_uniform(1, 10, "Days to a week and a half."),
    )
    relief_closing: float = parameter(
        0.01,
        0,
        1,
        "1/day",
        "Share of the valve's opening Minsk closes each day, times its restraint: the less it "
        "believes restraint earns nothing, the more it scales the route down to seek relief.",
        "Issue 10: Minsk scales the route 'less when it wants relief'. Rate assumed: at full "
        "restraint the route would halve in about ten weeks.",
        prior=log_uniform(0.005, 0.02, "Unmeasured; x0.5..x2 of the default."),
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
        "adds death_blame / 6 to the hostility the frontline states attribute to it; a death "
        "blamed on the frontline state is an accusation Minsk reads as a hostile act of "
        "death_blame rungs from that state (deaths_blamed_on_frontline).",
        "Assumption (article: each side blames the other for the migrants' fate).",
        prior=uniform(0.25, 1.0, "Unmeasured."),
    )
