"""Reports: plain-text tables for the terminal and one self-contained HTML file.

The HTML report embeds every figure as a base64 ``data:`` URI and its style
sheet inline, so it opens in any browser with no network and no other files.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from escalation_sim.analysis.sensitivity import SENSITIVITY_OUTCOMES, Sensitivity, sensitivity
from escalation_sim.analysis.summary import outcome_table
from escalation_sim.present.tables import _fmt, letters, share_text
from escalation_sim.store.results import Results, format_value, short_name

# ---------------------------------------------------------------------- html
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:0 auto;max-width:1180px;padding:1.5rem 2rem 4rem;color:#1d1d1d;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;
padding-bottom:.2rem}h3{margin:1.6rem 0 .4rem}.lead{color:#444;margin-top:0}
table{border-collapse:collapse;font-size:.88rem;margin:.6rem 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .6rem;text-align:right;vertical-align:top}
th{background:#f4f4f4}td.l,th.l{text-align:left}.ci{color:#555;font-size:.8rem;white-space:nowrap}
pre{background:#f6f6f6;padding:.7rem;overflow-x:auto;font-size:.85rem;white-space:pre-wrap}
figure{margin:1rem 0 2rem}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#444;font-size:.9rem;max-width:60rem}dl{display:grid;
grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
.note{color:#555;font-size:.88rem}.yes{font-weight:600}nav a{margin-right:1rem}
.scroll{overflow-x:auto;max-width:100%}.scroll.tall{max-height:32rem;overflow-y:auto}
.scroll table{margin:0}.scroll thead th{position:sticky;top:0}
"""

CAPTIONS = {
    "distributions": "Distribution of outcomes per replication. Bars: share of replications "
    "at each value, with Wilson 95% intervals. Curves: empirical cumulative distribution "
    "(share of replications at or below a value) with a 95% Dvoretzky-Kiefer-Wolfowitz band.",
    "risk": "Left: probability of an armed incident and of a non-lethal clash within the "
    "horizon per scenario, with Wilson 95% intervals. Right: the paired difference of each "
    "against the first scenario, with its paired bootstrap 95% interval (as in the table of "
    "paired differences).",
    "risk_curve": "Probability of an armed incident within the horizon against one swept "
    "parameter. A point of one design point has a Wilson 95% interval; a point that pools "
    "several design points (the other parameters differ between them) has a 95% cluster "
    "bootstrap interval over those points; the footnote says which, and what is pooled.",
    "survival": "Kaplan-Meier estimate of the share of replications without an incident yet, "
    "by calendar date; replications without one are censored at the end of the horizon. "
    "Shaded: log-log 95% band. Grey spans and dashed lines: scenario events.",
    "fan_chart": "Top: share of replications at rung 4 (clash) or above and at rung 5 "
    "(armed incident) or above per day, with Wilson 95% bands. Middle: share at each rung "
    "per day on a log scale, so the rare top rungs show. Bottom: median (line) and middle "
    "50% (and, for one group, 90%) of replications per day. Grey spans: exercises; hatched: "
    "supply cuts; dashed lines: crisis meetings and sanctions rounds.",
    "heatmap": "Probability of an armed incident over two swept parameters on a 0-1 colour "
    "scale shared by every heatmap; each cell shows the estimate and its 95% interval "
    "(cluster bootstrap where a cell pools several design points); hatched cells overlap "
    "every neighbour's interval.",
    "sensitivity": "Sensitivity of P(armed incident) to the swept parameters, computed on "
    "the per-design-point means (SALib), with 95% bootstrap intervals.",
    "story": "One replication from its event log: every move of every actor by date, "
    "coloured by rung; stars and vertical lines mark clashes and armed incidents.",
}


def _caption(name: str) -> str:
    for key in sorted(CAPTIONS, key=len, reverse=True):
        if name.startswith(key):
            return CAPTIONS[key]
    return ""


