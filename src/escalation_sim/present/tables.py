"""Plain-text tables for the terminal."""

from __future__ import annotations

import pandas as pd

from escalation_sim.analysis.sensitivity import Sensitivity
from escalation_sim.store.results import Results

# ---------------------------------------------------------------------- text
_NUMBER_FORMATS = {
    "armed_incident": "{:.3f}",
    "nonlethal_clash": "{:.3f}",
    "max_rung": "{:.0f}",
    "sanctions_packages": "{:.2f}",
    "arrivals": "{:,.0f}",
}
_DIFF_FORMATS = {
    "armed_incident": "{:+.3f}",
    "nonlethal_clash": "{:+.3f}",
    "max_rung": "{:+.1f}",
    "sanctions_packages": "{:+.2f}",
    "arrivals": "{:+,.0f}",
}


def format_summary(summary: dict[str, float], title: str = "") -> str:
    """Plain-text summary of :func:`~escalation_sim.analysis.summary.headline_numbers` numbers."""
    s = summary
    lo, hi = s["p_armed_incident_low"], s["p_armed_incident_high"]
    clo, chi = s["p_nonlethal_clash_low"], s["p_nonlethal_clash_high"]
    r5, r95 = s["max_rung_q05"], s["max_rung_q95"]
    p5, p95 = s["sanctions_packages_q05"], s["sanctions_packages_q95"]
    a5, a95 = s["arrivals_q05"], s["arrivals_q95"]
    first = s["median_first_armed_day"]
    first_txt = "none" if first != first else f"day {first:.0f}"  # NaN check
    lines = [
        title,
        f"  replications                 {s['replications']:>10,}",
        f"  P(armed incident)            {s['p_armed_incident']:>10.3f}   "
        f"95% CI {lo:.3f} - {hi:.3f} (Wilson)",
        f"  first armed incident, median {first_txt:>10}   (runs with one)",
        f"  P(non-lethal clash)          {s['p_nonlethal_clash']:>10.3f}   "
        f"95% CI {clo:.3f} - {chi:.3f} (Wilson)",
        f"  P(armed conflict, rung 6)    {s['p_armed_conflict']:>10.3f}",
        f"  highest rung                 {s['max_rung_median']:>10}   90% range {r5} - {r95}",
        f"  new sanctions packages       {s['sanctions_packages_mean']:>10.2f}   "
        f"90% range {p5:.0f} - {p95:.0f}",
        f"  migrant arrivals (median)    {s['arrivals_median']:>10,.0f}   "
        f"90% range {a5:,.0f} - {a95:,.0f}",
        f"  blame gap                    {s['blame_gap']:>+10.3f}   "
        f"blamed {s['blamed_share']:.3f} vs caused {s['caused_share']:.3f} "
        f"of ambiguous incidents",
        f"  patron interventions (mean)  {s['restraint_interventions_mean']:>10.2f}",
        *_route_lines(s),
    ]
    return "\n".join(line for line in lines if line)


def _route_lines(s: dict[str, float]) -> list[str]:
    """The flow's shape: peak day of crossing attempts and peak-to-final ratio (if known)."""
    day, ratio = s.get("peak_day_median", float("nan")), s.get("peak_ratio_median", float("nan"))
    if day != day:  # NaN: results from before the route kept them
        return []
    return [
        f"  peak day of attempts         {day:>10.0f}   "
        f"90% range {s['peak_day_q05']:.0f} - {s['peak_day_q95']:.0f}",
        f"  peak-to-final attempts       {ratio:>10.2f}   "
        f"90% range {s['peak_ratio_q05']:.2f} - {s['peak_ratio_q95']:.2f}",
    ]


def share_text(x: float) -> str:
    """A share as a rounded percentage, "n/a" when undefined."""
    if x != x:
        return "n/a"
    if 0 < x < 0.01:
        return "<1%"
    if 0.99 < x < 1:
        return ">99%"
    return f"{x:.0%}"


def about_share(x: float) -> str:
    """'~40%', but '>99%' and '<1%' as they are (never '~>99%')."""
    text = share_text(x)
    return text if text[0] in "<>n" else "~" + text


def _fmt(metric: str, value: float, diff: bool = False) -> str:
    if value != value:  # NaN
        return "n/a"
    table = _DIFF_FORMATS if diff else _NUMBER_FORMATS
    text = table.get(metric, "{:+.3g}" if diff else "{:.3g}").format(value)
    return "+0" if diff and text.strip("+-0.,") == "" else text


def letters(n: int) -> list[str]:
    """A, B, C, ... for the scenarios of a comparison."""
    return [chr(ord("A") + i) for i in range(n)]


