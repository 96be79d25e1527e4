"""The plot, compare, analyze and report commands, run in-process through ``main(argv)``."""

from __future__ import annotations

import base64
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from escalation_sim.analysis.paired import recorded_differences
from escalation_sim.cli import main
from escalation_sim.store.results import load as load_results

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RESULTS = FIXTURES / "results"
SCENARIOS = FIXTURES / "scenarios"


def copy_results(kind: str, tmp_path: Path) -> Path:
    """A writable copy of a stored results fixture (report and plot write into it)."""
    out = tmp_path / kind
    shutil.copytree(RESULTS / kind, out)
    return out


class Page(HTMLParser):
    """Collects what the report test checks: images, links, section ids, open tags."""

    VOID = frozenset({"meta", "img", "br", "link", "input", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.stack: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("src") or "")
        for key in ("href", "src"):
            if a.get(key) and not a[key].startswith(("#", "data:")):
                self.urls.append(a[key])
        if a.get("id"):
            self.ids.append(a["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


# ---------------------------------------------------------------------- plot
def test_plot_draws_every_supported_figure(tmp_path: Path, capsys) -> None:
    run = copy_results("run", tmp_path)
    assert main(["plot", str(run)]) == 0
    names = sorted(p.name for p in (run / "figures").iterdir())
    assert names == ["distributions.png", "fan_chart.png", "story.png", "survival.png"]
    for p in (run / "figures").iterdir():
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "4 figures of run 'fixture_base'" in capsys.readouterr().out


def test_plot_svg_into_another_folder(tmp_path: Path) -> None:
    out = tmp_path / "figs"
    assert main(["plot", str(RESULTS / "compare"), "--out", str(out), "--format", "svg"]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert "risk.svg" in files and len(files) == 6
    assert (out / "risk.svg").read_text().lstrip().startswith("<?xml")


def test_plot_of_a_folder_without_results_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["plot", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "no manifest.json" in err and "\n" not in err
    assert main(["plot", str(tmp_path / "nope")]) == 2


# ---------------------------------------------------------------------- compare
def test_compare_detects_a_supply_cut_and_draws_overlays(tmp_path: Path, capsys) -> None:
    out = tmp_path / "cmp"
    argv = [
        "compare",
        str(SCENARIOS / "base.yaml"),
        str(SCENARIOS / "supply_cut.yaml"),
        "-n",
        "120",
        "--seed",
        "3",
        "--keep-traces",
        "2",
        "--out",
        str(out),
        "--quiet",
        "--bootstrap",
        "500",
    ]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "paired" in text and "A = fixture_base" in text and "B = fixture_supply_cut" in text
    d = pd.read_csv(out / "differences.csv").set_index("metric")
    arrivals = d.loc["arrivals"]
    # origin states cut 90% of the route from 20 August, reached with cut_lag (30 days):
    # about half as many people reach the border over the fixture's 60 days (~10,000 in A)
    assert arrivals["difference"] < -3000
    assert arrivals["high"] < 0 and bool(arrivals["detected"])
    for metric in ("armed_incident", "nonlethal_clash", "max_rung", "sanctions_packages"):
        assert d.loc[metric, "low"] <= d.loc[metric, "difference"] <= d.loc[metric, "high"]
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs.groupby("scenario").size().to_dict() == {
        "fixture_base": 120,
        "fixture_supply_cut": 120,
    }
    # Paired: both scenarios ran replication i from the same seed.
    seeds = runs.pivot(index="replication", columns="scenario", values="seed")
    assert (seeds["fixture_base"] == seeds["fixture_supply_cut"]).all()
    figures = {p.stem for p in (out / "figures").iterdir()}
    assert {"distributions", "risk", "survival", "fan_chart"} <= figures
    # The figures and the report redo the table's computation: same resamples, same seed.
    again = recorded_differences(load_results(out)).set_index("metric")
    cols = ["difference", "low", "high"]
    assert again[cols].to_numpy() == pytest.approx(d[cols].to_numpy())


def test_compare_of_a_scenario_with_itself_finds_no_difference(tmp_path: Path, capsys) -> None:
    base = str(SCENARIOS / "base.yaml")
    out = tmp_path / "self"
    argv = ["compare", base, base, "-n", "100", "--out", str(out), "--quiet", "--no-plots"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "B = fixture_base #2" in text
    d = pd.read_csv(out / "differences.csv")
    assert (d["difference"] == 0).all() and (d["low"] == 0).all() and (d["high"] == 0).all()
    assert not d["detected"].any()
    assert not (out / "figures").exists()


def test_compare_usage_errors(tmp_path: Path, capsys) -> None:
    base = str(SCENARIOS / "base.yaml")
    assert main(["compare", base, "--out", str(tmp_path / "x")]) == 2
    assert "at least two scenario files" in capsys.readouterr().err
    assert main(["compare", base, str(tmp_path / "missing.yaml"), "--out", str(tmp_path)]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["compare", base, base, "-n", "1", "--out", str(tmp_path / "y")]) == 2
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


# ---------------------------------------------------------------------- analyze
def test_analyze_sobol_prints_indices_with_intervals(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "si.csv"
    argv = ["analyze", str(RESULTS / "sobol"), "--resamples", "100", "--csv", str(csv)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "40 design points, 16 replications each" in out
    assert "per-design-point means" in out and "replication noise alone" in out
    for label in ("P(armed incident)", "P(non-lethal clash)", "mean new sanctions packages"):
        assert label in out
    assert "mechanisms.patron_restraint" in out and "95% CI" in out
    table = pd.read_csv(csv)
    assert set(table["method"]) == {"sobol"}
    assert table.groupby("outcome").size().max() == 3


def test_analyze_morris_one_outcome(capsys) -> None:
    argv = ["analyze", str(RESULTS / "morris"), "--outcome", "armed_incident"]
    assert main([*argv, "--resamples", "50"]) == 0
    out = capsys.readouterr().out
    assert "morris experiment" in out and "mu*" in out and "sigma" in out


@pytest.mark.parametrize("kind", ["run"])
def test_analyze_needs_a_sobol_or_morris_sweep(kind: str, capsys) -> None:
    assert main(["analyze", str(RESULTS / kind)]) == 2
    err = capsys.readouterr().err
    assert "needs a sobol, morris or grid sweep" in err


# ---------------------------------------------------------------------- report
def check_report(path: Path, n_figures: int) -> Page:
    page = parse(path)
    assert page.doctype.lower() == "doctype html"
    assert page.stack == []  # every element closed
    assert page.urls == []  # nothing fetched from anywhere: it opens with no network
    assert len(page.images) == n_figures
    for src in page.images:
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64"
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"summary", "reproduce", "outcomes", "figures"} <= set(page.ids)
    return page


def test_report_of_a_run_embeds_every_figure(tmp_path: Path, capsys) -> None:
    run = copy_results("run", tmp_path)
    assert main(["report", str(run)]) == 0
    assert "with 4 figures" in capsys.readouterr().out
    page = check_report(run / "report.html", 4)
    assert {"fig-distributions", "fig-survival", "fig-fan_chart", "fig-story"} <= set(page.ids)
    text = (run / "report.html").read_text()
    assert "escalation-sim run tests/fixtures/scenarios/base.yaml -n 250 --seed 7" in text
    assert "Master seed <b>7</b>" in text
    assert "Wilson" in text


def test_report_of_a_comparison_has_the_paired_differences(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(RESULTS / "compare"), "--out", str(out)]) == 0
    page = check_report(out, 6)
    assert "differences" in page.ids
    text = out.read_text()
    assert "B - A" in text and "common random numbers" in text


def test_report_of_a_sobol_sweep_has_sensitivity_tables(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(RESULTS / "sobol"), "--out", str(out)]) == 0
    page = check_report(out, 15)  # 11 figures and 2 boxes' trajectory and box figures
    assert {"sensitivity", "fig-sensitivity", "fig-heatmap_hostile_bias__patron_restraint"} <= set(
        page.ids
    )
    assert {"discovery", "fig-discovery_trajectory_1", "fig-discovery_box_1"} <= set(page.ids)
    assert "S1 [95% CI]" in out.read_text()


def test_report_puts_key_results_first_and_reproduce_last(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(RESULTS / "sobol"), "--out", str(out)]) == 0
    sections = [i for i in parse(out).ids if not i.startswith("fig-")]
    assert sections == ["summary", "outcomes", "sensitivity", "discovery", "figures", "reproduce"]
    text = out.read_text()
    assert "P(armed conflict, rung 6)" in text and "blame gap" in text
    assert '<div class="scroll tall"><table>' in text  # 40 design points: a scrolling box


def test_report_and_analyze_give_the_same_sobol_intervals(tmp_path: Path, capsys) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(RESULTS / "sobol"), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["analyze", str(RESULTS / "sobol"), "--outcome", "armed_incident"]) == 0
    printed = capsys.readouterr().out
    shown = re.findall(r"\[(-?\d\.\d\d), (-?\d\.\d\d)\]", printed)
    assert len(shown) == 6  # S1 and ST of three parameters
    section = out.read_text().split('id="sensitivity"')[1].split("</table>")[0]
    assert re.findall(r"\[(-?\d\.\d\d), (-?\d\.\d\d)\]", section) == shown


def test_report_of_a_sweep_leads_with_the_experiment_description(tmp_path: Path) -> None:
    import json

    sweep = copy_results("grid", tmp_path)
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest["description"] = "Where does risk change as <hostility> rises?"
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    assert main(["report", str(sweep)]) == 0
    text = (sweep / "report.html").read_text()
    assert '<p class="lead">Where does risk change as &lt;hostility&gt; rises?</p>' in text
