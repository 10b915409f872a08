"""One error and wording contract (issue #11): the services raise codes, the
French words for them live in ``sbee_desk.wording.errors``.

- every code a service raises has a message, and every message is raised somewhere
  (no dead words);
- no raise in ``sbee_desk/services`` or ``sbee_desk/importers`` carries a French
  sentence: a service error gets a code (UPPER_SNAKE), anything else (a defect,
  for the developer) an English text.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import sbee_desk
from sbee_desk.importers.formats import TABLES
from sbee_desk.importers.results import ImportCancelled, ImportFailed, ImportProblem, problem_of
from sbee_desk.services.errors import ServiceError
from sbee_desk.wording.errors import MESSAGES, message

ROOT = Path(sbee_desk.__file__).parent
PACKAGES = ("services", "importers")
CODE = re.compile(r"^[A-Z][A-Z0-9_]+$")
#: helpers of the importers that word a problem (or a warning) of the import report
#: from a code:
#: name -> index of the code among their arguments
PROBLEM_BUILDERS = {"_fail": 1, "_problem": 1, "problem_of": 3, "add_coded": 3, "warning_of": 0}


def _modules() -> list[Path]:
    return sorted(p for name in PACKAGES for p in (ROOT / name).rglob("*.py"))


def _family() -> dict[str, type[ServiceError]]:
    """Every ServiceError class, by name (the modules imported first)."""
    for name in PACKAGES:
        package = importlib.import_module(f"sbee_desk.{name}")
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(info.name)
    found: dict[str, type[ServiceError]] = {}
    todo: list[type[ServiceError]] = [ServiceError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _raised_codes() -> dict[str, list[str]]:
    """code -> where it is raised: the first argument of a call that builds a
    ServiceError (``XError("CODE", …)``, or ``super().__init__("CODE", …)`` in the
    ``__init__`` of a family member)."""
    family = _family()
    codes: dict[str, list[str]] = {}
    bad: list[str] = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        builds = [
            n
            for n in calls
            if (name := _name(n.func)) in family and "__init__" not in vars(family[name or ""])
        ]
        for cls_node in ast.walk(tree):
            if isinstance(cls_node, ast.ClassDef) and cls_node.name in family:
                if family[cls_node.name] is ServiceError:
                    continue
                builds += [
                    n
                    for n in ast.walk(cls_node)
                    if isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Attribute)
                    and n.func.attr == "__init__"
                    and isinstance(n.func.value, ast.Call)
                    and _name(n.func.value.func) == "super"
                ]
        problems = [
            n
            for n in calls
            if (name := _name(n.func)) in PROBLEM_BUILDERS
            and len(n.args) > PROBLEM_BUILDERS[name or ""]
        ]
        for node in [*builds, *problems]:
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            index = PROBLEM_BUILDERS.get(_name(node.func) or "", 0) if node in problems else 0
            first = node.args[index] if len(node.args) > index else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                codes.setdefault(first.value, []).append(where)
            else:
                bad.append(where)
    assert not bad, f"a service error built without a literal code: {sorted(set(bad))}"
    return codes


def test_every_raised_code_has_words_and_every_word_is_raised() -> None:
    codes = _raised_codes()
    assert codes, "no service error code found: the scan is broken"
    malformed = sorted(c for c in codes if not CODE.match(c))
    assert not malformed, f"codes must be UPPER_SNAKE: {malformed}"
    missing = sorted(c for c in codes if c not in MESSAGES)
    assert not missing, f"codes raised without a message in wording/errors.py: {missing}"
    dead = sorted(set(MESSAGES) - set(codes))
    assert not dead, f"messages for codes that nothing raises: {dead}"


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def test_no_french_sentence_in_a_raise() -> None:
    family = _family()
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
                continue
            call = node.exc
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            args = [*call.args, *(k.value for k in call.keywords)]
            if _name(call.func) in family:
                # the code first; the data are values, never a sentence
                texts = _strings(call.args[0]) if call.args else []
                found += [(where, t) for t in texts if not CODE.match(t)]
                found += [(where, t) for a in args[1:] for t in _strings(a) if not t.isascii()]
            else:
                # another exception is a defect: its text is for the developer
                found += [(where, t) for a in args for t in _strings(a) if not t.isascii()]
    assert not found, f"French words in a raise (give the error a code): {found}"


def test_str_of_a_service_error_is_its_french_message() -> None:
    exc = ServiceError("LOGIN_TAKEN", login="awa")
    assert exc.code == "LOGIN_TAKEN"
    assert exc.data == {"login": "awa"}
    assert str(exc) == "L'identifiant « awa » existe déjà."
    assert str(exc) == message("LOGIN_TAKEN", {"login": "awa"})


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_codes_are_upper_snake(code: str) -> None:
    assert CODE.match(code)


def test_an_import_refused_or_cancelled_is_a_service_error() -> None:
    problem = ImportProblem("factures", 3, "montant", "montant « x » illisible")
    failed = ImportFailed([problem, problem])
    assert isinstance(failed, ServiceError)
    assert failed.code == "IMPORT_FAILED"
    assert failed.problems == [problem, problem]
    assert str(failed) == "Import refusé : 2 problèmes, rien n'a été écrit."
    assert str(ImportFailed([problem])) == "Import refusé : 1 problème, rien n'a été écrit."
    cancelled = ImportCancelled()
    assert isinstance(cancelled, ServiceError)
    assert cancelled.code == "IMPORT_CANCELLED"
    assert str(cancelled) == "Import annulé : rien n'a été écrit."


def test_a_problem_of_the_import_report_is_worded_from_its_code() -> None:
    problem = problem_of("import", 0, "", "MORE_PROBLEMS", count=5)
    assert problem == ImportProblem(
        "import",
        0,
        "",
        "… et 5 autres problèmes, non listés : corrigez ceux-ci puis relancez l'import",
    )


def test_every_import_table_and_reference_has_its_words() -> None:
    for spec in TABLES:
        duplicate = message("DUPLICATE_ROW", {"table": spec.name, "key": "K", "first_line": 2})
        assert duplicate.endswith("« K » en double (déjà ligne 2)")
        for ref in spec.references:
            unknown = message("UNKNOWN_REFERENCE", {"table": ref.table, "value": "V"})
            assert unknown.endswith(" (ni dans l'import ni dans la base)")
            assert "« V » inconnu" in unknown


def test_every_date_order_of_the_import_has_its_words() -> None:
    orders = [(spec.name, after) for spec in TABLES for _before, after in spec.date_order]
    assert orders, "no date order found: the scan is broken"
    for table, column in orders:
        data = {"table": table, "column": column, "before": "02/03/2026", "after": "01/03/2026"}
        worded = message("DATES_OUT_OF_ORDER", data)
        assert "01/03/2026" in worded
        assert "02/03/2026" in worded
