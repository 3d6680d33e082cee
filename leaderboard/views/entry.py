"""Page: one result in full: configuration, environment, latency distribution, power,
reproductions. The result is chosen by id (``?result=ID`` in the URL)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from leaderboard import plots
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.latency import latency_cdf, latency_histogram, percentiles
from leaderboard.figures.power import power_trace
from leaderboard.metrics import ESTIMATE_TAG, ESTIMATED, is_estimate, metric, power_source_label
from leaderboard.table import INVALID_BADGE, VALID_BADGE

if TYPE_CHECKING:
    from tournament.store import ResultRecord


def _chosen_id(newest: int) -> int:
    raw = st.query_params.get("result")
    default = int(raw) if raw and raw.isdigit() else newest
    chosen = int(st.number_input("result id", min_value=1, value=default, step=1, key="entry_id"))
    st.query_params["result"] = str(chosen)
    return chosen


def render() -> None:
    """Draw the Entry detail page."""
    url = database_url()
    st.title("Entry detail")
    results = cache.results(url)
    if results.empty:
        st.info("No result has been measured yet.")
        return
    result_id = _chosen_id(int(results["result_id"].max()))
    detail = cache.result_detail(url, result_id)
    if detail is None:
        st.warning(
            f"There is no result {result_id}; ids run from 1 to {results['result_id'].max()}."
        )
        return
    _header(detail)
    _figures(detail)
    _latency(detail)
    _power(detail)
    _reproductions(detail)
    _configuration(detail)


def _header(record: ResultRecord) -> None:
    e, r = record.entry, record.result
    badge = VALID_BADGE if r.valid else INVALID_BADGE
    st.subheader(f"{e.label} {badge}")
    st.write(
        f"{e.workload}/{e.variant}, {e.runtime} {e.quantization}, batch {e.batch_size}, machine "
        f"`{e.machine}`, scenario {r.scenario}, round {e.round_name or '-'}, {e.origin} league; "
        f"measured {record.created_at:%Y-%m-%d %H:%M} UTC."
    )
    if record.shared_with:
        others = ", ".join(other.label for other in record.shared_with)
        st.caption(f"One measurement, shared: the same configuration is also entered as {others}.")


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


def _figure_box(record: ResultRecord, name: str) -> tuple[str, str, str | None]:
    m = metric(name)
    est = record.figure(name)
    if est is None:
        return m.label, "-", "not known for this result"
    tag = f" {ESTIMATE_TAG}" if est.provenance.value == ESTIMATED else ""
    low, high = est.bounds()
    parts = [f"95% CI [{low:.4g}, {high:.4g}]"] if est.has_interval else []
    parts.append(est.provenance.value + (f": {est.method}" if est.method else ""))
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
    text = f"From the {len(latencies)} per-query latencies stored with the result"
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
