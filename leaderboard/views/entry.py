"""Page: one result in full: its runs, configuration, environment, latency distribution,
power, reproductions.

Which ids the page accepts: ``?result=ID`` opens the *result* (the aggregate of its runs) that
run ``ID`` belongs to; any of its run ids works, and the page says which result and runs it
shows (a result is named by its first, oldest run's id). ``?run=ID`` (or *this run only*)
opens the one stored run ``ID`` on its own, with its within-run intervals."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from leaderboard import plots
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.latency import latency_cdf, latency_histogram, percentiles
from leaderboard.figures.power import power_trace
from leaderboard.metrics import (
    ESTIMATE_TAG,
    ESTIMATED,
    FEW,
    interval_label,
    is_estimate,
    metric,
    power_source_label,
)
from leaderboard.rules import rules_label
from leaderboard.table import INVALID_BADGE, VALID_BADGE

if TYPE_CHECKING:
    from leaderboard.data.queries import Detail
    from tournament.results import Estimate
    from tournament.store import ResultRecord


def _chosen_id(newest: int) -> tuple[int, bool]:
    """The id asked for and whether the one run alone is (``?run=ID``), else its result."""
    run, result = st.query_params.get("run"), st.query_params.get("result")
    raw = run if run and run.isdigit() else result
    default = int(raw) if raw and raw.isdigit() else newest
    cols = st.columns([1, 3])
    chosen = int(
        cols[0].number_input(
            "result id",
            min_value=1,
            value=default,
            step=1,
            key="entry_id",
            help="Any run id of a result opens the whole result (its runs aggregated); "
            "'this run only' shows that one run alone.",
        )
    )
    alone = cols[1].toggle("this run only", value=bool(run and run.isdigit()), key="entry_alone")
    st.query_params.clear()
    st.query_params["run" if alone else "result"] = str(chosen)
    return chosen, alone


def render() -> None:
    """Draw the Entry detail page."""
    url = database_url()
    st.title("Entry detail")
    results = cache.results(url)
    if results.empty:
        st.info("No result has been measured yet.")
        return
    result_id, alone = _chosen_id(int(results["result_id"].max()))
    detail = cache.aggregate_detail(url, result_id)
    if detail is None:
        last = max(cache.run_index(url))
        st.warning(f"There is no result {result_id}; ids run from 1 to {last}.")
        return
    record = _addressed(detail, result_id, alone)
    _header(record)
    if not alone:
        _runs(detail)
    _figures(record)
    _latency(record)
    _power(record)
    _reproductions(record)
    _configuration(record)


def _addressed(detail: Detail, result_id: int, alone: bool) -> ResultRecord:
    """The record the page shows, and the sentence saying which it is and what it belongs to."""
    runs = detail.runs
    ids = [r.result_id for r in runs]
    first = ids[0]
    if alone:
        index = ids.index(result_id)
        st.info(
            f"Run #{result_id} alone: run {index + 1} of {len(ids)} of result #{first}; its "
            "intervals are within this one run (query to query). Untick 'this run only' for "
            "the result."
        )
        return runs[index]
    if len(ids) == 1:
        st.caption(f"Result #{first}: one run, so its intervals are within that run.")
    else:
        opened = "" if result_id == first else f" (you opened it by its run #{result_id})"
        listed = ", ".join(f"#{i}" for i in ids)
        st.info(
            f"Result #{first}{opened}: the aggregate of {len(ids)} runs ({listed}). A result "
            "is named by its first run's id and opens from any of its run ids; its figures are "
            f"the runs' means with 95% intervals between runs. Open one run: `?run=ID`."
        )
    return detail.result


def _header(record: ResultRecord) -> None:
    e, r = record.entry, record.result
    badge = VALID_BADGE if r.valid else INVALID_BADGE
    st.subheader(f"{e.label} {badge}")
    st.write(
        f"{e.workload}/{e.variant}, {e.runtime} {e.quantization}, batch {e.batch_size}, machine "
        f"`{e.machine}`, scenario {r.scenario}, round {e.round_name or '-'}, {e.origin} league; "
        f"measured {record.created_at:%Y-%m-%d %H:%M} UTC."
    )
    st.write(f"Rules: **{rules_label(r.rules)}**.")
    if not r.valid:
        st.error("Invalid, not ranked: " + "; ".join(r.invalid_reasons()) + ".")
    if record.shared_with:
        others = ", ".join(other.label for other in record.shared_with)
        st.caption(f"One measurement, shared: the same configuration is also entered as {others}.")


# The figures of each run in the runs table (a comment: Streamlit draws a page's bare strings).
RUN_FIGURES = ("latency_p50_ms", "latency_p99_ms", "throughput_sps")


def _runs(detail: Detail) -> None:
    """The result's runs: id, time, key figures with their within-run intervals, contention."""
    import pandas as pd

    st.subheader(f"Runs ({len(detail.runs)})")
    rows = []
    for run in detail.runs:
        row: dict[str, object] = {
            "run": run.result_id,
            "measured (UTC)": f"{run.created_at:%Y-%m-%d %H:%M:%S}",
            "seed": str(run.result.rules.get("seed", "-")),
            "queries": run.result.queries,
        }
        for name in RUN_FIGURES:
            row[metric(name).label] = _cell(run.figure(name))
        share = (run.result.extra.get("contention") or {}).get("foreign_cpu_share")
        row["contention"] = "not measured" if share is None else f"others {share:.0%} CPU"
        reasons = run.result.invalid_reasons()
        row["gate"] = VALID_BADGE if not reasons else f"{INVALID_BADGE}: {'; '.join(reasons)}"
        row["open alone"] = f"entry?run={run.result_id}"
        rows.append(row)
    link = st.column_config.LinkColumn("open alone", display_text="run only")
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", column_config={"open alone": link}
    )
    st.caption(
        "Each run's own figures, with 95% intervals within that run (query to query). The "
        "result above is their mean, with intervals between runs; the contention shown for the "
        "result is its most contended run's."
    )


