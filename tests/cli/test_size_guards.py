"""Issue 15.12: work that cannot fit is refused with the numbers, before it starts."""

from __future__ import annotations

from escalation_sim import cli
from escalation_sim.store import space
from tests.support import BASE, write_experiment


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_run_too_big_for_memory_is_refused_at_once(tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, _, err = run(["run", BASE, "-n", 10**10, "--out", out_dir], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "10,000,000,000 replications need about 13.0 TB of memory" in err
    assert "available" in err and not out_dir.exists()
    code, _, err = run(["compare", BASE, BASE, "-n", 10**10, "--out", out_dir], capsys)
    assert code == 2 and "20,000,000,000 replications need about" in err


def test_a_run_too_big_for_the_disk_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(space, "free_disk", lambda path: 1_000_000)
    code, _, err = run(["run", BASE, "-n", 100_000, "--out", tmp_path / "o"], capsys)
    assert code == 2 and "on disk" in err and "1.0 MB free" in err
    assert not (tmp_path / "o").exists()


def test_a_plan_with_too_many_tasks_is_refused_without_building_it(tmp_path, capsys):
    exp = write_experiment(tmp_path, replications=10**12)
    code, _, err = run(["plan", exp], capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"error: {exp}:" in err and "replications: 1,000,000,000,000 replications x 4" in err
    code, _, err = run(["plan", exp, "--replications", 10**11], capsys)
    assert code == 2 and "error: --replications: 100,000,000,000 replications" in err


def test_plan_warns_and_sweep_refuses_when_the_disk_is_too_small(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(space, "free_disk", lambda path: 10_000)
    exp = write_experiment(tmp_path)
    code, out, err = run(["plan", exp], capsys)
    assert code == 0 and "estimate" in out
    assert err.startswith("warning: the sweep needs about") and "10.0 kB free" in err
    out_dir = tmp_path / "sweep"
    code, _, err = run(["sweep", exp, "--workers", 0, "--out", out_dir], capsys)
    assert code == 2 and "the sweep needs about" in err and not out_dir.exists()
