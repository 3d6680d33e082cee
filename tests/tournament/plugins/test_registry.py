"""The registry: entry points of real (temporary) distributions, run-time names, clear errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tournament import plugins, runtimes, workloads
from tournament.errors import NotFoundError, PluginError
from tournament.plugins import Registry
from tournament.runtimes import RUNTIMES
from tournament.workloads import WORKLOADS, Workload

GROUP = "tourney.test-things"

Distribute = Callable[..., Path]


class Thing:
    """The base class of the test group."""


class Widget(Thing):
    pass


THINGS: Registry[Thing] = Registry(GROUP, Thing, kind="thing")


@pytest.fixture
def distribute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Distribute]:
    """``distribute(name, {group: {entry: target}}, modules={name: source})``: an installed
    distribution (a ``.dist-info`` folder on ``sys.path``) that declares those entry points."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(
        name: str,
        groups: dict[str, dict[str, str]],
        modules: dict[str, str] | None = None,
        version: str = "1.0",
    ) -> Path:
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        lines = []
        for group, entries in groups.items():
            lines += [f"[{group}]", *(f"{k} = {v}" for k, v in entries.items()), ""]
        (info / "entry_points.txt").write_text("\n".join(lines))
        for module, source in (modules or {}).items():
            (site / f"{module}.py").write_text(source)
        plugins.refresh()
        return info

    yield make
    plugins.refresh()


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    yield
    THINGS.unregister("widget")
    plugins.refresh()


def test_built_ins_come_from_the_core_distribution_entry_points() -> None:
    entry = RUNTIMES.entry("torch")
    assert entry.target == "tournament.runtimes.torch_eager:TorchEager"
    assert entry.distribution == "tourney" and entry.origin.startswith("tourney ")
    assert {"onnxruntime", "torch", "torch-compile"} <= set(runtimes.names())
    assert WORKLOADS.entry("digits-cnn").group == "tourney.workloads"
    assert runtimes.get("torch") is runtimes.get("torch")  # one shared instance


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError) as caught:
        WORKLOADS.load("resnet")
    known = ", ".join(WORKLOADS.names())
    assert caught.value.problems == [
        f"workload: unknown workload 'resnet'; expected one of: {known}."
    ]
    assert isinstance(caught.value, LookupError)
    with pytest.raises(NotFoundError, match=r"no thing is registered in tourney\.test-things"):
        THINGS.get("widget")


def test_run_time_names_register_load_and_go() -> None:
    THINGS.register("widget", f"{__name__}:Widget")
    assert THINGS.names() == ["widget"] and "widget" in THINGS
    assert THINGS.entry("widget").origin == "registered at run time"
    assert THINGS.load("widget") is Widget and isinstance(THINGS.get("widget"), Widget)
    THINGS.unregister("widget")
    assert "widget" not in THINGS
    with pytest.raises(PluginError, match="is not of the form 'module:attr'"):
        THINGS.register("widget", "no-colon")


def test_a_run_time_name_cannot_take_an_installed_one() -> None:
    with pytest.raises(PluginError) as caught:
        workloads.register("digits-cnn", f"{__name__}:Widget")
    assert caught.value.problems == [
        f"workload 'digits-cnn': cannot register {__name__}:Widget at run time: the name is "
        f"already declared by {WORKLOADS.entry('digits-cnn').origin} "
        "(workloads.digits_cnn:DigitsCNN)."
    ]


def test_a_plugin_that_does_not_load_is_named_with_its_distribution(
    distribute: Distribute,
) -> None:
    distribute(
        "broken-things",
        {GROUP: {"missing": "no_such_module_xyz:Thing", "wrong": "json:dumps"}},
        version="2.3",
    )
    assert THINGS.names() == ["missing", "wrong"]
    with pytest.raises(PluginError) as caught:
        THINGS.load("missing")
    assert caught.value.problems == [
        "thing 'missing': the plugin no_such_module_xyz:Thing (entry point 'missing' in group "
        "tourney.test-things, distribution broken-things 2.3) does not load: "
        "ModuleNotFoundError: No module named 'no_such_module_xyz'."
    ]
    with pytest.raises(PluginError, match=r"is a function, not a subclass of .*\.Thing\.$"):
        THINGS.load("wrong")


def test_a_name_two_distributions_declare_is_refused(distribute: Distribute) -> None:
    module = f"from {__name__} import Thing\n\nclass Mine(Thing):\n    pass\n"
    distribute("alpha-things", {GROUP: {"twin": "alpha_things:Mine"}}, {"alpha_things": module})
    distribute("beta-things", {GROUP: {"twin": "beta_things:Mine"}}, {"beta_things": module})
    assert THINGS.names() == ["twin"]
    assert [e.origin for e in THINGS.entries()] == ["alpha-things 1.0", "beta-things 1.0"]
    with pytest.raises(PluginError) as caught:
        THINGS.load("twin")
    assert caught.value.problems == [
        "thing 'twin': two distributions declare this name, alpha-things 1.0 "
        "(alpha_things:Mine) and beta-things 1.0 (beta_things:Mine); the name is refused until "
        "one of them is uninstalled or renames its entry point in tourney.test-things."
    ]


def test_tourney_plugins_modules_register_at_run_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my_things.py").write_text(
        f"from {__name__} import THINGS\nTHINGS.register('widget', '{__name__}:Widget')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TOURNEY_PLUGINS", " my_things , ")
    plugins.refresh()
    assert THINGS.entry("widget").origin == "registered at run time (my_things)"
    monkeypatch.setenv("TOURNEY_PLUGINS", "my_things,not_a_module_xyz")
    plugins.refresh()
    with pytest.raises(PluginError) as caught:
        THINGS.names()
    assert caught.value.problems == [
        "TOURNEY_PLUGINS: the plugin module 'not_a_module_xyz' does not import: "
        "ModuleNotFoundError: No module named 'not_a_module_xyz'."
    ]
    sys.modules.pop("my_things", None)


def test_every_registry_is_listed_and_every_built_in_loads() -> None:
    groups = [registry.group for registry in plugins.registries()]
    assert groups == list(plugins.GROUPS)
    for registry in plugins.registries():
        for name in registry.names():
            if registry.entry(name).distribution == "tourney":
                assert issubclass(registry.load(name), registry.base()), (registry, name)
    assert issubclass(WORKLOADS.load("digits-cnn"), Workload)