def _cell(est: Estimate | None) -> str:
    """A figure as ``value [low, high]``, ``(few)`` when it lacks evidence, ``-`` unknown."""
    if est is None:
        return "-"
    if est.insufficient:  # why: in the caption under the figure boxes
        return FEW
    if not est.has_interval:
        return _num(est.value)
    low, high = est.bounds()
    return f"{_num(est.value)} [{_num(low)}, {_num(high)}]"


# The figures in the page's header boxes (quality is shown between throughput and energy); a
# comment, not a docstring: Streamlit would draw a bare string of a page script.
FIGURES = (
    "latency_p50_ms",
    "latency_p99_ms",
    "throughput_sps",
    "energy_j_per_query",
    "cost_usd_per_million",
)


def _figures(record: ResultRecord) -> None:
    cols = [*st.columns(3), *st.columns(3)]
    boxes = [_figure_box(record, name) for name in FIGURES]
    boxes.insert(3, _quality_box(record))
    for col, (label, value, help_text) in zip(cols, boxes, strict=True):
        col.metric(label, value, help=help_text)
    st.caption(_intervals(record))


def _intervals(record: ResultRecord) -> str:
    """The boxes' 95 % intervals in one line, with what they cover, and any figure shown as
    (few) and why."""
    parts, kinds, few = [], set(), []
    for name in FIGURES:
        est = record.figure(name)
        if est is None:
            continue
        if est.insufficient:
            few.append(f"{metric(name).label}: {est.insufficient}")
        elif est.has_interval:
            low, high = est.bounds()
            parts.append(f"{metric(name).label} [{_num(low)}, {_num(high)}]")
            kinds.add(est.interval.value if est.interval else "")
    text = ""
    if parts:
        what = interval_label(kinds, record.runs)
        text = f"95% CI, {what}: " + "; ".join(parts) + "."
    if few:
        text += f" {FEW}: too few queries for the percentile: " + "; ".join(few) + "."
    return text.strip()