def format_differences(res: Results, diffs: pd.DataFrame) -> str:
    """The paired differences of a comparison as a terminal table."""
    m = res.manifest
    groups = res.groups()
    names = letters(len(groups))
    lines = [
        f"Paired comparison: {m['replications']:,} replications per scenario, seed {m['seed']}, "
        f"{groups[0].days} days from {groups[0].start}",
        "  paired: the same seed gives replication i of every scenario the same random numbers",
    ]
    if not m.get("aligned", True):
        lines.append(
            "  note: the scenarios have different actors, so their random numbers are not "
            "aligned; the paired interval is still valid, only wider"
        )
    if len({g.days for g in groups}) > 1:
        lines.append("  note: the horizons differ; probabilities are within each own horizon")
    for letter, s in zip(names, m["scenarios"], strict=True):
        lines.append(f"  {letter} = {s['label']} ({s['scenario_file']})")
    for k, other in enumerate(groups[1:], start=1):
        part = diffs[diffs["scenario_b"] == other.label]
        lines.append("")
        lines.append(
            f"  {names[k]} - A{'':<26}{'A':>10}{names[k]:>10}{'difference':>13}   95% CI (paired)"
        )
        for _, r in part.iterrows():
            ci = f"[{_fmt(r.metric, r.low, True)}, {_fmt(r.metric, r.high, True)}]"
            extra = ""
            if r.get("a_only") == r.get("a_only"):  # proportions: discordant pairs
                extra = f"  ({names[k]} only {int(r.b_only)}, A only {int(r.a_only)})"
            mark = " *" if r.detected else "  "
            lines.append(
                f"  {r.label:<30}{_fmt(r.metric, r.a):>10}{_fmt(r.metric, r.b):>10}"
                f"{_fmt(r.metric, r.difference, True):>13}{mark} {ci}{extra}"
            )
    lines.append("")
    lines.append(f"  interval: {diffs.attrs.get('method', 'paired bootstrap')}")
    lines.append("  * the interval excludes 0: a difference the replications can detect")
    return "\n".join(lines)


def format_sensitivity(res: Results, si: Sensitivity, header: bool = True) -> str:
    """Sensitivity indices of one outcome as a terminal table."""
    lines = []
    if header:
        reps = (
            f"{si.replications_min}"
            if si.replications_min == si.replications_max
            else f"{si.replications_min}-{si.replications_max}"
        )
        lines += [
            f"{si.method} experiment {res.name!r}: {si.n_points} design points, {reps} "
            f"replications each, seed {res.seed}",
            "  analysed: the per-design-point means (SALib), so replication noise is not "
            "mistaken for a parameter effect; intervals are 95% bootstrap intervals",
        ]
    lines.append("")
    lines.append(f"{si.label}")
    if si.extra.get("constant"):
        lines.append("  no variation between design points: no indices")
        return "\n".join(lines)
    share = si.noise_share
    lines.append(
        f"  variance of the design-point means {si.variance:.4g}; replication noise alone "
        f"would give {si.noise_variance:.4g} ({share_text(share)}); the parameters explain "
        f"{about_share(max(0.0, 1 - share))}"
    )
    if share > 0.5:
        lines.append(
            "  warning: most of the variance is replication noise; the indices are unreliable "
            "(run more replications per design point)"
        )
    for note in si.extra.get("warnings", []):
        lines.append(f"  SALib: {note}")
    t = si.table
    if si.method == "sobol":
        lines.append(f"  {'parameter':<34}{'S1':>7}   {'95% CI':<17}{'ST':>7}   95% CI")
        for _, r in t.sort_values("ST", ascending=False).iterrows():
            lines.append(
                f"  {r.parameter:<34}{r.S1:>7.3f}   "
                f"{f'[{r.S1 - r.S1_conf:.2f}, {r.S1 + r.S1_conf:.2f}]':<17}{r.ST:>7.3f}   "
                f"[{r.ST - r.ST_conf:.2f}, {r.ST + r.ST_conf:.2f}]"
            )
    else:
        lines.append(f"  {'parameter':<34}{'mu*':>9}   {'95% CI':<21}{'mu':>9}{'sigma':>9}")
        for _, r in t.sort_values("mu_star", ascending=False).iterrows():
            lo, hi = r.mu_star - r.mu_star_conf, r.mu_star + r.mu_star_conf
            lines.append(
                f"  {r.parameter:<34}{r.mu_star:>9.4f}   {f'[{lo:.4f}, {hi:.4f}]':<21}"
                f"{r.mu:>9.4f}{r.sigma:>9.4f}"
            )
    return "\n".join(lines)
