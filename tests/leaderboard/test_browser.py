"""End to end: ``streamlit run`` serves the app, headless Chromium renders its pages.

Needs Debian's ``chromium`` (``make browser`` installs it; CI does); skipped without it.
Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tournament.cli.leaderboard import streamlit_command

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"streamlit did not answer its health check in 60 s:\n{log.read_text()}")


@pytest.fixture
def server(seeded: Any, tmp_path: Path) -> Iterator[str]:
    """The leaderboard served by ``streamlit run`` on a free port; stopped by its PID after."""
    port = _free_port()
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "TOURNEY_DB_URL": seeded.url}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            streamlit_command(port=port, host="127.0.0.1"), env=env, stdout=out, stderr=out
        )
    try:
        _wait_healthy(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.slow
def test_pages_render_in_headless_chromium(server: str) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (Debian package `chromium`; `make browser`)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{server}/pareto")
            page.wait_for_selector(".js-plotly-plot .scatterlayer", timeout=TIMEOUT_MS)
            page.wait_for_function(
                "document.body.innerText.includes('on the frontier')", timeout=TIMEOUT_MS
            )
            text = page.inner_text("body")
            assert "Pareto explorer" in text
            assert "13 valid results, 2 invalid (grey), 2 on the frontier, all measured" in text
            # 13 valid + 2 invalid + 2 frontier markers are drawn as SVG points
            assert page.locator(".js-plotly-plot .scatterlayer .point").count() == 17
            assert "Pareto frontier (2 points)" in page.inner_text(".js-plotly-plot")
            page.screenshot(path=ARTIFACTS / "leaderboard-pareto.png", full_page=True)

            page.goto(f"{server}/leaderboard")
            page.wait_for_selector("[data-testid='stDataFrame']", timeout=TIMEOUT_MS)
            page.wait_for_function(
                "document.body.innerText.includes('2 of 17 results shown')", timeout=TIMEOUT_MS
            )
            text = page.inner_text("body")
            assert "Round leaderboard" in text and "Download CSV of this table" in text
            page.screenshot(path=ARTIFACTS / "leaderboard-table.png", full_page=True)

            page.goto(f"{server}/entry?result=1")
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot').length === 3", timeout=TIMEOUT_MS
            )
            text = page.inner_text("body")
            assert "alpha/ort-fp32" in text and "ESTIMATE (estimate-tdp)" in text
            assert "1 reproduction(s), 1 agreeing with the original." in text
            page.screenshot(path=ARTIFACTS / "leaderboard-entry.png", full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "leaderboard-pareto.png").stat().st_size > 10_000
