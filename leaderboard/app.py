"""The leaderboard's entry point: ``streamlit run leaderboard/app.py`` (``tourney leaderboard``).

Reads the database of :func:`tournament.config.db_url` read-only; shows a first-run page while
it is missing or empty, and one sentence saying why when it cannot be read.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# Streamlit shows bare string literals of a page script ("magic"): only comments here.
# The pages live in views/, not pages/: a pages/ folder beside the entry script would switch
# Streamlit to its older automatic multipage mode, which bypasses st.navigation.
PAGES_DIR = Path(__file__).resolve().parent / "views"
# (file in views/, title, URL path, icon) of each page; the first is the default.
PAGES = (
    ("rounds.py", "Rounds", "rounds", ":material/flag:"),
    ("leaderboard.py", "Round leaderboard", "leaderboard", ":material/leaderboard:"),
    ("pareto.py", "Pareto explorer", "pareto", ":material/scatter_plot:"),
    ("entry.py", "Entry detail", "entry", ":material/description:"),
    ("search.py", "Search", "search", ":material/travel_explore:"),
    ("recommend.py", "Recommend", "recommend", ":material/recommend:"),
)


def main() -> None:
    """Set the page up, route to the chosen page, or show the first-run page."""
    from leaderboard import ui
    from leaderboard.data import cache
    from leaderboard.data.source import DatabaseState, database_url
    from tournament.errors import UserError

    st.set_page_config(page_title="Tourney leaderboard", page_icon=":trophy:", layout="wide")
    pages = [
        st.Page(PAGES_DIR / file, title=title, url_path=path, icon=icon, default=i == 0)
        for i, (file, title, path, icon) in enumerate(PAGES)
    ]
    page = st.navigation(pages)
    url = database_url()
    st.sidebar.caption(f"Database (read-only): `{ui.safe_url(url)}`")
    status = cache.state(url)
    if status.state != DatabaseState.READY:
        ui.first_run(url, status)
        return
    try:
        page.run()
    except UserError as error:  # e.g. the database was replaced by one that cannot be read
        ui.unreadable(url, str(error))


if __name__ == "__main__":
    main()
