"""The forms drawn in Qt Designer (ui/*.ui) and their generated modules (gui/forms)
agree: a .ui changed without regenerating fails here (architecture.md: generated,
never edited by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbee_desk.gui.forms.__main__ import FORMS, UI, generate

SOURCES = sorted(UI.glob("*.ui"))


def _code(text: str) -> list[str]:
    """The module without its header comments (they name the uic version)."""
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_every_form_has_its_designer_file() -> None:
    generated = {p.stem for p in FORMS.glob("*.py") if not p.name.startswith("_")}
    assert generated == {p.stem for p in SOURCES} and generated


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_generated_form_is_up_to_date(source: Path) -> None:
    committed = (FORMS / f"{source.stem}.py").read_text(encoding="utf-8")
    assert _code(generate(source)) == _code(committed), (
        f"{source.name} a changé : régénérez avec « python -m sbee_desk.gui.forms »"
    )
