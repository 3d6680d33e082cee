"""Workloads: a model, its data and its quality metric, one module each.

Each implements :class:`tournament.workloads.Workload` and is declared as a ``tourney.workloads``
entry point in ``pyproject.toml``; the core finds them by name through that registry.
"""
