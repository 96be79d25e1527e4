"""Mesa agents: they perceive, attribute and decide; ``rules`` computes.

Owns each role's decisions and perceptions. Agents read their model only through
:class:`~escalation_sim.engine.state.AgentModel`, so this module does not import
``model``.

Each agent's state variables are numpy arrays over replications (last axis).
Agents of the same role share one array with a row per actor (the frontline
states are rows of ``(F, R)`` arrays, the sanctioners of ``(S, R)``), so one
vectorised call serves them all; each agent instance also exposes its own
row as a view for the Python API.
"""

from __future__ import annotations

import mesa
import numpy as np

from escalation_sim.config import ladder
from escalation_sim.engine import rules
from escalation_sim.engine.rules import F32
from escalation_sim.engine.state import AgentModel, Incidents, InstigatorMoves


class Instigator(mesa.Agent):
    """The pariah (Minsk): holds back as far as it believes restraint spares it punishment.

    It learns from what it observes (packages and easings against its own recent
    conduct, blame for incidents it did or did not cause) how far Western
    punishment depends on its conduct; it answers every slight.
    """

    model: AgentModel

    def __init__(self, model: AgentModel, name: str, params: dict[str, np.ndarray]) -> None:
        super().__init__(model)
        self.name = name
        self.params = params
        R, F = model.R, model.F
        self.reputation = np.broadcast_to(params["reputation"], (R,)).astype(F32)
        self.support = np.broadcast_to(params["domestic_support"], (R,)).astype(F32)
        self.valve = np.broadcast_to(params["valve"], (R,)).astype(F32)
        self.posture = np.broadcast_to(params["posture"], (F, R)).astype(F32)
        self.threat = np.zeros((F, R), F32)  # perceived threat from each neighbour
        self.unanswered = np.zeros((F, R), F32)  # highest perceived rung not yet answered
        self.restraint = np.zeros(R, F32)
        mech = model.mechanisms
        prior = np.broadcast_to(mech.belief_strength * mech.belief_prior, (R,))
        self.earned = prior.astype(F32)  # evidence that punishment answers its conduct
        self.unearned = np.broadcast_to(mech.belief_strength, (R,)).astype(F32) - self.earned
        self.conduct = np.zeros(R, F32)  # its own recent hostility, 0 .. 1

    @property
    def belief(self) -> np.ndarray:
        """Believed contingency of Western punishment on its conduct (eq. 3c), per replication."""
        return rules.contingency(self.earned, self.unearned)

    def step(self) -> None:
        """Mesa step (ODD step 3): today's moves, on yesterday's perceptions."""
        self.model.moves = self.decide(self.model.u)

    # -- decide ---------------------------------------------------------------
    def decide(self, u: dict[str, np.ndarray]) -> InstigatorMoves:
        """Provoke (the less restrained the less restraint is believed to spare it), retaliate."""
        mech = self.model.mechanisms
        self.restraint = rules.restraint(
            self.params["restraint"], self.belief, mech.nothing_to_lose
        )
        urge = rules.war_urge(self.support, self.params["domestic_support"])
        p_provoke = rules.provocation_probability(
            self.params["provocation_rate"], self.restraint, mech.war_atmosphere, urge
        )
        provoked = u["provoke"] < p_provoke
        escalation = (1 - self.restraint) * self.threat
        provocation = np.where(provoked, rules.provocation_rung(u["rung"], escalation), 0)
        # No hostile act unpunished: each perceived act gets one chance of an answer.
        retaliated = (self.unanswered >= mech.answer_rung) & (u["retaliate"] < mech.retaliation)
        counter = np.where(retaliated, rules.counter_rung(self.unanswered, 6), 0)
        rung = np.minimum(np.maximum(provocation, counter), mech.max_deliberate_rung).astype(
            np.int8
        )
        self.unanswered[:] = 0
        covert = provoked & ~retaliated & (u["covert"] < mech.covert_share)
        rung[covert] = 0
        hostile = ((rung > 0) | covert).any(axis=0)  # "whether you have done something or not"
        self.conduct = rules.update_conduct(self.conduct, hostile, mech.conduct_memory)
        gesture = u["gesture"][0] < self.params["conciliation_rate"] * self.restraint
        return InstigatorMoves(rung, provoked, retaliated, covert, np.zeros_like(provoked), gesture)

    # -- perceive -------------------------------------------------------------
    def perceive(
        self, hostile_sum: np.ndarray, hostile_max: np.ndarray, conciliatory: np.ndarray
    ) -> None:
        """Read the day's moves against it; each one waits for an answer tomorrow."""
        mech = self.model.mechanisms
        self.threat = rules.update_threat(
            self.threat, hostile_sum, conciliatory, mech.threat_gain, mech.threat_decay
        )
        self.unanswered = hostile_max

    def learn(self, new_packages: np.ndarray, eased: np.ndarray, inc: Incidents) -> None:
        """Update the contingency belief from today's packages, easings and blame (eq. 3b).

        A package after its own hostility, any easing (relief is granted for restraint),
        blame for what it did and no blame for what it did not do are evidence that
        punishment answers conduct; a package after restraint and blame for an incident
        it did not cause are evidence against. (A covert act that goes unblamed is not
        read as evidence either way.)
        """
        mech, k = self.model.mechanisms, self.conduct
        not_caused = inc.amb_bg.sum(axis=0) + inc.clash.sum(axis=0)
        blamed_unearned = inc.blamed_bg.sum(axis=0) + inc.blamed_clash.sum(axis=0)
        fair = not_caused - blamed_unearned + inc.blamed_cov.sum(axis=0)
        self.earned, self.unearned = rules.update_belief(
            self.earned,
            self.unearned,
            new_packages * k + eased + fair,
            new_packages * (1 - k) + blamed_unearned,
            mech.belief_prior,
            mech.belief_strength,
            mech.belief_forgetting,
        )

    def react_to_sanctions(self, new_packages: np.ndarray, eased: np.ndarray) -> None:
        """Scale the route: open the valve for every package, close it for easings and restraint.

        ``new_packages`` and ``eased`` count packages today (R,); each package
        closes a share ``valve_response`` of the remaining gap to fully open, each easing
        closes that share of the opening; every day restraint (wanting relief) closes a share
        ``relief_closing x restraint`` of it (eq. 17b).
        """
        mig = self.model.mechanisms.migration
        keep = (1 - mig.valve_response) ** new_packages
        self.valve = (1 - (1 - self.valve) * keep).astype(F32)
        shut = (1 - mig.valve_response) ** eased * (1 - mig.relief_closing * self.restraint)
        self.valve = (self.valve * shut).astype(F32)

    def update_domestic(self, pain: np.ndarray) -> None:
        """War atmosphere: external threat rallies support; sanctions pain erodes it."""
        mech = self.model.mechanisms
        self.support = rules.update_support(
            self.support,
            self.params["domestic_support"],
            self.threat.mean(axis=0),
            pain,
            mech.war_atmosphere,
            mech.support_rate,
        )


