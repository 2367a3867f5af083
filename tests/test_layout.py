"""Dependencies point one way: funds <- applications <- screening <- panels <- awards <-
monitoring.

An earlier domain never imports a later one, not even inside a function: where funds needs a fact
a later domain owns, the later domain registers a check with it (grants.funds.locks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GRANTS = Path(__file__).resolve().parent.parent / "grants"

# Each domain, and the later domains it must never import.
LATER = {
    # Groups come before everything done with their applications: later domains listen for a
    # join through grants.organisations.joins.
    "organisations": (
        "grants.funds",
        "grants.applications",
        "grants.screening",
        "grants.panels",
        "grants.awards",
        "grants.monitoring",
    ),
    "funds": (
        "grants.applications",
        "grants.screening",
        "grants.panels",
        "grants.awards",
        "grants.monitoring",
    ),
    "applications": ("grants.screening", "grants.panels", "grants.awards", "grants.monitoring"),
    "screening": ("grants.panels", "grants.awards", "grants.monitoring"),
    "panels": ("grants.awards", "grants.monitoring"),
    "awards": ("grants.monitoring",),
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions, absolute or relative."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(GRANTS.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("domain", list(LATER))
def test_no_domain_imports_a_later_one(domain):
    offending = []
    for path in sorted((GRANTS / domain).rglob("*.py")):
        for module in imported_modules(path):
            if module.startswith(LATER[domain]):
                offending.append(f"{path.relative_to(GRANTS.parent)} imports {module}")
    assert not offending, "\n".join(offending)


def test_the_check_sees_an_import_when_there_is_one(tmp_path, monkeypatch):
    fake = tmp_path / "grants" / "funds"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text(
        "def f():\n    from grants.applications.models import Application\n"
        "from ..screening import queue\n"
    )
    monkeypatch.setattr("tests.test_layout.GRANTS", tmp_path / "grants")
    assert imported_modules(fake / "bad.py") >= {
        "grants.applications.models",
        "grants.screening",
        "grants.screening.queue",
    }


def test_no_module_is_named_for_its_size_or_audience():
    names = [path.stem for path in GRANTS.rglob("*.py")]
    assert not [n for n in names if n.endswith(("_more", "_extra", "2")) or n.startswith("forms_")]
