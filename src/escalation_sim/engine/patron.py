"""Moscow, the patron: its restraint of Minsk is a decision that weighs risk (eqs. 20a-20c).

Moscow does not want to be dragged into a clash with NATO (its stake) but gains from
Minsk's confrontation with the West, which makes Minsk depend on it (its interest).
Each day it reviews Minsk's moves of rung 3 or above: the more a move raises the risk
of a clash at that NATO border within its horizon, against what the confrontation is
worth to it, the likelier it talks Minsk down. After an armed incident it mediates:
it presses Minsk to pull forces back from that border and to calm down, as hard as
the risk it now sees is worth. It also cushions sanctions pain.
"""

from __future__ import annotations

import mesa
import numpy as np

from escalation_sim.engine import rules
from escalation_sim.engine.agents import Instigator
from escalation_sim.engine.rules import F32
from escalation_sim.engine.state import AgentModel, InstigatorMoves


class Patron(mesa.Agent):
    """Moscow: restrains Minsk as far as the risk of being dragged in outweighs its interest."""

    model: AgentModel

    def __init__(self, model: AgentModel, name: str, instigator: Instigator) -> None:
        super().__init__(model)
        self.name = name
        self.instigator = instigator
        self.pressure = np.zeros((model.F, model.R), F32)  # eq. 20b at each border today
        self.mediated = np.zeros((model.F, model.R), bool)  # mediated after an incident today

    def step(self) -> None:
        """Mesa step (ODD step 3): review the instigator's moves of today."""
        self.review(self.model.moves, self.model.u["patron"])

    def isolation(self, cols: slice | np.ndarray = slice(None)) -> np.ndarray:
        """How isolated sanctions have made Minsk: packages in force / the sanctioners' room."""
        level = self.model.sanc.level[:, cols].sum(axis=0)
        if "max_packages" not in self.model.sanc_params:  # no sanctioners: not isolated
            return np.zeros(level.shape, F32)
        room = np.asarray(self.model.sanc_params["max_packages"], F32).sum(axis=0)
        room = room[cols] if room.ndim and room.shape[-1] == self.model.R else room
        return np.clip(level / np.maximum(room, 1), 0, 1).astype(F32)

    def restraint(
        self, posture_m: np.ndarray, cols: slice | np.ndarray = slice(None)
    ) -> np.ndarray:
        """How hard it restrains at each border (eq. 20b) with Minsk's posture ``posture_m``.

        ``cols`` selects replications (``posture_m`` is already restricted to them).
        """
        mech, m, front = self.model.mechanisms, self.model, self.model.front
        hostility = F32(0.5) * (self.instigator.threat[:, cols] + front.threat[:, cols])
        at_line = np.minimum(posture_m + m.schedule.exercise_posture[m.day], 1)
        risk = rules.patron_risk(
            _cols(mech.incident_hazard, cols),
            at_line,
            front.posture[:, cols],
            hostility,
            _cols(mech.patron_horizon, cols),
        )
        return rules.patron_restraint(
            _cols(mech.patron_restraint, cols),
            risk,
            _cols(mech.patron_interest, cols),
            self.isolation(cols),
        )

    def review(self, moves: InstigatorMoves, u: np.ndarray) -> None:
        """Talk the instigator down from a rung-3+ move with probability eq. 20b.

        The risk is the one the move would create: Minsk's posture raised by one step.
        """
        inst, mech = self.instigator, self.model.mechanisms
        self.pressure = self.restraint(np.minimum(inst.posture + mech.posture_step, 1))
        stop = (moves.rung >= 3) & (u < self.pressure)
        moves.rung[stop] = 1
        moves.restrained[:] = stop

    def mediate(self, armed: np.ndarray) -> None:
        """After an exchange of fire, press for a pull-back as hard as the risk now warrants.

        At each border with an armed incident Minsk's posture there and its threat from
        that neighbour fall by the share eq. 20b gives at today's posture (eq. 20c).
        """
        inst = self.instigator
        self.mediated = np.zeros_like(armed)
        if not armed.any():
            return
        cols = np.flatnonzero(armed.any(axis=0))  # few replications: weigh only those
        press = np.where(armed[:, cols], self.restraint(inst.posture[:, cols], cols), 0)
        self.mediated[:, cols] = press > 0  # no stake, no risk: no mediation
        inst.posture[:, cols] *= 1 - press
        inst.threat[:, cols] *= 1 - press

    def cushion(self) -> float | np.ndarray:
        """Share of sanctions pain its economic support absorbs."""
        return self.model.mechanisms.patron_cushion


def _cols(value: float | np.ndarray, cols: slice | np.ndarray) -> float | np.ndarray:
    """A parameter for the selected replications: scalars as they are, (R,) arrays indexed."""
    return value[..., cols] if isinstance(value, np.ndarray) and value.ndim else value
