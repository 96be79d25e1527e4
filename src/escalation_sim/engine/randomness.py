"""Seeds: blocks of replications, each with a recorded seed, and the day's slots of uniforms.

The day's draw is :class:`DayUniforms` (ODD section 4.9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BLOCK_SIZE = 1000

# Uniform draws per border per day, by purpose (see ODD, "Stochasticity").
DYAD_SLOTS = (
    "provoke",
    "rung",
    "retaliate",
    "covert",
    "patron",
    "respond",
    "amb",
    "att_bg",
    "att_cov",
    "clash",
    "armed",
    "att_clash",
    "pb_incident",
    "pf_move",
    "pf_gesture",
    "pf_amb",
    "pf_clash",
    "pm_move",
    "pm_pushback",
    "pm_clash",
    "z1",  # two uniforms give one standard normal (Box-Muller); row 0: the route's inflow
    "z2",
    "talks_seek",  # the crisis arc: the frontline seeks talks, the instigator accepts
    "talks_accept",
    "death",  # a humanitarian death at the border (the route)
    "death_blame",  # ... blamed on the instigator
)


def block_seed(master: int, *key: int) -> int:
    """A 63-bit integer seed for block ``key`` of master seed ``master`` (SeedSequence)."""
    a, b = np.random.SeedSequence(master, spawn_key=key).generate_state(2, np.uint32)
    return ((int(a) << 32) | int(b)) >> 1


@dataclass(frozen=True)
class Block:
    """A group of replications sharing one generator: its seed and its size."""

    seed: int
    size: int


def make_blocks(master: int, replications: int, *key: int) -> list[Block]:
    """Blocks for ``replications`` replications of master seed ``master``.

    Block ``b`` always gets the same seed and holds replications
    ``b * BLOCK_SIZE ..``, so replication ``i`` is the same whatever the total.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    n = -(-replications // BLOCK_SIZE)
    return [
        Block(block_seed(master, *key, b), min(BLOCK_SIZE, replications - b * BLOCK_SIZE))
        for b in range(n)
    ]


# Spawn-key stream of parameter draws: apart from the blocks' (b,) and sweeps' keys.
PARAMETER_STREAM = 0x9A7A_3E7E


def draw_uniforms(master: int, draws: np.ndarray, k: int) -> np.ndarray:
    """(len(draws), k) uniforms in [0, 1): row i depends only on (master, draws[i]).

    Ensembles give parameter draw ``j`` these uniforms, so a replication's parameter
    vector is the same however the replications are chunked.
    """
    out = np.empty((len(draws), k), np.float64)
    for i, j in enumerate(np.asarray(draws, np.int64)):
        state = np.random.SeedSequence(master, spawn_key=(PARAMETER_STREAM, int(j)))
        out[i] = (state.generate_state(k, np.uint64) >> np.uint64(11)) * 2.0**-53
    return out


SeedLike = int | np.integer | np.random.Generator | np.random.SeedSequence


def master_seed(source: SeedLike | None, rng: np.random.Generator) -> int:
    """The master seed of a Mesa model's ``rng=`` argument.

    An integer is the master seed itself (``rng=3`` runs as ``run --seed 3``); for
    anything else (None, a Generator, a SeedSequence) the model's own ``rng``, which
    Mesa seeded from it, draws one. Everything random then follows from the master
    seed's per-block seeds, so results do not depend on how replications are chunked.
    """
    if isinstance(source, int | np.integer) and not isinstance(source, bool):
        if source < 0:
            raise ValueError(f"a master seed must not be negative, got {source}")
        return int(source)
    return int(rng.integers(0, 2**63 - 1))


def model_blocks(
    source: SeedLike | None,
    rng: np.random.Generator,
    replications: int,
    blocks: Sequence[Block] | None = None,
) -> tuple[int | None, list[Block]]:
    """A model's master seed (None when given explicit blocks) and its checked blocks."""
    seed = None if blocks is not None else master_seed(source, rng)
    out = list(blocks) if blocks is not None else make_blocks(seed, replications)
    if any(not 1 <= b.size <= BLOCK_SIZE for b in out):
        raise ValueError(f"block sizes must be between 1 and {BLOCK_SIZE}")
    return seed, out


class DayUniforms:
    """The day's uniforms of a model's blocks, by slot (ODD 4.9).

    Per block a generator seeded with ``SeedSequence(block.seed, spawn_key=(day,))``
    gives one row of ``n`` uniforms per replication, so replication ``i`` draws the same
    numbers whatever else runs. Rows: ``DYAD_SLOTS`` per border, then per sanctioner the
    sanctions perception and counter-sanctions, then one gesture and one flight row.
    The buffers are kept for the run and rewritten every day.
    """

    def __init__(self, blocks: Sequence[Block], F: int, S: int) -> None:
        self.blocks = list(blocks)
        slots = {name: slice(i * F, (i + 1) * F) for i, name in enumerate(DYAD_SLOTS)}
        base = len(DYAD_SLOTS) * F
        slots["pm_sanctions"] = slice(base, base + S)
        slots["counter"] = slice(base + S, base + 2 * S)
        slots["gesture"] = slice(base + 2 * S, base + 2 * S + 1)
        slots["flight"] = slice(base + 2 * S + 1, base + 2 * S + 2)
        self.slots, self.n = slots, base + 2 * S + 2
        self._out: np.ndarray | None = None
        self._rows: dict[int, np.ndarray] = {}

    def draw(self, day: int) -> dict[str, np.ndarray]:
        """Day ``day``'s uniforms by slot, each (rows, R) of one (n, R) float32 array."""
        if self._out is None:
            R = sum(b.size for b in self.blocks)
            self._out = np.empty((self.n, R), np.float32)
            self._rows = {b.size: np.empty((b.size, self.n), np.float32) for b in self.blocks}
        out, start = self._out, 0
        for b in self.blocks:
            rng = np.random.default_rng(np.random.SeedSequence(b.seed, spawn_key=(day,)))
            rows = rng.random(out=self._rows[b.size], dtype=np.float32)  # a row per replication
            out[:, start : start + b.size] = rows.T
            start += b.size
        return {name: out[s] for name, s in self.slots.items()}
