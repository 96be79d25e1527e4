"""Properties that must hold for any valid input (hypothesis, small example counts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation_sim import cli
from escalation_sim.engine import route_rules, rules
from escalation_sim.engine.model import EscalationModel
from tests.support import BASE, with_changes

unit = st.floats(0, 1, allow_nan=False, width=32)
pos = st.floats(0, 5, allow_nan=False, width=32)
arrays = st.lists(unit, min_size=1, max_size=20).map(lambda x: np.array(x, np.float32))
FAST = settings(max_examples=25, deadline=None)


def in_unit(x) -> bool:
    x = np.asarray(x)
    return bool(np.all((x >= 0) & (x <= 1)) and np.all(np.isfinite(x)))


@FAST
@given(arrays, unit, unit, unit, unit, pos, unit)
def test_probabilities_stay_in_unit_interval(a, b, c, d, e, scale, f):
    assert in_unit(rules.attribution_probability(a, b))
    assert in_unit(rules.restraint(c, a, e))
    assert in_unit(rules.contingency(*rules.update_belief(a, b, scale, scale, c, 1 + scale, d)))
    assert in_unit(rules.provocation_probability(c, a, e, d))
    assert in_unit(rules.clash_probability(scale, a, b, c))
    assert in_unit(rules.armed_probability(b, a))
    assert in_unit(route_rules.pushback_rate(a, scale, c, d))
    assert in_unit(rules.update_threat(a, scale * 6, d, c, e))
    assert in_unit(rules.update_support(a, b, c, d, e, f))
    assert in_unit(rules.update_reputation(a, scale, scale, c, d))
    assert in_unit(route_rules.force_probability(a * 1000, 1 + scale, 1 + scale))
    assert in_unit(route_rules.death_probability(a * 1000, b))
    p = rules.perceive(a * 6, b, c, scale)
    assert np.all((p >= 0) & (p <= 6))


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bias=unit, noise=st.floats(0, 3, width=32), retaliation=unit, seed=st.integers(0, 2**31))
def test_ratchet_never_falls(base, bias, noise, retaliation, seed):
    sc = with_changes(
        base,
        hostile_bias=float(bias),
        perception_noise=float(noise),
        retaliation=float(retaliation),
    )
    m = EscalationModel(sc, replications=20, seed=seed, keep_traces=20)
    previous = m.sanc.level.copy()
    for _ in range(sc.days):
        m.step()
        assert (m.sanc.level >= previous).all()
        previous = m.sanc.level.copy()


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(small=st.integers(1, 30), extra=st.integers(1, 200), seed=st.integers(0, 2**31))
def test_replications_independent_of_batch_size(base, small, extra, seed):
    sc = base.model_copy(update={"days": 40})
    a = EscalationModel(sc, replications=small, seed=seed).run().result().runs
    b = EscalationModel(sc, replications=small + extra, seed=seed).run().result().runs
    pd.testing.assert_frame_equal(a, b.iloc[:small])


BASE_DATA = yaml.safe_load(BASE.read_text())


def _paths(data, prefix=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


PATHS = list(_paths(BASE_DATA))
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(PATHS), value=junk, drop=st.booleans())
def test_bad_files_never_give_a_traceback(tmp_path_factory, capsys, path, value, drop):
    import copy

    data = copy.deepcopy(BASE_DATA)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if drop and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    f = tmp_path_factory.mktemp("bad") / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    code = cli.main(["validate", str(f)])
    _, err = capsys.readouterr()
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_random_bytes_never_give_a_traceback(tmp_path_factory, capsys, data):
    f = tmp_path_factory.mktemp("bytes") / "s.yaml"
    f.write_bytes(data)
    code = cli.main(["validate", str(f)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
