"""The pages of the leaderboard: each module's ``render()`` draws one page.

(Named ``views``: a folder called ``pages`` beside ``app.py`` would turn on Streamlit's older
automatic multipage mode.)

Streamlit runs these files as page scripts (``__name__ == "__main__"``) from
:mod:`leaderboard.app`; importing them draws nothing.
"""
