"""The Streamlit leaderboard: rankings and Pareto frontiers of the store, read-only.

``streamlit run leaderboard/app.py`` (or ``tourney leaderboard``) serves it. The package is split
into data access (:mod:`leaderboard.data`, read-only and cached on database changes), pure
figure and table builders (:mod:`leaderboard.figures`, :mod:`leaderboard.table`,
:mod:`leaderboard.recommend`), a thin Plotly layer (:mod:`leaderboard.plots`) and the pages
(:mod:`leaderboard.views`). Nothing here writes to the database.
"""
