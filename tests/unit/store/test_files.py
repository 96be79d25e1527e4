"""Issue 15.6: atomic writes never replace a link, a device, a pipe, a socket or a folder."""

from __future__ import annotations

import os
import socket
import stat

import pandas as pd
import pytest

from escalation_sim.cli import main
from escalation_sim.io.errors import InputError
from escalation_sim.store.files import atomic_write_bytes, atomic_write_parquet
from tests.conftest import FIXTURE_RESULTS


def test_a_symbolic_link_is_written_through_not_replaced(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "dangling.parquet"
    dangling.symlink_to(tmp_path / "target.parquet")
    atomic_write_parquet(dangling, pd.DataFrame({"a": [1]}))
    assert dangling.is_symlink() and len(pd.read_parquet(tmp_path / "target.parquet")) == 1


def test_a_socket_or_a_folder_is_refused_and_left_alone(tmp_path):
    sock_path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(InputError, match="not a regular file"):
            atomic_write_bytes(sock_path, b"x")
        assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    with pytest.raises(InputError, match="is a folder"):
        atomic_write_bytes(tmp_path, b"x")


def test_a_pipe_is_written_through(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        atomic_write_bytes(fifo, b"through")
        assert os.read(reader, 100) == b"through"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_report_and_csv_outputs_through_the_command_line(tmp_path, capsys):
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "report.html"
    link.symlink_to(real)
    run_dir = FIXTURE_RESULTS / "run"
    assert main(["report", str(run_dir), "--out", str(link)]) == 0
    assert link.is_symlink() and real.read_text().startswith("<!DOCTYPE html>")
    capsys.readouterr()
    assert main(["report", str(run_dir), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"error: {tmp_path}: is a folder" in err and err.count("\n") == 1
    sobol = FIXTURE_RESULTS / "sobol"
    args = ["analyze", str(sobol), "--resamples", "10", "--outcome", "armed_incident"]
    assert main([*args, "--csv", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-4] == "parameter,S1,S1_conf,ST,ST_conf,outcome,method"
    assert not (tmp_path / "-").exists() and not os.path.exists("-")
