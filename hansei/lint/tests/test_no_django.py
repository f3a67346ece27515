"""hansei.lint is plain Python: Django code calls it, never the other way round."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
BLOCKED = (
    "import sys; sys.modules['django'] = None; "  # any `import django...` now fails
    "from hansei.lint import lint_text, lint_postmortem, PostmortemInput, SectionInput; "
    "import hansei.cli.lint; "
    "print(lint_text('Alice forgot to renew it.')[0].rule_id)"
)


def test_it_imports_and_runs_with_django_blocked() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCKED],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parents[1],
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "blame-person"
    assert "django" not in done.stderr.lower()


def test_no_module_in_the_package_imports_django() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "django" or n.startswith("django.") for n in names), path