def figure_data_uri(fig: Any, fmt: str = "png", dpi: int = 100) -> str:
    """A figure as a base64 ``data:`` URI (PNG or SVG)."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white")
    mime = "image/png" if fmt == "png" else "image/svg+xml"
    return f"data:{mime};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _e(value: Any) -> str:
    return html.escape(str(value))


def _pct(p: float) -> str:
    return "n/a" if p != p else f"{p:.3f}"


def _ci(lo: float, hi: float, fmt: str = "{:.3f}") -> str:
    if lo != lo:
        return ""
    return f'<br><span class="ci">[{fmt.format(lo)}, {fmt.format(hi)}]</span>'


def outcome_table_html(res: Results, limit: int = 60) -> str:
    """The outcome table with intervals, one row per group (design point in a sweep)."""
    groups = res.groups()
    table = outcome_table(groups[:limit])
    params = res.parameters
    head = ['<th class="l">' + ("design point" if res.kind == "sweep" else "scenario") + "</th>"]
    head += [f"<th>{_e(short_name(p))}</th>" for p in params]
    head += [
        "<th>replications</th>",
        "<th>P(armed incident)<br><span class=ci>95% Wilson CI</span></th>",
        "<th>P(non-lethal clash)<br><span class=ci>95% Wilson CI</span></th>",
        "<th>median day of first armed incident<br><span class=ci>among replications with one"
        "</span></th>",
        "<th>highest rung<br><span class=ci>median [90% range]</span></th>",
        "<th>new sanctions packages<br><span class=ci>mean [90% range]</span></th>",
        "<th>migrant arrivals<br><span class=ci>median [90% range]</span></th>",
        "<th>P(armed conflict, rung 6)</th>",
        "<th>blame gap<br><span class=ci>blamed - caused share of ambiguous incidents</span></th>",
    ]
    rows = []
    for g, (_, r) in zip(groups[:limit], table.iterrows(), strict=True):
        name = f"point {g.key}" if res.kind == "sweep" else g.label
        cells = [f'<td class="l">{_e(name)}</td>']
        if params:
            values = res.point_values(int(g.key))
            cells += [f"<td>{_e(format_value(values[p]))}</td>" for p in params]
        first = r.median_first_armed_day
        cells += [
            f"<td>{r.replications:,}</td>",
            f"<td>{_pct(r.p_armed_incident)}"
            f"{_ci(r.p_armed_incident_low, r.p_armed_incident_high)}</td>",
            f"<td>{_pct(r.p_nonlethal_clash)}"
            f"{_ci(r.p_nonlethal_clash_low, r.p_nonlethal_clash_high)}</td>",
            f"<td>{'none' if first != first else f'day {first:.0f}'}</td>",
            f"<td>{r.max_rung_median}{_ci(r.max_rung_q05, r.max_rung_q95, '{:.0f}')}</td>",
            f"<td>{r.sanctions_packages_mean:.2f}"
            f"{_ci(r.sanctions_packages_q05, r.sanctions_packages_q95, '{:.0f}')}</td>",
            f"<td>{r.arrivals_median:,.0f}{_ci(r.arrivals_q05, r.arrivals_q95, '{:,.0f}')}</td>",
            f"<td>{_pct(r.p_armed_conflict)}</td>",
            f"<td>{_gap(r.blame_gap, r.blamed_share, r.caused_share)}</td>",
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(groups) > limit:
        more = (
            f'<p class="note">The first {limit} of {len(groups)} design points; all of them '
            f"are in runs.parquet.</p>"
        )
    tall = " tall" if len(rows) > 12 else ""
    return (
        f'<div class="scroll{tall}"><table><thead><tr>'
        + "".join(head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
        + more
    )


def _gap(gap: float, blamed: float, caused: float) -> str:
    """The blame gap with the two shares it is the difference of."""
    if gap != gap:
        return "n/a"
    return f'{gap:+.3f}<br><span class="ci">blamed {blamed:.3f} vs caused {caused:.3f}</span>'


def differences_html(res: Results, diffs: pd.DataFrame) -> str:
    """The paired differences of a comparison as an HTML table."""
    names = letters(len(res.groups()))
    label_of = {g.label: n for g, n in zip(res.groups(), names, strict=True)}
    rows = []
    for _, r in diffs.iterrows():
        b = label_of[r.scenario_b]
        discord = ""
        if "a_only" in r and r.a_only == r.a_only:
            discord = f"{b} only {int(r.b_only)}, A only {int(r.a_only)}"
        rows.append(
            f'<tr><td class="l">{b} - A</td><td class="l">{_e(r.label)}</td>'
            f"<td>{_fmt(r.metric, r.a)}</td><td>{_fmt(r.metric, r.b)}</td>"
            f'<td class="{"yes" if r.detected else ""}">{_fmt(r.metric, r.difference, True)}</td>'
            f"<td>[{_fmt(r.metric, r.low, True)}, {_fmt(r.metric, r.high, True)}]</td>"
            f'<td class="l">{discord}</td></tr>'
        )
    legend = "".join(
        f"<li>{n} = {_e(s['label'])} (<code>{_e(s['scenario_file'])}</code>)</li>"
        for n, s in zip(names, res.manifest["scenarios"], strict=True)
    )
    other = names[1] if len(names) == 2 else "other"
    return (
        f"<ul>{legend}</ul>"
        '<div class="scroll"><table><thead><tr><th class="l">difference</th>'
        '<th class="l">outcome</th><th>A</th>'
        f'<th>{other}</th><th>difference</th><th>95% CI (paired)</th><th class="l">'
        "discordant pairs</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
        f'<p class="note">Paired: every scenario ran from the same seed, so replication i of '
        f"each shares its random numbers (common random numbers). Interval: "
        f"{_e(diffs.attrs.get('method', 'paired bootstrap'))}. Bold: the interval excludes 0."
        "</p>"
    )


def sensitivity_html(res: Results, results: Sequence[Sensitivity]) -> str:
    """Sensitivity tables of a Sobol or Morris experiment."""
    parts = []
    for si in results:
        parts.append(f"<h3>{_e(si.label)}</h3>")
        if si.extra.get("constant"):
            parts.append('<p class="note">No variation between design points.</p>')
            continue
        reps = (
            f"{si.replications_min:,}"
            if si.replications_min == si.replications_max
            else f"{si.replications_min:,}-{si.replications_max:,}"
        )
        parts.append(
            f'<p class="note">{si.n_points} design points, '
            f"{reps} replications each. Variance of the "
            f"design-point means {si.variance:.4g}, of which replication noise alone explains "
            f"about {share_text(si.noise_share)}."
            + "".join(f" SALib: {_e(w)}." for w in si.extra.get("warnings", []))
            + "</p>"
        )
        t = si.table
        if si.method == "sobol":
            head = "<th class=l>parameter</th><th>S1 [95% CI]</th><th>ST [95% CI]</th>"
            body = "".join(
                f"<tr><td class=l>{_e(r.parameter)}</td>"
                f"<td>{r.S1:.3f}{_ci(r.S1 - r.S1_conf, r.S1 + r.S1_conf, '{:.2f}')}</td>"
                f"<td>{r.ST:.3f}{_ci(r.ST - r.ST_conf, r.ST + r.ST_conf, '{:.2f}')}</td></tr>"
                for _, r in t.sort_values("ST", ascending=False).iterrows()
            )
        else:
            head = "<th class=l>parameter</th><th>μ* [95% CI]</th><th>μ</th><th>σ</th>"
            body = "".join(
                f"<tr><td class=l>{_e(r.parameter)}</td><td>{r.mu_star:.4f}"
                f"{_ci(r.mu_star - r.mu_star_conf, r.mu_star + r.mu_star_conf, '{:.4f}')}</td>"
                f"<td>{r.mu:.4f}</td><td>{r.sigma:.4f}</td></tr>"
                for _, r in t.sort_values("mu_star", ascending=False).iterrows()
            )
        parts.append(
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    return "".join(parts)


def ensemble_html(res: Results) -> str:
    """Each group's headline with its two intervals, as ``--parameters`` prints them."""
    from escalation_sim.analysis.ensemble import ensemble_numbers, format_ensemble

    ens = res.manifest["ensemble"]
    if res.kind == "sweep":
        return ensemble_sweep_html(res)
    blocks = []
    for g in res.groups():
        text = format_ensemble(ensemble_numbers(g.runs), ens["source"], int(ens["per_draw"]))
        blocks.append(f"<h3>{_e(g.label)}</h3><pre>{_e(text)}</pre>")
    return "".join(blocks) + (
        '<p class="note">Each replication drew its parameters (from the priors or a '
        "calibration's posterior); replications sharing a draw give the within-draw "
        "(replication) variance, and the rest of the variance is the parameters' share.</p>"
    )


