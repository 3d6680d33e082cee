"""Page: one result in full: configuration, environment, latency distribution, power,
reproductions. The result is chosen by id (``?result=ID`` in the URL)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from leaderboard import plots
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.latency import latency_cdf, latency_histogram, percentiles
from leaderboard.figures.power import power_trace
from leaderboard.metrics import is_estimate, power_source_label
from leaderboard.table import INVALID_BADGE, VALID_BADGE


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


def _header(d: dict[str, Any]) -> None:
    sub = d["submission"]
    badge = VALID_BADGE if d["valid"] else INVALID_BADGE
    st.subheader(f"{sub['team']}/{sub['name']} {badge}")
    st.write(
        f"{sub['workload']}/{sub['variant']}, {sub['runtime']} {sub['quantization']}, batch "
        f"{sub['batch_size']}, machine `{sub['machine']}`, scenario {d['scenario']}, round "
        f"{sub['round_name'] or '-'}, {sub['origin']} league; "
        f"measured {d['created_at']:%Y-%m-%d %H:%M} UTC."
    )


def _figures(d: dict[str, Any]) -> None:
    cols = [*st.columns(3), *st.columns(3)]
    cols[0].metric(
        "p50 latency (ms)",
        _num(d["latency_p50_ms"]),
        help=f"95% CI [{d['latency_p50_ci_low_ms']:.4g}, {d['latency_p50_ci_high_ms']:.4g}]",
    )
    cols[1].metric(
        "p99 latency (ms)",
        _num(d["latency_p99_ms"]),
        help=f"95% CI [{d['latency_p99_ci_low_ms']:.4g}, {d['latency_p99_ci_high_ms']:.4g}]",
    )
    cols[2].metric("throughput (samples/s)", _num(d["throughput_sps"]))
    ratio = d["quality"] / d["reference_quality"] if d["reference_quality"] else float("nan")
    cols[3].metric(
        f"{d['quality_metric']}",
        f"{d['quality']:.4f}",
        help=f"{ratio:.2%} of the fp32 reference {d['reference_quality']:.4f}; "
        f"the gate asks {d['target_ratio']:.2%}",
    )
    energy = d["energy_j_per_query"]
    tag = " ESTIMATE" if is_estimate(d["power_source"]) else ""
    cols[4].metric(f"energy per query (J){tag}", _num(energy))
    cols[5].metric("cost (USD/M queries)", _num(d["cost_usd_per_million"]))


def _num(value: float | None) -> str:
    """4 significant digits; thousands written out (50,000 rather than 5e+04)."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _latency(d: dict[str, Any]) -> None:
    st.subheader("Latency distribution")
    latencies = d["latencies_ms"]
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


def _power(d: dict[str, Any]) -> None:
    st.subheader("Power")
    source = d["power_source"]
    st.write(f"Power source: **{power_source_label(source)}**.")
    if is_estimate(source):
        st.warning(
            "ESTIMATE: these energy figures are modelled (CPU utilisation x TDP), not read from "
            "a meter. Compare them with other estimates only."
        )
    if d["avg_power_w"] is not None:
        st.write(f"Average power {d['avg_power_w']:.3g} W over the timed window.")
    trace = power_trace(d["power_trace"], source)
    if trace is None:
        st.info("No power trace was recorded for this result.")
    else:
        st.plotly_chart(plots.power_figure(trace), width="stretch")


def _reproductions(d: dict[str, Any]) -> None:
    import pandas as pd

    st.subheader("Reproductions")
    records = d["reproductions"]
    if not records:
        st.info("No reproduction of this result has been recorded.")
        return
    rows = [
        {
            "when": r["created_at"],
            "agrees": "yes" if r["agrees"] else "NO",
            "new result": r["new_result_id"],
            "report": str(r["report"]),
        }
        for r in records
    ]
    agreeing = sum(r["agrees"] for r in records)
    st.caption(f"{len(records)} reproduction(s), {agreeing} agreeing with the original.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _configuration(d: dict[str, Any]) -> None:
    st.subheader("Configuration")
    st.json(d["submission"]["config"])
    with st.expander("Environment fingerprint", expanded=True):
        st.json(d["environment"])
    with st.expander("Measurement rules"):
        st.json(d["rules"])
    with st.expander("Artifact"):
        st.write(f"sha256 `{d['artifact_sha256']}`")
        st.json(d["artifact_details"])


if __name__ == "__main__":
    render()