class Frontline(mesa.Agent):
    """A neighbouring border state: pushes back, deploys, answers in kind, calls for sanctions.

    The state of all frontline states lives in ``model.front`` as (F, R)
    arrays; this agent is row ``index`` of them.
    """

    model: AgentModel

    def __init__(self, model: AgentModel, name: str, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.index = index

    @property
    def posture(self) -> np.ndarray:
        """Force posture at its border, per replication."""
        return self.model.front.posture[self.index]

    @property
    def threat(self) -> np.ndarray:
        """Perceived threat from the instigator, per replication."""
        return self.model.front.threat[self.index]

    def step(self) -> None:
        """Mesa step (ODD step 3): answer at this border; fills row ``index`` of ``rung_f``."""
        row = slice(self.index, self.index + 1)
        self.model.rung_f[row] = Frontline.respond(self.model, self.model.u, row)

    @staticmethod
    def respond(
        model: AgentModel, u: dict[str, np.ndarray], rows: slice = slice(None)
    ) -> np.ndarray:
        """Frontline states (``rows``) answer yesterday's perceived hostility (tit for tat).

        A share ``forgiveness`` of perceived hostile acts goes unanswered
        (generous tit-for-tat). Returns the (rows, R) rung of each answer.
        """
        mech, unanswered = model.mechanisms, model.front.unanswered[rows]
        answer = (unanswered >= mech.answer_rung) & (
            u["respond"][rows] < mech.frontline_response * (1 - mech.forgiveness)
        )
        rung = np.where(answer, rules.counter_rung(unanswered, 6), 0)
        unanswered[:] = 0
        return np.minimum(rung, mech.max_deliberate_rung).astype(np.int8)


class Sanctioner(mesa.Agent):
    """The EU (or another sanctioner): packages follow attributed hostility; relief if allowed.

    Relief (ratchet off) comes for attributed conduct well below its package trigger.

    Shared state in ``model.sanc`` as (S, R) arrays; this agent is row ``index``.
    """

    model: AgentModel

    def __init__(self, model: AgentModel, name: str, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.index = index

    @property
    def level(self) -> np.ndarray:
        """Sanctions packages in force, per replication."""
        return self.model.sanc.level[self.index]

    @staticmethod
    def relief_line(params: dict[str, np.ndarray]) -> np.ndarray:
        """Below this smoothed hostility it eases (ratchet off): a share of its trigger rate."""
        return rules.relief_line(params["relief_threshold"], params["threshold"], params["cadence"])

    def step(self) -> None:
        """Mesa step (ODD step 1): adopt or ease packages; fills row ``index`` of ``due_today``."""
        row = slice(self.index, self.index + 1)
        new, eased = Sanctioner.adopt_and_ease(self.model, self.model.day, row)
        self.model.due_today[0][row], self.model.due_today[1][row] = new, eased

    @staticmethod
    def adopt_and_ease(
        model: AgentModel, day: int, rows: slice = slice(None)
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sanctioners (``rows``) adopt packages that fall due today; ease one if calm.

        Easing only without the ratchet. Returns (new, eased packages), (rows, R) ints.
        """
        mech = model.mechanisms
        params = {k: v[rows] for k, v in model.sanc_params.items()}
        pending, level, last_change, ema = (
            a[rows]
            for a in (model.sanc.pending, model.sanc.level, model.sanc.last_change, model.sanc.ema)
        )  # views: changes reach the model's arrays
        due = (pending == day) | model.schedule.rounds[rows, day][:, None]
        pending[pending == day] = -1
        due &= level < params["max_packages"]  # no room left: nothing more to adopt
        level += due
        last_change[due] = day
        eased = np.zeros_like(due)
        if not np.all(mech.sanctions_ratchet):
            calm = (ema < Sanctioner.relief_line(params)) & (day - last_change >= params["cadence"])
            eased = ~np.asarray(mech.sanctions_ratchet) & calm & (level > 0) & ~due
            eased &= pending < 0
            level -= eased
            last_change[eased] = day
        return due.astype(np.int16), eased.astype(np.int16)

    @staticmethod
    def attribute_and_decide(model: AgentModel, day: int, hostility: np.ndarray) -> None:
        """Accumulate hostility attributed to the instigator; decide a package past threshold.

        ``hostility`` is today's attributed hostility (R,) as the frontline
        states report it; forgiving sanctioners discount a share of it. Each sanctioner adds
        its own trigger: ``repression_weight`` x Minsk's repression (1 - its support), eq. 10b.
        """
        mech, st, params = model.mechanisms, model.sanc, model.sanc_params
        repression = rules.repression(model.instigator.support)
        seen = hostility * (1 - mech.forgiveness) + params["repression_weight"] * repression
        st.hostility += seen
        st.ema += F32(0.1) * (seen - st.ema)
        factor = model.schedule.meeting_factor[:, day][:, None]
        meeting = model.schedule.meeting[:, day][:, None]
        ready = (day - st.last_decision >= params["cadence"]) | meeting
        room = st.level < params["max_packages"]  # at the cap there is nothing left to decide
        decide = ready & room & (st.pending < 0) & (st.hostility >= params["threshold"] * factor)
        st.pending[decide] = day + np.broadcast_to(params["lag"], decide.shape)[decide]
        st.hostility[decide] = 0
        st.last_decision[decide] = day

    @staticmethod
    def note_counter_sanctions(model: AgentModel, counter: np.ndarray) -> None:
        """Counter-sanctions against a sanctioner count as hostility it attributes (face value)."""
        rung = ladder.MOVES["counter_sanctions"].rung / ladder.MAX_RUNG
        model.sanc.hostility += counter * F32(rung) * (1 - model.mechanisms.forgiveness)
