"""The day's schedule: one Mesa model advancing R replications in lockstep.

Owns :class:`EscalationModel`: its set-up, the day's draw of uniforms, the nine steps
of the ODD's process overview (one method each, called in order by ``step``) and what
a day adds to the records. The arithmetic is in ``rules``, decisions in ``agents``,
state types in ``state``, the event log's rows in ``eventlog``, outcome frames in ``outputs``.

``EscalationModel`` is built from a typed :class:`~escalation_sim.config.scenario.Scenario`
and seeds; it never reads files, prints or writes. Every agent state variable
is a numpy array whose last axis is the replication; every parameter may be
a scalar or a per-replication array (``overrides``), so a sweep can batch many
design points into one model.

Randomness: replications are grouped in blocks of at most ``BLOCK_SIZE``, each
with a recorded integer seed. Day ``d`` of a block draws from a fresh generator
seeded with ``SeedSequence(block_seed, spawn_key=(d,))``, one row of uniforms per
replication, so replication ``j`` reads the first ``j + 1`` rows: its numbers
depend only on the block seed, the day and ``j``, never on how many other
replications or blocks share the model, and a small block draws only what it uses.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from escalation_sim.config import ladder
from escalation_sim.config.scenario import Scenario
from escalation_sim.engine import rules
from escalation_sim.engine.agents import Frontline, Instigator, Sanctioner
from escalation_sim.engine.crisis import Crisis, CrisisDay
from escalation_sim.engine.eventlog import LastSeen, kept_view, log_day
from escalation_sim.engine.outputs import runs_frame, series_frame, traces_frame
from escalation_sim.engine.patron import Patron
from escalation_sim.engine.randomness import (
    Block,
    DayUniforms,
    SeedLike,
    model_blocks,
)
from escalation_sim.engine.records import (
    BORDER_COUNTS,
    SERIES_NAMES,
    DailySummary,
    EventLog,
    WindowSeries,
    add_goldstein,
    add_outcomes,
    empty_totals,
)
from escalation_sim.engine.reporters import MODEL_REPORTERS
from escalation_sim.engine.result import ModelResult
from escalation_sim.engine.route import Route
from escalation_sim.engine.rules import F32
from escalation_sim.engine.state import (
    FrontlinePerception,
    FrontState,
    Incidents,
    InstigatorMoves,
    InstigatorPerception,
    MigrationFlow,
    SanctionsDue,
    SanctionState,
    Today,
    _actor_params,
    _mechanisms,
    build_schedule,
    check_overrides,
    rung_per_border,
)
from escalation_sim.io.flat import resolve_scenario, with_parameters


class EscalationModel(mesa.Model):
    """R replications of one scenario, advanced in lockstep one day at a time.

    A Mesa model like any other: ``EscalationModel(rng=3).run_model()``,
    ``mesa.batch_run(EscalationModel, parameters={"hostile_bias": [0.2, 0.8]}, rng=[1, 2])``;
    ``datacollector`` records the share of replications with each outcome so far, daily.

    Args:
        scenario: a Scenario, a scenario file, or a shipped scenario's name
            (default ``august_2021``).
        replications: number of replications advanced in lockstep (used with ``rng``).
        seed: the same as ``rng`` (the project's name for it).
        rng: Mesa's random source. An integer is the master seed itself (block ``b`` gets
            :func:`block_seed` ``(seed, b)``), so ``rng=3`` is ``run --seed 3``; anything
            else (None, a Generator) seeds ``model.rng``, which draws the master seed.
            The master seed is kept as ``seed``.
        blocks: explicit blocks (seeds and sizes) instead of ``replications``/``seed``.
        overrides: per-replication parameter arrays by dotted path
            (see :func:`~escalation_sim.config.scenario.parameter_fields`).
        keep_traces: keep daily traces and the event log of the first this many
            replications of this model.
        replication_offset: index of this model's first replication in a larger run.
        groups: sizes of consecutive replication groups (e.g. design points of a
            sweep) that get a daily summary each; default one group.
        keep: positions (within this model) of the replications whose traces and
            event log to keep, instead of the first ``keep_traces``; lets one late
            replication of a block be told without logging all those before it.
        **parameters: flat keyword parameters (``hostile_bias=0.8``,
            ``Lithuania__pushback=0.9``; see :mod:`escalation_sim.io.flat`).

    Attributes:
        mechanisms: the mechanisms' parameters, each a scalar or an (R,) array.
        front_params, sanc_params: per-actor parameters, (F, 1 or R) and (S, 1 or R).
        front, sanc: the frontline states' and sanctioners' shared state arrays.
        schedule: the scenario's events as per-day arrays.
        totals: the run's accumulators, one value (or row) per replication.

    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        replications: int = 1,
        seed: SeedLike | None = None,
        *,
        rng: SeedLike | None = None,
        blocks: Sequence[Block] | None = None,
        overrides: Mapping[str, Any] | None = None,
        keep_traces: int = 0,
        replication_offset: int = 0,
        groups: Sequence[int] | None = None,
        keep: Sequence[int] | None = None,
        record_series: bool = False,
        **parameters: Any,
    ) -> None:
        if seed is not None and rng is not None:
            raise ValueError("give rng or seed (the same thing), not both")
        source = rng if rng is not None else seed
        # Chunks of a run and sweep tasks come with their blocks: seed Mesa with the first.
        super().__init__(rng=blocks[0].seed if source is None and blocks else source)
        self.seed, self.blocks = model_blocks(source, self.rng, replications, blocks)
        scenario = with_parameters(resolve_scenario(scenario), parameters)
        self.config = scenario
        self.R = sum(b.size for b in self.blocks)
        overrides = dict(overrides or {})
        check_overrides(scenario, overrides)
        self.offset = replication_offset
        self._init_groups(groups)
        self._init_kept(keep, keep_traces)
        self._init_agents(scenario, overrides)
        self._init_state()
        self._init_slots()
        self._init_records(record_series)
        self.datacollector = mesa.DataCollector(model_reporters=dict(MODEL_REPORTERS))
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ set-up
    def _init_groups(self, groups: Sequence[int] | None) -> None:
        """Consecutive replication groups that get a daily summary each."""
        sizes = list(groups) if groups is not None else [self.R]
        if sum(sizes) != self.R or any(n < 1 for n in sizes):
            raise ValueError(f"group sizes must be positive and add up to {self.R}")
        bounds = np.cumsum([0, *sizes])
        self._group_slices = [slice(a, b) for a, b in itertools.pairwise(bounds)]

    def _init_kept(self, keep: Sequence[int] | None, keep_traces: int) -> None:
        """The replications whose traces and event log are kept: positions, labels."""
        R = self.R
        if keep is not None:
            positions = np.unique(np.asarray(keep, dtype=np.int64))
            if positions.size and (positions[0] < 0 or positions[-1] >= R):
                raise ValueError(f"keep positions must lie in 0 .. {R - 1}")
        else:
            positions = np.arange(max(0, min(keep_traces, R)))
        self.keep = int(positions.size)
        # A slice when the kept replications are the first ones (cheap views), else indices.
        self._kept: slice | np.ndarray = (
            slice(0, self.keep) if np.array_equal(positions, np.arange(self.keep)) else positions
        )
        self._kept_labels = positions + self.offset

    def _init_agents(self, sc: Scenario, overrides: Mapping[str, Any]) -> None:
        """Parameters per replication, the schedule of events, and one agent per actor."""
        R = self.R
        self.mechanisms = _mechanisms(sc, overrides, R)
        frontline, sanctioners = sc.actors_of("frontline"), sc.actors_of("sanctioner")
        self.F, self.S = len(frontline), len(sanctioners)
        self.dyads = [a.name for a in frontline]
        self.sanctioner_names = [a.name for a in sanctioners]
        self.front_params = _actor_params(frontline, overrides, R)
        self.sanc_params = _actor_params(sanctioners, overrides, R)
        (inst_cfg,) = sc.actors_of("instigator")
        inst_params = {k: v[0] for k, v in _actor_params([inst_cfg], overrides, R).items()}
        self.schedule = build_schedule(sc)
        self.day = 0

        # Agents: one per actor, in file order of roles.
        self.instigator = Instigator(self, inst_cfg.name, inst_params)
        self.frontline = [Frontline(self, a.name, i) for i, a in enumerate(frontline)]
        self.sanctioners = [Sanctioner(self, a.name, i) for i, a in enumerate(sanctioners)]
        patrons = sc.actors_of("patron")
        self.patron = Patron(self, patrons[0].name, self.instigator) if patrons else None

    def _init_state(self) -> None:
        """The frontline states' and sanctioners' shared arrays at day 0."""
        F, S, R = self.F, self.S, self.R
        fp, sp = self.front_params, self.sanc_params
        self.front = FrontState(
            posture=np.broadcast_to(fp["posture"], (F, R)).astype(F32),
            threat=np.broadcast_to(fp["threat"], (F, R)).astype(F32),
            pressure=np.zeros((F, R), F32),
            stranded=np.zeros((F, R), F32),
            unanswered=np.zeros((F, R), F32),
        )
        self.instigator.threat[:] = self.front.threat  # mutual: both sides start equally wary
        self.sanc = SanctionState(
            level=np.broadcast_to(sp["level"], (S, R)).astype(np.int32)
            if S
            else np.zeros((0, R), np.int32),
            hostility=np.zeros((S, R), F32),
            # No easing in the first cadence: the packages in force are recent and the
            # smoothed hostility starts at the relief line (neither calm nor hostile).
            ema=np.broadcast_to(Sanctioner.relief_line(sp), (S, R)).astype(F32)
            if S
            else np.zeros((0, R), F32),
            pending=np.full((S, R), -1, np.int32),
            last_change=np.zeros((S, R), np.int32),
            last_decision=np.full((S, R), -10_000, np.int32),
        )
        self.last_armed = np.full((F, R), -10_000, np.int32)
        self.crisis = Crisis(F, R)
        self.route = Route(self)  # the migrant route's stocks and split (ODD 7.9)

    def _init_slots(self) -> None:
        """The day's uniforms by purpose (ODD 4.9): per border, per sanctioner, one row."""
        self._uniform = DayUniforms(self.blocks, self.F, self.S)
        self._slots = self._uniform.slots

    def _draw(self) -> dict[str, np.ndarray]:
        """Today's uniforms by slot, each (rows, R) (``DayUniforms.draw``)."""
        return self._uniform.draw(self.day)

    # ------------------------------------------------------------------ records
    def _init_records(self, record_series: bool = False) -> None:
        F, R, K, days = self.F, self.R, self.keep, self.config.days
        self.totals = empty_totals(F, R)
        self.daily_by_group = [
            DailySummary.empty(self.config.start, self.dyads, days) for _ in self._group_slices
        ]
        self.forecast_day = self.config.forecast_day
        self.window = (
            WindowSeries.empty(self.forecast_day, F, self.S, R) if self.forecast_day else None
        )
        # the same series over the forecast days, per replication (what `score` compares)
        ahead = days - self.forecast_day
        self.series = WindowSeries.empty(ahead, F, self.S, R) if record_series else None
        self.trace_values = np.zeros((days, len(SERIES_NAMES), K), F32)
        self.trace_rungs = np.zeros((days, F, K), np.int8)
        self.trace_border = np.zeros((days, len(BORDER_COUNTS), F, K), F32)
        self.log = EventLog()

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day: the nine steps of the ODD's process overview (section 3), in order."""
        u = self._draw()
        due = self._sanctions_fall_due()
        flow = self._instrumentalised_migration(u)
        moves, rung_f = self._decisions(u)
        incidents = self._incidents(u, moves, rung_f)
        by_front = self._frontline_perception(u, moves, incidents, flow)
        by_inst = self._instigator_perception(u, rung_f, flow, incidents, due)
        level_total = self._war_atmosphere()
        crisis = self._crisis_arc_and_relaxation(u, incidents)
        self._records(moves, rung_f, due, flow, incidents, by_front, by_inst, level_total, crisis)
        self.day += 1
        self.running = self.day < self.config.days  # Mesa's run_model stops at the horizon
        self.datacollector.collect(self)

    def _sanctions_fall_due(self) -> SanctionsDue:
        """Step 1: packages whose lag ends today, scheduled rounds; easing without the ratchet."""
        new = np.zeros((self.S, self.R), np.int16)  # each sanctioner's step fills its row
        eased = np.zeros((self.S, self.R), np.int16)
        self.due_today = (new, eased)
        if self.S:
            self.agents_by_type[Sanctioner].do("step")
        return SanctionsDue(new, eased, new.sum(axis=0), eased.sum(axis=0))

    def _instrumentalised_migration(self, u: dict[str, np.ndarray]) -> MigrationFlow:
        """Step 2: the migrant route's day (``route``): flows, pushbacks, stranded, deaths."""
        return self.route.step(u, self.day)

    def _decisions(self, u: dict[str, np.ndarray]) -> tuple[InstigatorMoves, np.ndarray]:
        """Step 3: simultaneous decisions on yesterday's perceptions; rung >= 3 raises posture.

        Returns the instigator's moves and the frontline answers, (F, R) rungs.
        """
        mech, inst, front = self.mechanisms, self.instigator, self.front
        if self.keep:  # what each side perceived yesterday, for the event log's "why"
            self._last_seen = LastSeen(
                inst.unanswered[:, self._kept].copy(), front.unanswered[:, self._kept].copy()
            )
        # The agents' steps, through Mesa's AgentSets: the instigator moves, its patron
        # reviews the move, every frontline state answers at its own border.
        self.u = u
        self.rung_f = np.zeros((self.F, self.R), np.int8)
        self.agents_by_type[Instigator].do("step")
        if self.patron is not None:
            self.agents_by_type[Patron].do("step")
        self.agents_by_type[Frontline].do("step")
        moves, rung_f = self.moves, self.rung_f
        # A rung-3 move is a new deployment only where that side's forces were not yet militarised
        self._deploy = (
            inst.posture < mech.militarised_posture,
            front.posture < mech.militarised_posture,
        )
        inst.posture = np.minimum(inst.posture + mech.posture_step * (moves.rung >= 3), 1)
        front.posture = np.minimum(front.posture + mech.posture_step * (rung_f >= 3), 1)
        self.route.after_decisions(moves.rung, rung_f)
        return moves, rung_f

    def _incidents(
        self, u: dict[str, np.ndarray], moves: InstigatorMoves, rung_f: np.ndarray
    ) -> Incidents:
        """Step 4: ambiguous incidents and their attribution; the clash hazard and clashes."""
        d, mech, inst, front = self.day, self.mechanisms, self.instigator, self.front
        blame_p = rules.attribution_probability(inst.reputation, mech.benefit_of_doubt)
        amb_bg = u["amb"] < mech.ambiguous_rate
        blamed_bg = amb_bg & (u["att_bg"] < blame_p)
        blamed_cov = moves.covert & (u["att_cov"] < blame_p)
        posture_m = np.minimum(inst.posture + self.schedule.exercise_posture[d], 1)  # at the line
        posture_f = front.posture
        hostility = F32(0.5) * (inst.threat + front.threat)
        scale = mech.incident_hazard * self.route.friction  # stranded people add friction
        p_clash = rules.clash_probability(scale, posture_m, posture_f, hostility)
        clash = u["clash"] < p_clash
        armed = clash & (u["armed"] < rules.armed_probability(mech.armed_escalation, hostility))
        if np.max(mech.max_deliberate_rung) >= 4:  # counterfactual only: force chosen on purpose
            chosen = np.maximum(moves.rung, rung_f)
            clash |= chosen >= 4
            armed |= chosen >= 5
        conflict = armed & (d - self.last_armed <= mech.conflict_window)
        self.last_armed[armed] = d
        clash_rung = np.where(conflict, 6, np.where(armed, 5, np.where(clash, 4, 0))).astype(
            np.int8
        )
        blamed_clash = clash & (u["att_clash"] < blame_p)
        inst.posture = np.minimum(inst.posture + mech.posture_step * clash, 1)
        front.posture = np.minimum(front.posture + mech.posture_step * clash, 1)
        if self.patron is not None:
            self.patron.mediate(armed)
        self.route.after_incidents(armed)
        return Incidents(
            amb_bg=amb_bg,
            blamed_bg=blamed_bg,
            blamed_cov=blamed_cov,
            posture_m=posture_m,
            posture_f=posture_f,
            hostility=hostility,
            p_any=1 - np.prod(1 - p_clash, axis=0),
            clash=clash,
            armed=armed,
            conflict=conflict,
            clash_rung=clash_rung,
            blamed_clash=blamed_clash,
        )

    def _frontline_perception(
        self, u: dict[str, np.ndarray], moves: InstigatorMoves, inc: Incidents, flow: MigrationFlow
    ) -> FrontlinePerception:
        """Step 5: the frontline reads the instigator's day; sanctioners and reputation follow."""
        d, mech, inst, front = self.day, self.mechanisms, self.instigator, self.front
        bias, noise = mech.hostile_bias, mech.perception_noise
        seen_move = rules.perceive_where(moves.rung > 0, moves.rung, u["pf_move"], bias, noise)
        seen_gesture = rules.perceive(0, u["pf_gesture"], bias, noise)
        gesture_hostile = moves.gesture & (seen_gesture >= 0.5)
        gesture_kind = moves.gesture & ~gesture_hostile
        seen_amb = rules.perceive_where(inc.blamed_bg | inc.blamed_cov, 2, u["pf_amb"], bias, noise)
        # Every clash is perceived; one not blamed on the instigator is hostile from an
        # unknown author: it raises threat but is neither attributed nor answered (7.11).
        seen_clash_f = rules.perceive_where(inc.clash, inc.clash_rung, u["pf_clash"], bias, noise)
        parts = (
            rules.hostile_only(seen_move),
            np.where(gesture_hostile, seen_gesture, 0),
            rules.hostile_only(seen_amb),
            rules.hostile_only(np.where(inc.blamed_clash, seen_clash_f, 0)),
        )
        sum_f = parts[0] + parts[1] + parts[2] + parts[3]
        max_f = np.maximum(np.maximum(parts[0], parts[1]), np.maximum(parts[2], parts[3]))
        unknown = rules.hostile_only(np.where(inc.blamed_clash, 0, seen_clash_f))
        front.threat = rules.update_threat(
            front.threat, sum_f + unknown, gesture_kind, mech.threat_gain, mech.threat_decay
        )
        if self.schedule.exercise_threat[d] > 0:  # fears that the exercise covers an attack
            front.threat = np.minimum(front.threat + self.schedule.exercise_threat[d], 1)
            max_f = np.maximum(max_f, 3)
        front.unanswered = max_f.astype(F32)
        attributed = sum_f.sum(axis=0) / ladder.MAX_RUNG + flow.death_hostility
        if self.S:
            Sanctioner.attribute_and_decide(self, d, attributed)
        inst.reputation = rules.update_reputation(
            inst.reputation,
            attributed,
            gesture_kind.mean(axis=0),  # share of neighbours that read it kindly
            mech.reputation_gain,
            mech.reputation_loss,
            attributed == 0,  # a calm day: observed restraint
            mech.reputation_repair,
        )
        return FrontlinePerception(seen_move, seen_gesture, seen_amb, seen_clash_f)

    def _instigator_perception(
        self,
        u: dict[str, np.ndarray],
        rung_f: np.ndarray,
        flow: MigrationFlow,
        inc: Incidents,
        due: SanctionsDue,
    ) -> InstigatorPerception:
        """Step 6: the instigator reads its neighbours' and sanctioners' day; counter-sanctions."""
        mech, inst = self.mechanisms, self.instigator
        bias, noise = mech.hostile_bias, mech.perception_noise
        seen_f = rules.perceive_where(rung_f > 0, rung_f, u["pm_move"], bias, noise)
        seen_pb = rules.perceive_where(flow.pb_incident, 2, u["pm_pushback"], bias, noise)
        seen_clash_m = rules.perceive_where(inc.clash, inc.clash_rung, u["pm_clash"], bias, noise)
        seen_s = rules.perceive_where(due.new > 0, 2, u["pm_sanctions"], bias, noise)
        seen_s = rules.hostile_only(seen_s).max(axis=0, initial=0)[None, :]
        parts = (
            rules.hostile_only(seen_f),
            rules.hostile_only(seen_pb),
            rules.hostile_only(seen_clash_m),
        )
        # A death its side blames on the neighbour is an accusation against it (face value).
        accused = (flow.death & ~flow.death_blamed) * mech.migration.death_blame
        sum_m = parts[0] + parts[1] + parts[2] + seen_s + accused
        max_m = np.maximum(np.maximum(parts[0], parts[1]), np.maximum(parts[2], seen_s))
        inst.perceive(sum_m, max_m.astype(F32), np.broadcast_to(due.eased_r > 0, sum_m.shape))
        counter = (due.new > 0) & (u["counter"] < mech.retaliation)
        if self.S:
            Sanctioner.note_counter_sanctions(self, counter)
        inst.react_to_sanctions(due.new_r, due.eased_r)
        inst.learn(due.new_r, due.eased_r, inc)
        return InstigatorPerception(seen_f, seen_pb, seen_clash_m, seen_s, counter)

    def _war_atmosphere(self) -> np.ndarray:
        """Step 7: threat rallies support, sanctions pain erodes it; returns packages in force."""
        cushion = self.patron.cushion() if self.patron is not None else 0.0
        level_total = self.sanc.level.sum(axis=0)  # changes only in step 1
        weighted = (self.sanc.level * self.sanc_params["pain"]).sum(axis=0) if self.S else 0
        pain = rules.sanctions_pain(weighted, self.mechanisms.pain_per_package, cushion)
        self.instigator.update_domestic(pain)
        return level_total

    def _crisis_arc_and_relaxation(self, u: dict[str, np.ndarray], inc: Incidents) -> CrisisDay:
        """Step 8: crisis talks and withdrawal (7.11); forces relax towards their baselines."""
        mech, inst, front = self.mechanisms, self.instigator, self.front
        crisis = self.crisis.day(u, inc.clash, mech, inst, front, self.patron)
        inst.posture = rules.relax_posture(inst.posture, inst.params["posture"], mech.posture_decay)
        pressure = mech.migration.posture_pressure * front.pressure
        base_f = np.minimum(self.front_params["posture"] + pressure, 1)
        front.posture = rules.relax_posture(front.posture, base_f, mech.posture_decay)
        return crisis

    def _records(
        self,
        moves: InstigatorMoves,
        rung_f: np.ndarray,
        due: SanctionsDue,
        flow: MigrationFlow,
        inc: Incidents,
        by_front: FrontlinePerception,
        by_inst: InstigatorPerception,
        level_total: np.ndarray,
        crisis: CrisisDay,
    ) -> None:
        """Step 9: today's rung per border; accumulators, daily summaries, traces and log."""
        # The phases' outputs in one record of the day, with the rung at each border.
        t = Today(
            rung=rung_per_border(moves, rung_f, flow, inc, self.mechanisms.militarised_posture),
            moves=moves,
            rung_f=rung_f,
            level_total=level_total,
            deploy_m=self._deploy[0],
            deploy_f=self._deploy[1],
            **vars(due),
            **vars(flow),
            **vars(inc),
            **vars(by_front),
            **vars(by_inst),
            **vars(crisis),
        )
        d, tot = self.day, self.totals
        overall = t.rung.max(axis=0)
        stranded = self.front.stranded.sum(axis=0)
        tension = t.hostility.mean(axis=0)
        if d >= self.forecast_day:  # outcomes count from the forecast date
            add_outcomes(self.totals, t, overall, d)
            self.route.add_outcomes(self.totals, t, d)
            add_goldstein(self.totals, t)
            tot.tension_sum += tension
            if self.series is not None:
                self.series.add_day(d - self.forecast_day, t.entered, t.pushed, t.new, t.armed)
        elif self.window is not None:  # the calibration window: what observations compare with
            self.window.add_day(d, t.entered, t.pushed, t.new, t.armed)
        inst = self.instigator
        values = np.stack(
            [
                tension,
                t.p_any,
                t.level_total.astype(F32),
                tot.arrivals.sum(axis=0),
                stranded,
                inst.reputation,
                inst.support,
                t.posture_f.mean(axis=0),
                t.posture_m.mean(axis=0),
                inst.valve,
                self.route.in_belarus,
                t.attempts.sum(axis=0),
                self.route.cut,
            ]
        ).astype(F32)
        rungs = np.vstack([overall[None, :], t.rung])
        counts = np.stack([t.attempts, t.pushed, t.entered, self.front.stranded])  # (4, F, R)
        for daily, g in zip(self.daily_by_group, self._group_slices, strict=True):
            daily.add_day(d, rungs[:, g], values[:, g], counts[..., g])
        if self.keep:
            self.trace_values[d] = values[:, self._kept]
            self.trace_border[d] = counts[..., self._kept]
            self.trace_rungs[d] = t.rung[:, self._kept]
            self._log_day(d, t)

    def _log_day(self, d: int, t: Today) -> None:
        """Event-log rows of the kept replications (the table in ``eventlog``)."""
        log_day(
            self.log,
            d,
            kept_view(t, self._kept),  # the kept replications only, positions 0..K-1
            self._kept_labels,
            self._last_seen,
            self.schedule.notes.get(d, []),
            {
                "instigator": self.instigator.name,
                "patron": self.patron.name if self.patron is not None else "patron",
            },
            self.dyads,
            self.sanctioner_names,
        )

    # ------------------------------------------------------------------ run & results
    def run(self) -> EscalationModel:
        """Advance all replications to the horizon."""
        while self.day < self.config.days:
            self.step()
        return self

    def result(self) -> ModelResult:
        """Per-replication outcomes, daily summary, kept traces and event log."""
        traces = None
        if self.keep:
            traces = traces_frame(
                self.trace_values,
                self.trace_rungs,
                self.trace_border,
                self._kept_labels,
                self.dyads,
                self.config.start,
            )
        return ModelResult(
            runs=runs_frame(self),
            daily=functools.reduce(DailySummary.merge, self.daily_by_group),
            daily_by_group=self.daily_by_group,
            traces=traces,
            events=self.log.to_frame(self.config.start),
            window=self.window,
            series=None if self.series is None else series_frame(self),
        )
