"""``tourney leaderboard``: the command line it runs and the mistakes it refuses."""

from __future__ import annotations

import sys

import pytest
import typer
from typer.testing import CliRunner

from tournament.cli.leaderboard import app_path, register, streamlit_command
from tournament.errors import UserError


def test_command_serves_the_app_headless_on_the_given_address() -> None:
    command = streamlit_command(port=8600, host="127.0.0.1")
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(app_path())]
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options == {
        "--server.headless": "true",
        "--server.address": "127.0.0.1",
        "--browser.gatherUsageStats": "false",
        "--server.port": "8600",
        "--client.toolbarMode": "viewer",
    }
    assert app_path().is_file() and app_path().name == "app.py"


@pytest.mark.parametrize(
    ("port", "host", "message"),
    [(0, "127.0.0.1", "--port must be between 1 and 65535"), (8501, " ", "--host must name")],
)
def test_bad_options_are_user_errors(port: int, host: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        streamlit_command(port=port, host=host)


def test_registered_command_refuses_a_bad_port_and_a_bad_url() -> None:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps "leaderboard" a subcommand
    runner = CliRunner()
    assert "--port" in runner.invoke(app, ["leaderboard", "--help"]).output
    result = runner.invoke(app, ["leaderboard", "--port", "70000"])
    assert isinstance(result.exception, UserError)
    result = runner.invoke(app, ["leaderboard", "--db-url", "not a url"])
    assert isinstance(result.exception, UserError)
    assert "--db-url must be a database URL" in str(result.exception)
