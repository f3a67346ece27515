"""Every module imports only from its own app or a lower layer (see ``layers.py``)."""

from __future__ import annotations

from hansei.tests import layers


def test_no_module_imports_upwards_or_inside_a_function() -> None:
    broken = [f"{found.where()}: {found.imported}: {why}" for found, why in layers.broken_imports()]
    assert not broken, "imports that break the layers:\n" + "\n".join(broken)


def test_every_app_and_top_level_module_has_a_layer() -> None:
    named = {name for layer in layers.LAYERS for name in layer} | {layers.RULEBOOK, "tests"}
    found = {
        path.stem if path.is_file() else path.name
        for path in layers.PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__" and path.stem != "conftest")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert found <= named, f"not in any layer: {sorted(found - named)}"


def test_it_finds_an_upward_import() -> None:
    upward = layers.Import(
        "hansei.incidents.services", "hansei.postmortems.services.x", layers.PACKAGE, 1, True
    )
    assert "imports postmortems" in (layers.breaks(upward) or "")


def test_it_finds_an_import_inside_a_function_and_a_model_reading_the_rulebook() -> None:
    hidden = layers.Import("hansei.search.services", "hansei.core.jobs", layers.PACKAGE, 1, False)
    model = layers.Import("hansei.postmortems.models", "hansei.access.x", layers.PACKAGE, 1, True)
    assert layers.breaks(hidden) == "imported inside a function"
    assert layers.breaks(model) == "a model module reads the rulebook"


def test_the_rulebook_reads_models_only() -> None:
    reads = layers.Import(
        "hansei.access.x", "hansei.reviews.models.Review", layers.PACKAGE, 1, True
    )
    calls = layers.Import("hansei.access.x", "hansei.reviews.services.y", layers.PACKAGE, 1, True)
    assert layers.breaks(reads) is None
    assert layers.breaks(calls) == "the rulebook reads more than models"


def test_apps_in_one_layer_do_not_import_each_other() -> None:
    sideways = layers.Import(
        "hansei.reviews.services", "hansei.action_items.models", layers.PACKAGE, 1, True
    )
    assert "imports action_items" in (layers.breaks(sideways) or "")
