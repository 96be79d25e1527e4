"""The migrant route (ODD 7.9): Minsk's lever, with its own frictions and limits.

Owns the route's state and its day. People come into Belarus through the route (as far
as Minsk's valve is open and origin states and carriers have not cut it), wait there (a
stock), are brought to a border (the split between borders follows where crossing is
easier and where Minsk steers them, with a lag), try to cross, are pushed back or enter,
and those pushed back are stranded at that border: they try again, go back into Belarus
or die there. Repatriation flights take people home from Belarus. The sanctioner presses
origin states and carriers once crossings pass a trigger (or from a scheduled date); the
cut follows with a lag and costs it every day.

Every person is counted once: supplied = in Belarus + stranded + entered + returned + died
(:meth:`Route.balance`). Arithmetic in :mod:`route_rules`; the model calls
:meth:`Route.step` (ODD step 2), :meth:`Route.after_decisions` (step 3),
:meth:`Route.after_incidents` (step 4) and :meth:`Route.add_outcomes` (step 9).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from escalation_sim.config.ladder import MAX_RUNG
from escalation_sim.engine import route_rules as rr
from escalation_sim.engine import rules
from escalation_sim.engine.rules import F32
from escalation_sim.engine.state import MigrationFlow

FINAL_WEEK = 7  # days over which the final daily flow is averaged (peak-to-final ratio)
EMA_RATE = F32(1 / 7)  # smoothing of daily attempts the sanctioner watches (a week)


class Route:
    """The route's state for R replications of one model (F borders)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        mig, F, R = model.mechanisms.migration, model.F, model.R
        weight = np.broadcast_to(model.front_params["migrant_share"], (F, R))
        total = weight.sum(axis=0, keepdims=True)
        self.share = np.where(total > 0, weight / np.maximum(total, 1e-30), 1 / F).astype(F32)
        self.in_belarus = np.broadcast_to(mig.waiting, (R,)).astype(F32)
        self.cut = np.broadcast_to(mig.initial_cut, (R,)).astype(F32)
        self.pressing = np.zeros(R, bool)
        self.lifted = np.zeros(R, bool)  # pressure lifted today (crossings fell)
        self.smoothed = np.zeros(R, F32)  # crossing attempts a day, all borders (EMA)
        self.fence = np.zeros((F, R), F32)
        self.escort = np.zeros((F, R), bool)  # Minsk escorted people to that border yesterday
        self.friction = np.ones((F, R), F32)  # today's multiplier on the clash hazard
        # Cumulative since day 0 (float64): every person the route brought, and where they went.
        self.supplied = self.in_belarus.astype(np.float64)  # those waiting count as supplied
        self.entered, self.returned, self.died = (np.zeros(R) for _ in range(3))

    # ------------------------------------------------------------------ step 2
    def step(self, u: dict[str, np.ndarray], day: int) -> MigrationFlow:
        """One day of the route: cut, inflow, flights, dispatch, attempts, stranded, deaths."""
        m = self.model
        mig, front, fp, inst = m.mechanisms.migration, m.front, m.front_params, m.instigator
        pressed = self._press(day, mig)
        pressure, decided = self.pressing * mig.cut_max, m.schedule.cut_target[day]
        lag = np.where(decided >= pressure, mig.suspension_lag, mig.cut_lag)
        self.cut = np.maximum(rr.approach(self.cut, np.maximum(pressure, decided), lag), 0)
        z = rules.standard_normal(u["z1"][0], u["z2"][0])
        came = rr.inflow(mig.supply, inst.valve, self.cut, z)
        self.supplied += came
        self.in_belarus = self.in_belarus + came
        flight = u["flight"][0] < np.clip(mig.repatriation * self.cut, 0, 1)
        returned = np.where(flight, np.minimum(self.in_belarus, mig.flight_size), 0).astype(F32)
        self.in_belarus -= returned
        self.returned += returned
        dispatched = self.in_belarus * mig.dispatch
        self.in_belarus -= dispatched
        escorted = rr.escorted(self.escort, mig.escort_share, self.in_belarus)
        self.in_belarus -= escorted.sum(axis=0)
        rate = rr.pushback_rate(fp["pushback"], front.pressure, mig.pushback_pressure, self.fence)
        difficulty = rate + mig.posture_weight * front.posture
        steer = fp["grievance"] + inst.threat
        want = rr.split_target(
            fp["migrant_share"], difficulty, mig.ease_sensitivity, steer, mig.steering
        )
        self.share = rr.approach(self.share, want, mig.share_lag)
        self.share /= self.share.sum(axis=0, keepdims=True)  # shares stay a split of the flow
        arrived = self.share * dispatched + escorted
        leave = np.maximum(mig.retry + mig.stranded_clearance, 1)  # never more than all of them
        retries = front.stranded * (mig.retry / leave)
        back = front.stranded * (mig.stranded_clearance / leave)
        self.in_belarus += back.sum(axis=0)
        attempts = arrived + retries
        pushed = attempts * rate
        entered = attempts - pushed
        self.entered += entered.sum(axis=0)
        front.stranded = front.stranded - retries - back + pushed
        death = (u["death"] < rr.death_probability(front.stranded, mig.death_rate)) & (
            front.stranded >= 1
        )
        front.stranded = front.stranded - death
        self.died += death.sum(axis=0)
        blame_p = rules.attribution_probability(inst.reputation, m.mechanisms.benefit_of_doubt)
        blamed = death & (u["death_blame"] < blame_p)
        cost = F32(mig.death_blame / MAX_RUNG)
        front.pressure = (
            front.pressure * (1 - mig.pressure_decay)
            + entered / fp["capacity"]
            + mig.stranded_pressure * front.stranded / fp["capacity"]
        ).astype(F32)
        self.friction = rr.friction(front.stranded, mig.stranded_hazard)
        p_force = rr.force_probability(pushed, self.friction, mig.pushback_incident_scale)
        force = u["pb_incident"] < p_force
        self.smoothed += EMA_RATE * (attempts.sum(axis=0) - self.smoothed)
        hostility = (blamed.sum(axis=0) * cost).astype(F32)
        return MigrationFlow(
            arrived, attempts, pushed, entered, force, death, blamed, returned, flight, pressed,
            self.lifted, hostility,
        )  # fmt: skip

    def _press(self, day: int, mig: SimpleNamespace) -> np.ndarray:
        """Start and stop pressing origin states and carriers; returns who starts today.

        Pressure starts once crossings pass the trigger (or from a scheduled date) and stops
        once they fall below ``press_release`` of the trigger, unless it is scheduled.
        """
        m = self.model
        start = np.zeros_like(self.pressing)
        self.lifted = np.zeros_like(self.pressing)
        if m.S:  # only a sanctioner presses
            scheduled = m.schedule.route_pressure[day]
            start = (self.smoothed >= mig.press_trigger) | scheduled
            self.lifted = self.pressing & ~scheduled
            self.lifted &= self.smoothed < mig.press_release * mig.press_trigger
        start &= ~self.pressing
        self.pressing = (self.pressing | start) & ~self.lifted
        return start

    # ------------------------------------------------------------------ steps 3 and 4
    def after_decisions(self, rung_m: np.ndarray, rung_f: np.ndarray) -> None:
        """What today's rung-2 moves do to the route.

        Minsk's escorts bring people to that border the next day; the frontline's national
        measures add to that border's fence.
        """
        step = self.model.mechanisms.migration.fence_step
        self.escort = rung_m == 2
        self.fence = (self.fence + step * (rung_f == 2) * (1 - self.fence)).astype(F32)

    def after_incidents(self, armed: np.ndarray) -> None:
        """Moscow presses Minsk to close the route a little after an exchange of fire."""
        m = self.model
        if m.patron is None:
            return
        mech = m.mechanisms
        close = mech.patron_restraint * mech.migration.valve_response * armed.any(axis=0)
        m.instigator.valve = (m.instigator.valve * (1 - close)).astype(F32)

    # ------------------------------------------------------------------ accounting
    def balance(self) -> np.ndarray:
        """Supplied minus where everyone is (R,): zero up to rounding (people are conserved)."""
        stranded = self.model.front.stranded.sum(axis=0, dtype=np.float64)
        where = self.in_belarus.astype(np.float64) + stranded
        return self.supplied - (where + self.entered + self.returned + self.died)

    def add_outcomes(self, tot: SimpleNamespace, flow: Any, day: int) -> None:
        """Add the day's route (a MigrationFlow or Today) to the totals (forecast days)."""
        m = self.model
        tot.arrivals += flow.arrived
        tot.attempts += flow.attempts
        tot.pushbacks += flow.pushed
        tot.entries += flow.entered
        tot.force_migrants += flow.pb_incident
        tot.deaths += flow.death
        tot.deaths_blamed += flow.death_blamed.sum(axis=0, dtype=np.int32)
        tot.returned += flow.returned
        tot.press_cost += self.pressing * m.mechanisms.migration.press_cost
        tot.first_press[np.isnan(tot.first_press) & self.pressing] = day
        tot.press_lifts += self.lifted
        today = flow.attempts.sum(axis=0)
        higher = today > tot.attempts_peak
        tot.attempts_peak[higher] = today[higher]
        tot.attempts_peak_day[higher] = day
        if day >= m.config.days - FINAL_WEEK:
            tot.attempts_final += today / FINAL_WEEK
        np.maximum(tot.stranded_peak, m.front.stranded.sum(axis=0), out=tot.stranded_peak)
        np.maximum(tot.stranded_peak_f, m.front.stranded, out=tot.stranded_peak_f)
