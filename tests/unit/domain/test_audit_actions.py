"""The journal's action codes: one definition (``domain.audit_actions``), a French name
for each, and no audit write that bypasses it with a bare string (#10)."""

from __future__ import annotations

import ast
from pathlib import Path

from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.wording.audit_text import action_choices, action_label
from sbee_desk.wording.labels import AUDIT_ACTION_LABELS

ROOT = Path(__file__).resolve().parents[3]
#: where audit events are written from (the application and the benchmarks)
SOURCES = [ROOT / "sbee_desk", ROOT / "bench"]
#: the functions that write an event, or pass their action code on to one, and the
#: place of the action among their positional arguments (record_many: in its dicts)
WRITERS = {"record": 2, "cancel_ended": 3, "record_many": None}


def test_every_action_has_a_french_label() -> None:
    members = list(AuditAction)
    assert len(members) >= 28
    for action in members:
        label = AUDIT_ACTION_LABELS.get(action)
        assert label, f"{action.value} n'a pas de libellé"
        assert label == action_label(action) == action_label(action.value)
        assert label[0].isupper() and "_" not in label and action.value not in label
        assert not label.startswith("Autre action")
    assert set(AUDIT_ACTION_LABELS) == set(AuditAction)
    assert len(set(AUDIT_ACTION_LABELS.values())) == len(AUDIT_ACTION_LABELS), "two same labels"


def test_the_stored_codes_never_change() -> None:
    """The values are in the hash of every event already written: old journals must
    still verify and still be named. A new action is a new member."""
    historical = {
        "login",
        "refused",
        "user.create",
        "user.update",
        "staff.save",
        "plan.update",
        "import",
        "import.update",
        "import.r7_cancel",
        "selection.run",
        "review.exclude",
        "review.restore",
        "review.validate",
        "review.r7_cancel",
        "derogation.add",
        "lists.archive",
        "lists.copy",
        "edition.start",
        "edition.resume",
        "edition.documents",
        "edition.finish",
        "edition.r7_cancel",
        "edition.print",
        "edition.reprint",
        "edition.handover",
        "demo.agency",
        "demo.letter",
        "demo.derogation",
        "demo.history",
    }
    assert historical <= {a.value for a in AuditAction}


def test_the_filter_offers_every_action_and_the_demo_group() -> None:
    choices = action_choices()
    codes = [code for code, _label in choices]
    assert set(AuditAction) <= set(codes)
    assert codes.index("demo.*") == codes.index(AuditAction.DEMO_AGENCY) - 1
    assert dict(choices)["demo.*"] == "Démonstration (tout)"
    assert all(label and not label.startswith("Autre action") for _code, label in choices)
    assert action_label("demo.nouveau") == "Démonstration : nouveau"
    assert action_label("x.y") == "Autre action (x.y)"


def _literal_strings(node: ast.AST) -> list[str]:
    """The string literals an expression may evaluate to (``"a"``, ``"a" if x else
    "b"``, f-strings), not those it only uses (``event["action"]``, ``f("a")``)."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(node)]
    if isinstance(node, ast.IfExp):
        return _literal_strings(node.body) + _literal_strings(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [text for value in node.values for text in _literal_strings(value)]
    if isinstance(node, ast.BinOp):  # "edition." + kind
        return _literal_strings(node.left) + _literal_strings(node.right)
    return []


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def test_no_audit_write_uses_a_bare_string() -> None:
    """Every action written goes through AuditAction: a call of an audit writer with a
    string literal where the action goes, or an event dict whose ``"action"`` is a
    literal, is refused (mypy refuses them too; this also covers untyped code)."""
    offenders: list[str] = []
    writes = 0
    for source in SOURCES:
        for path in sorted(source.rglob("*.py")):
            if "forms" in path.relative_to(source).parts[:-1]:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            where = path.relative_to(ROOT)
            for node in ast.walk(tree):
                name = _call_name(node) if isinstance(node, ast.Call) else None
                if isinstance(node, ast.Call) and name in WRITERS:
                    writes += 1
                    place = WRITERS[name]
                    suspects = node.args[place : place + 1] if place is not None else []
                    suspects += [k.value for k in node.keywords if k.arg == "action"]
                    for arg in suspects:
                        for text in _literal_strings(arg):
                            offenders.append(f"{where}:{node.lineno}: {text!r}")
                elif isinstance(node, ast.Dict):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "action":
                            writes += 1
                            for text in _literal_strings(value):
                                offenders.append(f"{where}:{node.lineno}: {text!r}")
    assert writes >= 30, "the scan no longer finds the audit writes"
    assert offenders == []
