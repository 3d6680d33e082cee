"""Pure builders of what the pages draw: plain data in, plain data out, no Streamlit, no Plotly.

Each page's figure is built here and tested directly; :mod:`leaderboard.plots` only draws it.
"""
