"""The crisis arc (ODD 7.11): after a clash the regime at that border changes.

A clash (rung 4 or above) at a border opens a crisis there, whoever caused it and
whether or not it is blamed on the instigator. While the crisis lasts, the frontline
state (with its crisis meetings and NATO consultations) seeks talks; the instigator
accepts as far as holding back is believed to spare it punishment (its restraint,
eq. 3), and Moscow's mediation presses it to accept as hard as the risk of a clash
there is worth to Moscow (eq. 20b). Talks held are de-escalating moves below rung 0:
both sides withdraw forces from the line and calm down (eq. 21b), which lowers the
clash hazard, and the crisis ends. Talks are also offered by other states' leaders
(``leader_calls``), still subject to the instigator's acceptance. An armed incident at a
A clash leads the frontline state to consult NATO (Article 4), and allies deploy forces
there once per crisis (``allied_deployment``): the frontline posture rises, the
instigator reads a militarised move, and Moscow's risk at that border rises with it.
A crisis with no talks lapses after ``crisis_length`` days; a new clash reopens it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalation_sim.engine import rules
from escalation_sim.engine.agents import Instigator
from escalation_sim.engine.patron import Patron
from escalation_sim.engine.rules import F32
from escalation_sim.engine.state import FrontState


@dataclass
class CrisisDay:
    """The crisis step's output, (F, R) bools: talks held, mediation, crisis in force."""

    talks: np.ndarray  # talks held today at the border: both sides withdraw (rungs -1, -2)
    mediated: np.ndarray  # Moscow mediated after an armed incident there today (rung -1)
    in_crisis: np.ndarray  # a crisis regime in force at the border today
    opened: np.ndarray  # a crisis opened (or reopened by a new clash) today
    called: np.ndarray  # another state's leader called the instigator offering talks (rung -1)
    allied: np.ndarray  # NATO consulted after a clash, allies deployed at the border (rung 3)


class Crisis:
    """Crisis state per border and replication: days left in the regime, 0 = none."""

    def __init__(self, F: int, R: int) -> None:
        self.days_left = np.zeros((F, R), np.int16)
        self.deployed = np.zeros((F, R), bool)  # allies deployed in the current crisis

    def open(self, clash: np.ndarray, length: int | np.ndarray) -> np.ndarray:
        """Open (or prolong) a crisis at each border with a clash today; returns the new ones."""
        opened = clash & (self.days_left == 0)
        self.days_left = np.where(clash, np.broadcast_to(length, clash.shape), self.days_left)
        return opened

    def day(
        self,
        u: dict[str, np.ndarray],
        clash: np.ndarray,
        mech: object,
        inst: Instigator,
        front: FrontState,
        patron: Patron | None,
    ) -> CrisisDay:
        """Step 8's crisis arc: crises open at clashes, with NATO consultations and allies.

        Then talks are held where they are offered and accepted.
        """
        opened = self.open(clash, mech.crisis_length)  # type: ignore[attr-defined]
        in_crisis = self.days_left > 0
        allied = self.deploy(clash, mech, inst, front)
        mediation = np.zeros(in_crisis.shape, F32)
        cols = np.flatnonzero(in_crisis.any(axis=0))  # Moscow's pressure matters only there
        if patron is not None and cols.size:
            mediation[:, cols] = patron.restraint(inst.posture[:, cols], cols)
        talks, called = self.step(
            u["talks_seek"],
            u["talks_accept"],
            mech,
            inst.restraint,
            mediation,
            (inst.posture, front.posture),
            (inst.threat, front.threat),
        )
        mediated = patron.mediated if patron is not None else np.zeros_like(talks)
        self.deployed &= self.days_left > 0  # a new crisis can bring allies again
        return CrisisDay(talks, mediated, in_crisis, opened, called, allied)

    def deploy(
        self, clash: np.ndarray, mech: object, inst: Instigator, front: FrontState
    ) -> np.ndarray:
        """NATO consultations after a clash; allies deploy once per crisis (7.11).

        The frontline posture at that border rises by ``allied_deployment``; the instigator
        reads the deployment at face value as a militarised move (rung 3, eq. 8). Returns
        where allies deployed today, (F, R) bool.
        """
        size = np.asarray(mech.allied_deployment, F32)  # type: ignore[attr-defined]
        allied = clash & ~self.deployed & (size > 0)
        if allied.any():
            front.posture = np.minimum(front.posture + size * allied, 1).astype(F32)
            gain = np.asarray(mech.threat_gain, F32)  # type: ignore[attr-defined]
            inst.threat = np.minimum(inst.threat + gain * F32(3 / 6) * allied, 1).astype(F32)
            self.deployed |= allied
        return allied

    def step(
        self,
        u_seek: np.ndarray,
        u_accept: np.ndarray,
        mech: object,
        restraint: np.ndarray,
        mediation: np.ndarray,
        postures: tuple[np.ndarray, np.ndarray],
        threats: tuple[np.ndarray, np.ndarray],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Talks where offered and accepted; both sides withdraw and calm down.

        Talks are offered by the frontline (``crisis_talks``) or, failing that, by another
        leader's call (``leader_calls``): one uniform, P(offered) = 1 - (1 - a)(1 - b).
        ``restraint`` is the instigator's (R,), ``mediation`` Moscow's pressure (F, R);
        ``postures`` and ``threats`` are (instigator, frontline) (F, R) arrays, changed in
        place. Returns (talks held, leader calls), (F, R) bools.
        """
        active = self.days_left > 0
        seek = np.asarray(mech.crisis_talks, F32)  # type: ignore[attr-defined]
        calls = np.asarray(mech.leader_calls, F32)  # type: ignore[attr-defined]
        sought = active & (u_seek < seek)
        called = active & ~sought & (u_seek < 1 - (1 - seek) * (1 - calls))
        accept = rules.talks_acceptance(restraint, mediation)
        talks = (sought | called) & (u_accept < accept)
        if talks.any():
            keep = F32(1) - np.where(talks, np.asarray(mech.withdrawal, F32), 0)  # type: ignore[attr-defined]
            for a in (*postures, *threats):
                a *= keep
        self.days_left = np.where(talks, 0, np.maximum(self.days_left - active, 0)).astype(np.int16)
        return talks, called
