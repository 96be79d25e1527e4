"""`escalation-sim view`: bad input is one clear line and exit status 2, before serving."""

from __future__ import annotations

import socket

import pytest

from escalation_sim.cli import main
from escalation_sim.view import serve
from tests.support import BASE


@pytest.fixture
def no_server(monkeypatch):
    """Fail the test if the command got as far as starting the server."""

    def refuse(*args, **kwargs):
        raise AssertionError("the server was started")

    monkeypatch.setattr(serve, "serve", refuse)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    return err[0]


def test_a_missing_scenario_file(no_server, capsys, tmp_path):
    assert main(["view", str(tmp_path / "nope.yaml"), "--port", "8765"]) == 2
    assert "nope.yaml" in one_error_line(capsys)


def test_a_bad_scenario_is_located(no_server, capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE.read_text().replace("hostile_bias: 0.5", "hostile_bias: 5"))
    assert main(["view", str(bad)]) == 2
    line = one_error_line(capsys)
    assert "bad.yaml" in line and "mechanisms.hostile_bias" in line


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_port_out_of_range(no_server, capsys, port):
    assert main(["view", str(BASE), "--port", port]) == 2
    assert "expected a port number in 1 .. 65535" in one_error_line(capsys)


def test_a_port_in_use(no_server, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["view", str(BASE), "--port", str(port)]) == 2
    assert f"port {port} on 127.0.0.1 is in use" in one_error_line(capsys)


def test_replications_out_of_range(no_server, capsys):
    assert main(["view", str(BASE), "-n", "5"]) == 2
    assert "--replications: expected 50 .." in one_error_line(capsys)


def test_without_the_view_extra(no_server, capsys, monkeypatch):
    real = serve.importlib.util.find_spec
    monkeypatch.setattr(
        serve.importlib.util, "find_spec", lambda name: None if name == "solara" else real(name)
    )
    assert main(["view", str(BASE)]) == 2
    assert "needs solara: pip install 'escalation-sim[view]'" in one_error_line(capsys)


def test_with_the_vue3_front_end_that_needs_a_cdn(no_server, capsys, monkeypatch):
    monkeypatch.setattr(serve.importlib.metadata, "version", lambda name: "3.1.1")
    assert main(["view", str(BASE)]) == 2
    assert "pip install 'ipyvue<3' 'ipyvuetify<3'" in one_error_line(capsys)


def test_this_installation_can_serve_the_view():
    assert serve.install_problem() is None


def test_good_input_serves_on_localhost(capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(serve, "serve", lambda *a, **k: calls.append((a, k)))
    assert main(["view", str(BASE), "--port", "8799", "-n", "200"]) == 0
    assert calls == [((BASE, 8799), {"replications": 200})]
    assert "http://127.0.0.1:8799" in capsys.readouterr().out


def test_the_server_environment_names_the_app_and_turns_telemetry_off():
    env = serve.environment(BASE, 300)
    assert env["SOLARA_APP"] == "escalation_sim.view.app"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert env["ESCALATION_SIM_VIEW_SCENARIO"] == str(BASE.resolve())
