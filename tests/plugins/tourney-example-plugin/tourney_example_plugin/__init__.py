"""An example Tourney plugin: the ``numpy`` runtime (``tourney.runtimes`` entry point)."""
