"""architecture.md: the layers and their arrows, checked on the import graph.

From top to bottom::

    gui, cli, app (the faces)  →  services  →  importers  →  documents, db, domain

- nothing below ``gui/`` imports PySide6;
- a layer imports only itself and the layers below it (``LAYERS``); ``importers`` is a
  helper of ``services`` — it parses and stages, the use case (role, audit, R7) is a
  service's;
- ``domain`` imports nothing of the project but itself; ``documents`` and ``db`` only
  ``domain`` (and ``documents`` the words);
- ``wording`` (every French word: error messages, labels) imports only ``domain``, and
  every layer above it may read it;
- the faces open the database but never query it: no ``sbee_desk.db.models`` there;
- nothing imports ``gui`` but ``app.py``, ``gui`` itself and the named exceptions;
- a migration (``db/migrations/versions/``) imports nothing of the live project: what
  it needs is a frozen copy inside it, so changing the live code cannot change an old
  migration.

Every import counts, lazy ones (inside a function) included. A named exception is one
(importer, imported) pair of modules with its reason, in ``EXCEPTIONS``.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sbee_desk"
ROOT = "sbee_desk"

#: what each layer may import of the project (``root``: ``sbee_desk/__init__.py``, the
#: application's name and version, importable by every layer but ``domain``)
LAYERS: dict[str, set[str]] = {
    "main": {"main", "cli"},
    "app": {"app", "gui", "services", "db", "wording", "domain", "root", "logs"},
    "cli": {"cli", "app", "services", "db", "wording", "domain", "root", "logs"},
    "gui": {"gui", "services", "db", "wording", "domain", "root", "logs"},
    "services": {"services", "importers", "documents", "db", "wording", "domain", "root"},
    "importers": {"importers", "documents", "db", "wording", "domain"},
    "documents": {"documents", "wording", "domain"},
    "db": {"db", "wording", "domain", "root"},
    "wording": {"wording", "domain"},
    "domain": {"domain"},
    "migrations": set(),
    # the log file and the operations' log lines (``sbee_desk/logs.py``), for the faces
    "logs": {"logs", "root"},
}

FACES = {"main", "app", "cli", "gui"}
#: what the faces may import of ``db``: opening it and handing a unit of work to the
#: services (queries — ``sbee_desk.db.models`` — are the services')
FACE_DB = {"sbee_desk.db", "sbee_desk.db.database", "sbee_desk.db.engine", "sbee_desk.db.uow"}

#: (importer, imported) → why the arrow is allowed although the layers forbid it; a
#: key ending in ``.*`` covers the package's modules
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("sbee_desk.importers.values", "sbee_desk.services.errors"): (
        "a cell that cannot be read is a ServiceError (BadValue), the one error family"
    ),
    ("sbee_desk.importers.results", "sbee_desk.services.errors"): (
        "an import refused or cancelled is a ServiceError (ImportFailed, ImportCancelled), "
        "the one error family"
    ),
    ("sbee_desk.cli.edition", "sbee_desk.gui.printing"): (
        "`sbee-desk print --imprimante` prints through Qt's printer; imported lazily "
        "inside the print command, so no other command loads Qt"
    ),
    ("sbee_desk.cli.edition", "sbee_desk.gui.dialogs.print_dialogs"): (
        "`sbee-desk print` drives the same print loop as the print queue page; "
        "imported lazily inside the print command, so no other command loads Qt"
    ),
}


@dataclass(frozen=True)
class Arrow:
    where: str  # file:line
    importer: str
    imported: str


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    base = PACKAGE.parent / rel
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the project in ``path``, lazy ones included."""
    importer = module_name(path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:  # `from sbee_desk.services import audit`: a module
                sub = f"{module}.{alias.name}"
                found.append((node.lineno, sub if is_module(sub) else module))
    return [(line, m) for line, m in found if m == ROOT or m.startswith(ROOT + ".")]


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    top = parts[1]
    if top == "__main__":
        return "main"
    if parts[1:4] == ["db", "migrations", "versions"] and len(parts) > 4:
        return "migrations"
    return top


@functools.cache
def all_arrows() -> list[Arrow]:
    arrows = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        rel = path.relative_to(PACKAGE.parent)
        for line, imported in imports_of(path):
            arrows.append(Arrow(f"{rel}:{line}", importer, imported))
    return arrows


def covers(key: tuple[str, str], arrow: Arrow) -> bool:
    importer, imported = key
    if importer.endswith(".*"):
        matches = arrow.importer.startswith(importer[:-1])
    else:
        matches = arrow.importer == importer
    return matches and arrow.imported == imported


def excepted(arrow: Arrow) -> bool:
    return any(covers(key, arrow) for key in EXCEPTIONS)


def forbidden(arrow: Arrow) -> bool:
    source, target = layer_of(arrow.importer), layer_of(arrow.imported)
    if target not in LAYERS[source]:
        return True
    return source in FACES and target == "db" and arrow.imported not in FACE_DB


def test_every_arrow_runs_down_the_layers() -> None:
    wrong = sorted(
        {f"{a.where} → {a.imported}" for a in all_arrows() if forbidden(a) and not excepted(a)}
    )
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_every_exception_is_still_needed() -> None:
    """A named exception nobody uses any more goes: the contract stays as tight as the code."""
    used = {key for a in all_arrows() if forbidden(a) for key in EXCEPTIONS if covers(key, a)}
    unused = set(EXCEPTIONS) - used
    assert not unused, f"exceptions no import needs any more: {sorted(unused)}"


def test_no_private_name_is_imported_from_another_module() -> None:
    """``_name`` is its module's business: what another module needs is made public,
    in the module where it belongs."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 0 and not module.startswith(ROOT):
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        rel = path.relative_to(PACKAGE.parent)
                        wrong.append(f"{rel}:{node.lineno} → {module}.{alias.name}")
    assert not wrong, "private names imported from another module:\n" + "\n".join(wrong)


def test_the_contract_sees_the_wrong_arrows() -> None:
    """The checker itself: a service importing the GUI, a migration importing live
    code, a face running SQL are caught; a service importing a helper is not."""
    assert forbidden(Arrow("x", "sbee_desk.services.edition", "sbee_desk.gui.printing"))
    assert forbidden(Arrow("x", "sbee_desk.importers.rows", "sbee_desk.services.audit"))
    assert forbidden(
        Arrow("x", "sbee_desk.db.migrations.versions.0001_initial_schema", "sbee_desk.domain")
    )
    assert forbidden(Arrow("x", "sbee_desk.domain.rules", ROOT))
    assert forbidden(Arrow("x", "sbee_desk.cli", "sbee_desk.db.models"))
    assert forbidden(Arrow("x", "sbee_desk.gui.pages.data_page", "sbee_desk.importers"))
    assert not forbidden(Arrow("x", "sbee_desk.services.demo", "sbee_desk.importers"))
    assert not forbidden(Arrow("x", "sbee_desk.db.migrations.env", "sbee_desk.db.models"))
    assert not forbidden(Arrow("x", "sbee_desk.gui.context", "sbee_desk.db.database"))
    assert layer_of("sbee_desk.db.migrations.versions") == "db"  # the package, not a migration
    lazy = imports_of(PACKAGE / "cli" / "edition.py")
    assert any(m == "sbee_desk.gui.printing" for _, m in lazy)  # imported inside a function
    # every module of the cli package is the CLI face, held to the face's rules
    assert {layer_of(module_name(p)) for p in (PACKAGE / "cli").glob("*.py")} == {"cli"}
    assert forbidden(Arrow("x", "sbee_desk.cli.admin", "sbee_desk.db.models"))
    assert forbidden(Arrow("x", "sbee_desk.cli.data", "sbee_desk.gui.printing"))


def test_nothing_below_gui_imports_pyside6() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in {"gui", "app.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"PySide6", "shiboken6"} for n in names):
                offenders.append(str(rel))
    assert offenders == []
