"""Every figure draws without warnings (pytest turns them into errors) and shows its data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
from matplotlib.figure import Figure

from escalation_sim.analysis.daily import rung_at_least, rung_shares
from escalation_sim.analysis.metrics import heatmap_table, risk_table
from escalation_sim.analysis.paired import differences
from escalation_sim.analysis.pooled import overlaps_all_neighbours
from escalation_sim.analysis.sensitivity import sensitivity
from escalation_sim.analysis.stats import proportion
from escalation_sim.analysis.stories import pick_story, story_events
from escalation_sim.analysis.survival import survival_of
from escalation_sim.config.ladder import N_RUNGS, rung_label
from escalation_sim.present import figures as plots
from escalation_sim.present.figures.story import story_legend_entries
from escalation_sim.present.figures.style import level_groups
from escalation_sim.store.results import Results, load
from tests.support import ROOT

RESULTS = ROOT / "tests" / "fixtures" / "results"


def rendered(fig: Figure) -> Figure:
    fig.canvas.draw()  # layout and text: any warning here fails the test
    return fig


def line_labels(ax) -> list[str]:
    return [ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")]


def legend_texts(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()]


# ---------------------------------------------------------------------- 1. distributions
def test_distributions_show_rung_shares_and_ecdfs(run_res: Results) -> None:
    fig = rendered(plots.plot_distributions(run_res))
    rung_ax, sanctions_ax, arrivals_ax, stranded_ax = fig.axes[:4]
    heights = [p.get_height() for p in rung_ax.patches]
    shares = run_res.runs["max_rung"].value_counts(normalize=True)
    expected = shares.reindex(range(N_RUNGS), fill_value=0).to_numpy()
    assert heights == pytest.approx(expected)
    assert "Highest rung" in rung_ax.get_xlabel()
    assert "persons" in arrivals_ax.get_xlabel()
    (ecdf,) = [ln for ln in arrivals_ax.get_lines() if ln.get_label() == "fixture_base"]
    assert ecdf.get_xdata() == pytest.approx(np.sort(run_res.runs["arrivals"].to_numpy()))
    assert ecdf.get_ydata()[-1] == pytest.approx(1.0)
    assert "fixture_base" in line_labels(stranded_ax)
    assert len(sanctions_ax.patches) >= 4  # at least four values shown, zeros included


def test_distributions_overlay_and_name_the_scenarios(compare_res: Results) -> None:
    fig = rendered(plots.plot_distributions(compare_res))
    assert legend_texts(fig.legends[0]) == ["fixture_base", "fixture_supply_cut"]
    arrivals_ax = fig.axes[2]
    assert line_labels(arrivals_ax) == ["fixture_base", "fixture_supply_cut"]
    styles = {ln.get_linestyle() for ln in arrivals_ax.get_lines()}
    assert len(styles) == 2  # identical curves would stay visible


def test_distributions_on_given_axes_by_parameter_level(grid_res: Results) -> None:
    fig = Figure()
    axes = fig.subplots(1, 2)
    out = plots.plot_distributions(
        grid_res, by="mechanisms.hostile_bias", outcomes=("max_rung", "arrivals"), ax=axes
    )
    assert out is fig
    rendered(fig)
    assert line_labels(axes[1]) == ["hostile_bias = 0", "hostile_bias = 0.5", "hostile_bias = 1"]
    assert len(axes[0].patches) == 7 * 3
    with pytest.raises(ValueError, match="needs 4 axes"):
        plots.plot_distributions(grid_res, ax=axes)


# ---------------------------------------------------------------------- 2. risk curve
def test_risk_curve_per_level_with_wilson_bars(grid_res: Results) -> None:
    fig = rendered(plots.plot_risk_curve(grid_res, "mechanisms.incident_hazard"))
    ax = fig.axes[0]
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["hostile_bias = 0", "hostile_bias = 0.5", "hostile_bias = 1"]
    table = risk_table(grid_res.runs, "mechanisms.incident_hazard", by="mechanisms.hostile_bias")
    for container, (_, part) in zip(ax.containers, table.groupby("by_value"), strict=True):
        line = container.lines[0]
        assert line.get_ydata() == pytest.approx(part["p"].to_numpy())
        lo, hi = np.array(container.lines[2][0].get_segments()).transpose(1, 0, 2)[:, :, 1]
        assert lo == pytest.approx(part["low"].to_numpy())
        assert hi == pytest.approx(part["high"].to_numpy())
    assert ax.get_xlabel() == "incident hazard (1/day)"
    assert "within 30 days" in ax.get_ylabel()
    note = " ".join(t.get_text() for t in fig.texts)
    assert note.startswith("Bars: Wilson 95% interval") and "Shading" not in note


def test_risk_curve_of_a_continuous_design_has_a_band(sobol_res: Results) -> None:
    fig = rendered(plots.plot_risk_curve(sobol_res, "mechanisms.patron_restraint"))
    ax = fig.axes[0]
    assert line_labels(ax) == ["P(armed incident)"]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    assert bands[0].get_label() == "95% cluster bootstrap over design points"
    note = " ".join(" ".join(t.get_text().split()) for t in fig.texts)
    assert "bins of about equal counts" in note
    assert "pooled over incident hazard, hostile bias" in note  # what varies inside a bin
    assert "Bars" not in note


def test_risk_by_scenario_for_a_comparison(compare_res: Results) -> None:
    fig = rendered(plots.plot_risk_curve(compare_res))
    ax, diff_ax = fig.axes[:2]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "fixture_base",
        "fixture_supply_cut",
    ]
    assert len(ax.containers) == 2  # armed incident and non-lethal clash, with error bars
    p = [proportion(g.runs["armed_incident"])["p"] for g in compare_res.groups()]
    assert ax.containers[0].lines[0].get_ydata() == pytest.approx(p)
    # The paired difference, with the interval of the compare table (same computation).
    diffs = differences(compare_res, seed=compare_res.seed)
    armed = diffs[diffs["metric"] == "armed_incident"].iloc[0]
    point = diff_ax.containers[0].lines[0]
    assert point.get_xdata() == pytest.approx([armed["difference"]])
    (bar,) = np.array(diff_ax.containers[0].lines[2][0].get_segments())
    assert bar[:, 0] == pytest.approx([armed["low"], armed["high"]])


# ---------------------------------------------------------------------- 3. survival
def test_survival_draws_the_kaplan_meier_steps_over_dates(run_res: Results) -> None:
    fig = rendered(plots.plot_survival(run_res))
    armed_ax, clash_ax = fig.axes[:2]
    g = run_res.groups()[0]
    km = survival_of(g, "armed_incident")
    (line,) = [ln for ln in armed_ax.get_lines() if ln.get_label().startswith("fixture_base")]
    y = np.asarray(line.get_ydata())
    assert y[0] == 1.0 and y[1:-1] == pytest.approx(km.survival)
    x0 = mdates.num2date(mdates.date2num(line.get_xdata()[0])).date()
    assert x0 == g.start
    assert f"{km.risk:.0%} within 60 d" in line.get_label()
    assert "non-lethal clash" in clash_ax.get_title()
    assert any(a.get_gid() == "event:exercise: zapad 2021" for a in armed_ax.patches)


def test_grid_survival_curves_carry_the_grid_levels(grid_res: Results) -> None:
    five = grid_res.runs.assign(
        **{"mechanisms.hostile_bias": grid_res.runs["design_point"] % 5 / 4}
    )  # five grid levels: 0, 0.25, ..., 1 (more than the four bins a continuous value gets)
    res = Results(grid_res.manifest, five, grid_res.daily)
    groups, _what, pooled = level_groups(res, "mechanisms.hostile_bias")
    levels = sorted(five["mechanisms.hostile_bias"].unique())
    assert [g.label for g in groups] == [f"hostile_bias = {v:g}" for v in levels]
    for g, v in zip(groups, levels, strict=True):
        assert set(g.runs["mechanisms.hostile_bias"]) == {v}
    assert pooled == "pooled over incident hazard"
    fig = rendered(plots.plot_survival(res, by="mechanisms.hostile_bias"))
    assert "pooled over incident hazard" in fig.get_suptitle()
    fig = rendered(plots.plot_distributions(res, by="mechanisms.hostile_bias"))
    assert legend_texts(fig.legends[0]) == [g.label for g in groups]  # the same five levels


def test_survival_by_scenario(compare_res: Results) -> None:
    fig = rendered(plots.plot_survival(compare_res, events=("armed_incident",)))
    labels = line_labels(fig.axes[0])
    assert [lab.split(":")[0] for lab in labels] == ["fixture_base", "fixture_supply_cut"]


# ---------------------------------------------------------------------- 4. fan chart
def test_fan_chart_shows_the_top_rungs_with_intervals(run_res: Results) -> None:
    fig = rendered(plots.plot_fan_chart(run_res))
    axes = fig.axes
    titles = [a.get_title() for a in axes]
    assert len(set(titles)) == len(titles)  # nothing shown twice
    assert titles[:2] == [
        "P(rung 4 or above today: clash or worse)",
        "P(rung 5 or above today: armed or worse)",
    ]
    for a, rung in zip(axes[:2], (4, 5), strict=True):
        t = rung_at_least(run_res.daily, rung)
        (line,) = [ln for ln in a.get_lines() if ln.get_gid() == "p:fixture_base"]
        assert line.get_ydata() == pytest.approx(t["p"].to_numpy())
        counts = run_res.daily[[f"rung{r}_all" for r in range(rung, 7)]].sum(axis=1)
        assert t["k"].to_numpy() == pytest.approx(counts.to_numpy())
        assert (t["low"] <= t["p"]).all() and (t["p"] <= t["high"]).all()
        assert (t["high"] > t["low"]).all()  # an interval every day, even at 0 events
    shares = axes[2]
    assert shares.get_yscale() == "log"
    rare = rung_shares(run_res.daily)[[4, 5]].to_numpy()
    assert shares.get_ylim()[0] <= rare[rare > 0].min()  # the top rungs are on the scale
    assert {ln.get_gid() for ln in shares.get_lines()} >= {f"rung:{r}" for r in range(7)}
    tension = axes[3]
    (median,) = [ln for ln in tension.get_lines() if ln.get_label() == "median"]
    assert median.get_ydata() == pytest.approx(run_res.daily["tension_q50"].to_numpy())
    assert all(a.get_legend() is None for a in axes)  # one legend, outside the panels
    (legend,) = [lg for sub in fig.subfigs for lg in sub.legends]
    texts = legend_texts(legend)
    assert {"EU crisis meeting", "exercise: zapad 2021", "rung 6 armed conflict"} <= set(texts)


def test_fan_chart_overlays_scenarios_and_marks_their_own_events(compare_res: Results) -> None:
    fig = rendered(plots.plot_fan_chart(compare_res))
    share_axes = [a for a in fig.axes if a.get_title().startswith("Share at each rung")]
    assert len(share_axes) == 2
    (legend,) = [lg for sub in fig.subfigs for lg in sub.legends]
    texts = legend_texts(legend)
    assert "fixture_base" in texts and "fixture_supply_cut" in texts
    assert "supply cut to 10% [fixture_supply_cut]" in texts
    base_gids = {p.get_gid() for p in share_axes[0].patches}
    assert not any("supply cut" in str(g) for g in base_gids)  # only on its own scenario


def test_fan_chart_of_a_sweep_picks_three_design_points(grid_res: Results) -> None:
    groups = plots.fan_groups(grid_res)
    assert 1 <= len(groups) <= 3
    p = [float(g.runs["armed_incident"].mean()) for g in groups]
    assert p == sorted(p)
    rendered(plots.plot_fan_chart(grid_res, groups=groups))


# ---------------------------------------------------------------------- 5. heatmap
def test_heatmap_shows_probabilities_and_counts(grid_res: Results) -> None:
    fig = rendered(plots.plot_heatmap(grid_res))
    ax = fig.axes[0]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    t = heatmap_table(grid_res.runs, *grid_res.parameters)
    assert np.asarray(mesh.get_array()).reshape(3, 3) == pytest.approx(t["p"])
    assert mesh.norm.vmin == 0 and mesh.norm.vmax == 1  # the same 0-1 scale in every heatmap
    texts = [x.get_text() for x in ax.texts]
    assert len(texts) == 9 and not any("n=" in x for x in texts)
    assert "40 replications per cell" in ax.get_title()  # said once
    assert ax.get_xlabel() == "incident hazard (1/day)"
    assert ax.get_ylabel() == "hostile bias (share)"
    marked = {p.get_xy() for p in ax.patches if p.get_gid() == "overlaps-neighbours"}
    expected = overlaps_all_neighbours(t["low"], t["high"])
    assert marked == {(j - 0.5, i - 0.5) for i, j in zip(*np.nonzero(expected), strict=True)}


def test_heatmap_of_a_sobol_sweep_pools_with_a_cluster_interval(sobol_res: Results) -> None:
    fig = rendered(plots.plot_heatmap(sobol_res))
    title = fig.axes[0].get_title()
    assert "cluster bootstrap" in title and "pooled over patron restraint" in title
    texts = [x.get_text() for x in fig.axes[0].texts if x.get_text() != "no runs"]
    assert all("n=" in x for x in texts)  # counts differ between cells: given per cell


def test_heatmap_needs_two_parameters(run_res: Results) -> None:
    with pytest.raises(ValueError, match="two parameters"):
        plots.plot_heatmap(run_res)


# ---------------------------------------------------------------------- 6. sensitivity
def test_sobol_bars_are_the_indices(sobol_res: Results) -> None:
    si = sensitivity(sobol_res, num_resamples=100)
    fig = rendered(plots.plot_sensitivity(sobol_res, si=si))
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted([*si.table["S1"], *si.table["ST"]]))
    assert legend_texts(ax.get_legend()) == ["first order S1", "total order ST"]
    assert any("replications" in t.get_text() for t in fig.texts)


def test_morris_points_are_mu_star_and_sigma(morris_res: Results) -> None:
    si = sensitivity(morris_res, num_resamples=100)
    fig = rendered(plots.plot_sensitivity(morris_res, si=si))
    ax = fig.axes[0]
    points = ax.containers[0].lines[0]
    assert points.get_xdata() == pytest.approx(si.table["mu_star"].to_numpy())
    assert points.get_ydata() == pytest.approx(si.table["sigma"].to_numpy())
    assert {t.get_text() for t in ax.texts} == {  # the parameter table's words and units
        "incident hazard (1/day)",
        "hostile bias (share)",
        "patron restraint (probability)",
    }


# ---------------------------------------------------------------------- 7. story
def test_story_puts_every_move_in_its_lane(run_res: Results) -> None:
    group, rep = pick_story(run_res)
    fig = rendered(plots.plot_story(run_res, rep))
    ax = fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    events = story_events(run_res, group, rep)
    assert sum(len(c.get_offsets()) for c in points) == len(events)
    lanes = [t.get_text() for t in ax.get_yticklabels()]
    assert lanes[0] == "Minsk \u2192 Lithuania" and lanes[-1] == "border clashes"
    assert ax.get_title().startswith(f"fixture_base: replication {rep} of seed 7")
    legend = legend_texts(ax.get_legend())
    rungs, kinds = story_legend_entries(events)
    drawn = {int(r) for r in events["rung"]}
    assert [t for t in legend if t[0].isdigit()] == [rung_label(r) for r in sorted(drawn)]
    assert set(kinds) <= set(legend) and set(rungs) == drawn
    # Incident labels stand above the top lane, clear of every marker.
    top_lane = max(len(lanes) - 1, 0)
    labels = [t for t in ax.texts if t.get_gid() == "incident-label"]
    assert all(t.xy[1] > top_lane + 0.3 for t in labels)


def test_story_of_a_comparison_and_of_a_sweep(compare_res: Results, grid_res: Results) -> None:
    fig = rendered(plots.plot_story(compare_res, 1, "fixture_supply_cut"))
    assert fig.axes[0].get_title().startswith("fixture_supply_cut: replication 1 of seed")
    ax = Figure().add_subplot()
    assert plots.plot_story(grid_res, 0, 8, ax=ax) is ax.figure


# ---------------------------------------------------------------------- all figures
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("run", ["distributions", "survival", "fan_chart", "story"]),
        (
            "compare",
            [
                "distributions",
                "risk",
                "survival",
                "fan_chart",
                "story_fixture_base",
                "story_fixture_supply_cut",
            ],
        ),
        (
            "grid",
            [
                "distributions",
                "risk_curve_incident_hazard",
                "risk_curve_hostile_bias",
                "survival",
                "fan_chart",
                "heatmap_incident_hazard__hostile_bias",
                "story",
            ],
        ),
    ],
)
def test_figures_for_lists_what_the_data_supports(kind: str, expected: list[str]) -> None:
    assert list(plots.figures_for(load(RESULTS / kind))) == expected


def test_figures_for_a_sobol_sweep_includes_sensitivity(sobol_res: Results) -> None:
    names = list(plots.figures_for(sobol_res))
    assert "sensitivity" in names
    assert sum(n.startswith("heatmap_") for n in names) == 3
