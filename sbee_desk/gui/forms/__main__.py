"""Regenerate every form of ``sbee_desk/gui/forms`` from ``ui/*.ui`` (pyside6-uic)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FORMS = Path(__file__).resolve().parent
UI = FORMS.parents[2] / "ui"


def uic() -> str:
    """The pyside6-uic beside this Python (the virtual environment's)."""
    name = "pyside6-uic.exe" if sys.platform == "win32" else "pyside6-uic"
    return str(Path(sys.executable).with_name(name))


def generate(source: Path) -> str:
    """The Python module pyside6-uic makes of ``source``."""
    result = subprocess.run([uic(), str(source)], capture_output=True, text=True, check=True)
    return result.stdout


def main() -> int:
    for source in sorted(UI.glob("*.ui")):
        target = FORMS / f"{source.stem}.py"
        target.write_text(generate(source), encoding="utf-8")
        print(f"{source.name} → {target.relative_to(FORMS.parents[1])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