ENSEMBLE_ROWS = 60  # design points listed in a sweep's parameter-uncertainty table


def ensemble_sweep_html(res: Results) -> str:
    """A sweep with drawn parameters: P(armed incident) per design point, both intervals."""
    from escalation_sim.analysis.ensemble import ensemble_table

    ens = res.manifest["ensemble"]
    table = ensemble_table(res.runs)
    shown = table.head(ENSEMBLE_ROWS)
    body = "".join(
        f"<tr><td>{int(r.design_point)}</td><td>{r.p_armed_incident:.3f}</td>"
        f"<td>{r.p_armed_incident_total_low:.3f} – {r.p_armed_incident_total_high:.3f}</td>"
        f"<td>{r.p_armed_incident_replication_low:.3f} – "
        f"{r.p_armed_incident_replication_high:.3f}</td>"
        f"<td>{r.p_armed_incident_parameter_share:.0%}</td>"
        f"<td>{r.arrivals_parameter_share:.0%}</td></tr>"
        for r in shown.itertuples()
    )
    head = (
        "<th>design point</th><th>P(armed incident)</th><th>total 95% (P across parameter "
        "draws)</th><th>replications only 95% CI</th><th>parameters' share of "
        "variance</th><th>arrivals: parameters' share</th>"
    )
    more = (
        f"<p class=note>First {ENSEMBLE_ROWS} of {len(table):,} design points.</p>"
        if len(table) > ENSEMBLE_ROWS
        else ""
    )
    return (
        f"<p>{_e(ens['source'])}: {len(ens['parameters'])} parameters drawn per replication, "
        f"{int(ens['per_draw'])} replications per draw; the design points share the draws.</p>"
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
        f"</table></div>{more}"
    )


