"""Score tables as text (terminal) and HTML (report), and the backtest's per-origin table."""

from __future__ import annotations

import html
import math

import pandas as pd

NOTE = (
    "score: Brier (events) or CRPS (counts, dates cut at the horizon); lower is better. "
    "skill = 1 - score/baseline score (statistical baseline fitted before the forecast "
    "date); intervals 90% bootstrap. One crisis is one draw: read the skill as a check, "
    "not a verdict."
)


def _num(x: object, digits: int = 3) -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def _forecast(row: pd.Series) -> str:
    if row["kind"] == "event":
        return f"p={_num(row['median'])}"
    return f"{_num(row['median'])} [{_num(row['q05'])}, {_num(row['q95'])}]"


def _observed(row: pd.Series) -> str:
    text = _num(row["observed"])
    return f">={text} (none)" if row.get("censored") else text


def _skill(row: pd.Series, base: str) -> str:
    s = row.get(f"{base}_skill", float("nan"))
    lo, hi = row.get(f"{base}_skill_low"), row.get(f"{base}_skill_high")
    text = _num(s, 2)
    if lo is not None and not math.isnan(float(lo)):
        text += f" [{_num(lo, 2)}, {_num(hi, 2)}]"
    return text


def table_rows(table: pd.DataFrame, base: str = "statistical") -> list[list[str]]:
    """Header and one row per item: forecast median and 90% interval, observed, scores."""
    head = ["item", "forecast median [90%]", "observed", "score", "baseline", "skill [90%]"]
    rows = [head]
    for _, r in table.iterrows():
        rows.append(
            [
                str(r["item"]),
                _forecast(r),
                _observed(r),
                f"{r['score_name']} {_num(r['score'])}",
                _num(r.get(f"{base}_score", float("nan"))),
                _skill(r, base),
            ]
        )
    return rows


def overall_lines(overall: pd.DataFrame) -> list[str]:
    """One line per baseline and score kind with items."""
    out = []
    for _, r in overall.iterrows():
        if not r["items"]:
            continue
        ci = ""
        if not math.isnan(float(r["skill_low"])):
            ci = f" [{_num(r['skill_low'], 2)}, {_num(r['skill_high'], 2)}]"
        out.append(
            f"  vs {r['baseline']:<11} {r['kind']:<5} ({r['score_name']}, {r['items']} items): "
            f"skill {_num(r['skill'], 2)}{ci}"
        )
    return out


def coverage_line(table: pd.DataFrame) -> str | None:
    """How often the date items' central 50% and 90% intervals held the observation."""
    dates = table[table["kind"] == "date"]
    if dates.empty:
        return None
    c50, c90 = int(dates["covered50"].sum()), int(dates["covered90"].sum())
    n = len(dates)
    return (
        f"  first-occurrence dates: the 50% interval held {c50} of {n}, "
        f"the 90% interval {c90} of {n}"
    )


def format_scores(table: pd.DataFrame, overall: pd.DataFrame, title: str) -> str:
    """The score table as aligned text, then the overall skill lines and the note."""
    rows = table_rows(table)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [title]
    for k, r in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells))
        if k == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    lines.append("overall skill:")
    lines += overall_lines(overall)
    cover = coverage_line(table)
    if cover:
        lines.append(cover)
    lines.append(NOTE)
    return "\n".join(lines)


def scores_html(table: pd.DataFrame, overall: pd.DataFrame, about: str) -> str:
    """The report's section body: what was scored, the item table and the overall skill."""
    rows = table_rows(table)
    head = "".join(
        f'<th class="{"l" if i == 0 else ""}">{html.escape(c)}</th>' for i, c in enumerate(rows[0])
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"l" if i == 0 else ""}">{html.escape(c)}</td>' for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows[1:]
    )
    cover = coverage_line(table)
    shown = overall_lines(overall) + ([cover] if cover else [])
    lines = "".join(f"<li>{html.escape(x.strip())}</li>" for x in shown)
    return (
        f'<p class="lead">{html.escape(about)}</p>'
        f'<div class="scroll tall"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
        f'<p>Overall skill:</p><ul>{lines}</ul><p class="note">{html.escape(NOTE)}</p>'
    )


def format_backtest(per_origin: pd.DataFrame, overall: pd.DataFrame) -> str:
    """Skill per origin and kind against the statistical baseline, then over all origins."""
    lines = ["origin      kind   score  items  model    baseline  skill [90%]"]
    for _, r in per_origin.iterrows():
        ci = ""
        if not math.isnan(float(r["skill_low"])):
            ci = f" [{_num(r['skill_low'], 2)}, {_num(r['skill_high'], 2)}]"
        lines.append(
            f"{r['origin']}  {r['kind']:<5}  {r['score_name']:<5}  {r['items']:>5}  "
            f"{_num(r['score']):>7}  {_num(r['baseline_score']):>8}  {_num(r['skill'], 2)}{ci}"
        )
    lines.append("all origins:")
    lines += overall_lines(overall)
    return "\n".join(lines)
