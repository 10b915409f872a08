"""Counts are worded with real plurals (« 1 lettre », « 3 lettres »), never « lettre(s) ».

Scans the string literals of the faces (gui/ and the CLI) for "(s)"; the words go
through ``sbee_desk.gui.formatting.plural`` instead (issue #10).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: the faces, and the layers whose messages the faces show as they are
SOURCES = [
    *sorted((ROOT / "sbee_desk").rglob("*.py")),
]
#: none left: every face is fixed (issue #10)
NOT_YET: set[Path] = set()


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def fake_plurals(path: Path) -> list[str]:
    """``file:line: text`` of each string literal (f-strings too) holding "(s)"."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docstrings = _docstrings(tree)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and "(s)" in node.value
        ):
            found.append(f"{name}:{node.lineno}: {node.value!r}")
    return found


def test_the_scan_finds_a_fake_plural(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        '"""Docstring (s) is fine."""\n'
        "# a comment (s) too\n"
        'text = f"{n} lettre(s) de relance"\n'
        'other = tr("{n} ligne(s)")\n',
        encoding="utf-8",
    )
    assert fake_plurals(source) == [
        "sample.py:3: ' lettre(s) de relance'",
        "sample.py:4: '{n} ligne(s)'",
    ]


def test_no_visible_string_says_s_in_brackets() -> None:
    found = [hit for path in SOURCES if path not in NOT_YET for hit in fake_plurals(path)]
    assert found == [], "use formatting.plural:\n" + "\n".join(found)