def reproduce_command(res: Results) -> str:
    """The command recorded in the manifest, or one rebuilt from it."""
    m = res.manifest
    cmd = str(m.get("command") or "").strip()
    if cmd and cmd != "escalation-sim":
        return cmd
    if res.kind == "run" and m.get("scenario_file"):
        sets = "".join(f" --set {s}" for s in m.get("overrides", []))
        return (
            f"escalation-sim run {m['scenario_file']} -n {m.get('replications')} "
            f"--seed {m.get('seed')}{sets}"
        )
    return "(not recorded in the manifest)"


def _summary(res: Results) -> str:
    m = res.manifest
    groups = res.groups()
    g0 = groups[0]
    items: list[tuple[str, str]] = [("kind", res.kind)]
    if res.kind == "sweep":
        items += [
            ("experiment", res.name),
            ("design", str(res.design)),
            ("parameters", ", ".join(res.parameters)),
            ("design points", f"{len(groups):,}"),
        ]
        reps = sorted({g.n for g in groups})
        items.append(("replications per point", ", ".join(f"{r:,}" for r in reps)))
    elif res.kind == "compare":
        items.append(("scenarios", ", ".join(g.label for g in groups)))
        items.append(("replications per scenario", f"{g0.n:,} (paired)"))
    else:
        items.append(("scenario", res.name))
        items.append(("replications", f"{g0.n:,}"))
    items += [
        (
            "horizon",
            f"{g0.days} days, {g0.start} to {g0.start + pd.Timedelta(days=g0.days - 1):%Y-%m-%d}",
        ),
        ("master seed", str(res.seed)),
    ]
    if m.get("overrides"):
        items.append(("overrides", ", ".join(m["overrides"])))
    desc = str(m.get("description") or "") if res.kind == "sweep" else ""
    if res.kind == "sweep":
        items.insert(2, ("scenario", str(m.get("scenario") or res.config_of().get("name", ""))))
    if not desc:
        desc = (res.config_of(g0.key) if res.kind == "compare" else res.config_of()).get(
            "description", ""
        )
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return (f'<p class="lead">{_e(desc)}</p>' if desc else "") + f"<dl>{dl}</dl>"