def _figure_box(record: ResultRecord, name: str) -> tuple[str, str, str | None]:
    m = metric(name)
    est = record.figure(name)
    if est is None:
        return m.label, "-", "not known for this result"
    tag = f" {ESTIMATE_TAG}" if est.provenance.value == ESTIMATED else ""
    parts = []
    if est.has_interval:
        low, high = est.bounds()
        kind = interval_label(est.interval.value if est.interval else None, record.runs)
        parts.append(f"95% CI [{low:.4g}, {high:.4g}], {kind}")
    parts.append(est.provenance.value + (f": {est.method}" if est.method else ""))
    if est.insufficient:  # never a plain number: say why it lacks evidence
        return f"{m.label}{tag}", FEW, f"insufficient: {est.insufficient}; " + "; ".join(parts)
    return f"{m.label}{tag}", _num(est.value), "; ".join(parts)


def _quality_box(record: ResultRecord) -> tuple[str, str, str | None]:
    q = record.result.quality
    ratio = q.ratio
    share = f"{ratio:.2%}" if ratio is not None else "an unknown share"
    return (
        q.label or q.metric,
        f"{q.value:.4f}",
        f"{share} of the fp32 reference {q.reference:.4f}; the gate asks {q.target_ratio:.2%}",
    )


def _num(value: float | None) -> str:
    """4 significant digits; thousands written out (50,000 rather than 5e+04)."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _latency(record: ResultRecord) -> None:
    st.subheader("Latency distribution")
    latencies = list(record.result.latencies_ms)
    if not latencies:
        st.info("No per-query latencies were stored with this result.")
        return
    hist = latency_histogram(latencies)
    runs = f" of its {record.runs} runs" if record.runs > 1 else ""
    text = f"From the {len(latencies)} per-query latencies stored with the result{runs}"
    if hist.log_scale:
        text += f" (from {min(latencies):.4g} to {max(latencies):.4g} ms: log latency axis)"
    st.caption(text + ".")
    cols = st.columns(2)
    cols[0].plotly_chart(plots.histogram_figure(hist), width="stretch")
    cols[1].plotly_chart(
        plots.cdf_figure(latency_cdf(latencies), percentiles(latencies)), width="stretch"
    )


def _power(record: ResultRecord) -> None:
    st.subheader("Power")
    source = record.result.power_source
    st.write(f"Power source: **{power_source_label(source)}**.")
    if is_estimate(source):
        st.warning(
            "ESTIMATE: these energy figures are modelled (CPU utilisation x TDP), not read from "
            "a meter. Compare them with other estimates only."
        )
    watts = record.value("avg_power_w")
    if watts is not None:
        st.write(f"Average power {watts:.3g} W over the timed window.")
    trace = power_trace(record.result.power_trace, source)
    if trace is None:
        st.info("No power trace was recorded for this result.")
    else:
        if record.runs > 1:
            st.caption(f"The power trace of its first run (#{record.result_id}).")
        st.plotly_chart(plots.power_figure(trace), width="stretch")


def _reproductions(record: ResultRecord) -> None:
    import pandas as pd

    st.subheader("Reproductions")
    found = record.reproductions
    if not found:
        st.info("No reproduction of this result has been recorded.")
        return
    rows = [
        {
            "when": r.created_at,
            "agrees": "yes" if r.agrees else "NO",
            "new result": r.new_result_id,
            "report": str(dict(r.report)),
        }
        for r in found
    ]
    agreeing = sum(r.agrees for r in found)
    st.caption(f"{len(found)} reproduction(s), {agreeing} agreeing with the original.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _configuration(record: ResultRecord) -> None:
    r = record.result
    st.subheader("Configuration")
    st.json(dict(record.config or {}))
    with st.expander("Environment fingerprint", expanded=True):
        st.json(dict(r.environment))
    with st.expander("Measurement rules"):
        st.json(dict(r.rules))
    with st.expander("Artifact"):
        st.write(f"sha256 `{r.artifact.sha256}`")
        st.json(dict(r.artifact.details))


if __name__ == "__main__":
    render()
