"""Hansei's layers, and a reader that finds the imports that break them.

The layers, lowest first. A module imports only from its own app or a lower layer, at module
level; an import under ``if TYPE_CHECKING:`` is for the type checker and is not counted.
Apps in one layer do not import each other.

The rulebook (``hansei.access``) reads every app's models, so it is not an app layer: it sits
above every app's models and below every app's services. Models never import it; it imports
only models (and what lies below every app).

Tests are not read: a test may set up whatever world it needs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent

# Lowest first. Names are the first part of the module path under ``hansei``; a plain module
# (``hansei/urls.py``) is named by its file name.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("lint", "settings"),
    ("core",),
    ("accounts",),
    ("incidents",),
    ("postmortems",),
    ("action_items", "reviews", "collab"),
    # The archive's index and what reads it (similar incidents, saved searches): below the
    # notifications, which tell people of new postmortems their saved searches match.
    ("search",),
    ("notifications", "audit", "insights"),
    # The culture programs announce through the notification center and chart like insights.
    ("culture",),
    # Outside systems: alert intake, and chat and webhooks, which search the archive and
    # deliver what notifications decide.
    ("integrations",),
    ("home", "demo", "api_errors", "administration"),
    ("api",),
    ("urls", "asgi"),
    ("cli",),
)

RULEBOOK = "access"
CORE_LAYER = 1

# Where an app keeps its models: the only modules the rulebook may read, and the only ones
# that must never read the rulebook.
MODEL_MODULE_NAMES = frozenset({"models"})  # queries.py reads through the rulebook


@dataclass(frozen=True)
class Import:
    importer: str  # hansei.postmortems.services
    imported: str  # hansei.collab.store
    path: Path
    line: int
    at_module_level: bool

    def where(self) -> str:
        return f"{self.path.relative_to(PACKAGE.parent)}:{self.line}"


def layer_of(part: str) -> int | None:
    for index, names in enumerate(LAYERS):
        if part in names:
            return index
    return None


def part_of(module: str) -> str:
    """``hansei.postmortems.timeline.services`` → ``postmortems``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_model_module(module: str) -> bool:
    """``hansei.postmortems.timeline.models`` (or a name imported from it) is a model module."""
    return any(part in MODEL_MODULE_NAMES for part in module.split(".")[2:])


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).parts
        if "tests" in relative or "migrations" in relative or path.name == "conftest.py":
            continue
        yield path


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking_blocks(tree: ast.Module) -> set[int]:
    """Ids of the import nodes under ``if TYPE_CHECKING:``."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                for inner in ast.walk(child):
                    ids.add(id(inner))
    return ids


def _nodes_inside_functions(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            ids.update(id(inner) for inner in ast.walk(node) if inner is not node)
    return ids


def imports_of(path: Path) -> Iterator[Import]:
    importer = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for_type_checker = _type_checking_blocks(tree)
    in_function = _nodes_inside_functions(tree)
    for node in ast.walk(tree):
        if id(node) in for_type_checker:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(importer, path.name == "__init__.py", node)
            # ``from hansei.x import y`` may name a module (y) or a name in x: both live in x's app.
            names = [f"{base}.{alias.name}" for alias in node.names] if base else []
        for name in names:
            if name == "hansei" or name.startswith("hansei."):
                yield Import(importer, name, path, node.lineno, id(node) not in in_function)


def all_imports() -> list[Import]:
    return [found for path in source_files() for found in imports_of(path)]


def may_import_in_functions(module: str) -> bool:
    """Where an import inside a function is the only way, not a way around a cycle: an app's
    ``ready()`` (models exist only once every app is loaded) and the command line (Django is
    configured by the command before anything imports a model)."""
    return module.endswith(".apps") or part_of(module) == "cli"


def breaks(found: Import) -> str | None:
    """Why this import breaks the layers, or None."""
    if not found.at_module_level and not may_import_in_functions(found.importer):
        return "imported inside a function"
    source, target = part_of(found.importer), part_of(found.imported)
    if source == target:
        return None
    if target == RULEBOOK:
        if is_model_module(found.importer):
            return "a model module reads the rulebook"
        return None
    if source == RULEBOOK:
        target_layer = layer_of(target)
        if target_layer is None:
            return f"the rulebook imports {target}, which is in no layer"
        if target_layer <= CORE_LAYER or is_model_module(found.imported):
            return None
        return "the rulebook reads more than models"
    source_layer, target_layer = layer_of(source), layer_of(target)
    if source_layer is None or target_layer is None:
        return f"{source if source_layer is None else target} is in no layer"
    if target_layer >= source_layer:
        return f"{source} (layer {source_layer}) imports {target} (layer {target_layer})"
    return None


def broken_imports() -> list[tuple[Import, str]]:
    found = []
    for each in all_imports():
        reason = breaks(each)
        if reason:
            found.append((each, reason))
    return found


if __name__ == "__main__":
    for each, reason in broken_imports():
        print(f"{each.where()}: {each.imported}: {reason}")