def _reproduce(res: Results) -> str:
    m = res.manifest
    where = str(res.path) if res.path is not None else "DIR"
    lines = [
        f"<pre>{_e(reproduce_command(res))}</pre>",
        f"<p>Master seed <b>{_e(res.seed)}</b>. Results are identical for the same seed, "
        "scenario, replications and code version. To redraw this report: "
        f"<code>escalation-sim report {_e(where)}</code>.</p>",
    ]
    info = []
    if m.get("git_commit"):
        info.append(f"<dt>git commit</dt><dd><code>{_e(m['git_commit'])}</code></dd>")
    if m.get("created"):
        info.append(f"<dt>created</dt><dd>{_e(m['created'])}</dd>")
    if m.get("scenario_hash"):
        info.append(f"<dt>scenario hash</dt><dd><code>{_e(m['scenario_hash'])}</code></dd>")
    versions = m.get("versions") or {}
    if versions:
        text = ", ".join(f"{k} {v}" for k, v in versions.items())
        info.append(f"<dt>versions</dt><dd>{_e(text)}</dd>")
    if info:
        lines.append("<dl>" + "".join(info) + "</dl>")
    return "".join(lines)


def build_report(res: Results, fmt: str = "png", dpi: int = 100) -> tuple[str, int]:
    """The report as one HTML string, and the number of figures embedded."""
    from escalation_sim.present.figures.catalogue import figures_for

    title = f"escalation-sim report: {res.name}"
    sections: list[tuple[str, str, str]] = [
        ("summary", "Summary", _summary(res)),
        (
            "outcomes",
            "Outcomes",
            outcome_table_html(res)
            + '<p class="note">Probabilities with Wilson 95% score intervals; ranges are the '
            "5th to 95th percentile over replications. Armed incident: rung 5 or above at any "
            "border within the horizon. Blame gap: share of ambiguous incidents blamed on the "
            "instigator minus the share it caused (as in the terminal summary).</p>",
        ),
    ]
    if "draw" in res.runs.columns and res.manifest.get("ensemble"):
        sections.append(("ensemble", "Parameter uncertainty", ensemble_html(res)))
    if res.kind == "compare" and len(res.groups()) > 1:
        from escalation_sim.analysis.paired import recorded_differences

        diffs = recorded_differences(res)
        sections.append(("differences", "Paired differences", differences_html(res, diffs)))
    if (
        res.kind == "sweep"
        and res.design in ("sobol", "morris")
        and res.manifest.get("salib_problem")
    ):
        results = [sensitivity(res, o) for o in SENSITIVITY_OUTCOMES]
        sections.append(("sensitivity", "Sensitivity", sensitivity_html(res, results)))
    n_found = 0  # figures embedded in the discovery section
    if (res.kind == "sweep" and res.parameters) or "draw" in res.runs.columns:
        found, n_found = _discovery_section(res, fmt, dpi)
        sections.append(("discovery", "Scenario discovery", found))
    scored = _scores_section(res, fmt, dpi)
    if scored is not None:
        sections.append(("scores", "Forecast scores", scored[0]))
        n_found += scored[1]
    figures = []
    for name, draw in figures_for(res).items():
        uri = figure_data_uri(draw(), fmt, dpi)
        figures.append(
            f'<figure id="fig-{_e(name)}"><h3>{_e(name.replace("_", " "))}</h3>'
            f'<img src="{uri}" alt="{_e(name)}"><figcaption>{_e(_caption(name))}'
            "</figcaption></figure>"
        )
    sections.append(("figures", "Figures", "".join(figures)))
    sections.append(("reproduce", "Reproduce", _reproduce(res)))
    nav = "".join(f'<a href="#{sid}">{_e(head)}</a>' for sid, head, _ in sections)
    body = "".join(
        f'<section id="{sid}"><h2>{_e(head)}</h2>{content}</section>'
        for sid, head, content in sections
    )
    doc = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><nav>{nav}</nav>{body}</body></html>\n"
    )
    return doc, len(figures) + n_found


def _scores_section(res: Results, fmt: str, dpi: int) -> tuple[str, int] | None:
    """The scores ``escalation-sim score`` wrote into the folder, with its two figures."""
    from escalation_sim.present.figures.scores import plot_pit, plot_reliability
    from escalation_sim.present.scores import scores_html
    from escalation_sim.store.results import SCORE

    info = res.manifest.get("score")
    if res.path is None or not isinstance(info, dict) or not (res.path / SCORE).is_file():
        return None
    table = pd.read_parquet(res.path / SCORE)
    overall = pd.DataFrame(info.get("overall") or [])
    if overall.empty:
        return None
    about = (
        f"The forecast {info.get('forecast_from')} .. {info.get('horizon_end')} scored on "
        f"{len(table)} items of {info.get('observed_file')} (latest observation scored "
        f"{info.get('latest_observation_scored')}; the statistical baseline used observations "
        f"up to {info.get('baseline_latest_observation_used')})."
    )
    figs = []
    for name, draw in (("reliability", plot_reliability), ("pit", plot_pit)):
        uri = figure_data_uri(draw(table), fmt, dpi)
        figs.append(f'<figure><img src="{uri}" alt="{name}"></figure>')
    return scores_html(table, overall, about) + "".join(figs), len(figs)


def _discovery_section(res: Results, fmt: str, dpi: int) -> tuple[str, int]:
    """PRIM boxes of P(armed incident) at or above the sweep's average, with figures."""
    from escalation_sim.analysis.discovery import discover
    from escalation_sim.present.discovery import discovery_figures, discovery_html

    try:
        found = discover(res, "armed_incident")
    except ImportError:  # pragma: no cover - the [ema] extra is installed with dev
        note = "Install the extra <code>escalation-sim[ema]</code> for it."
        return f'<p class="note">{note}</p>', 0
    except ValueError as exc:
        return f'<p class="note">No scenario discovery: {_e(exc)}.</p>', 0
    figs = discovery_figures(found)
    figures = "".join(
        f'<figure id="fig-{_e(name)}"><img src="{figure_data_uri(fig, fmt, dpi)}" '
        f'alt="{_e(name)}"></figure>'
        for name, fig in figs.items()
    )
    html_text = (
        discovery_html(found)
        + figures
        + f'<p class="note">Other outcomes and thresholds: <code>escalation-sim discover '
        f"{_e(res.path or 'DIR')} --outcome OUTCOME --threshold P</code>.</p>"
    )
    return html_text, len(figs)


def write_report(res: Results, path: Path, fmt: str = "png", dpi: int = 100) -> int:
    """Write the report atomically; return the number of figures embedded."""
    from escalation_sim.store.files import atomic_write_bytes

    doc, n = build_report(res, fmt, dpi)
    atomic_write_bytes(Path(path), doc.encode("utf-8"))
    return n


__all__ = ["build_report", "write_report"]
