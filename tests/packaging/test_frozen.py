"""The packaged application (#17): the executable built by ``bash scripts/package`` runs
with no Python of ours — its version, the demo agency on a fresh database, a selection,
the night edition's PDFs with their accents, and the window opening.

Skipped unless the bundle (``dist/sbee-desk/``) exists and is newer than the code, or
``SBEE_DESK_PACKAGE_TEST=1`` asks for it (then a missing or stale bundle fails): a build
takes a minute or two, so the ordinary suite does not make one. ``bash scripts/package
--test`` builds and runs this.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from sbee_desk import __version__
from sbee_desk.services.users import DEMO_PASSWORD
from tests.unit.documents.edition_data import page_fonts

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "sbee-desk"
EXE = BUNDLE / ("sbee-desk-cli.exe" if sys.platform == "win32" else "sbee-desk")
FORCED = os.environ.get("SBEE_DESK_PACKAGE_TEST") == "1"


def _stale_reason() -> str | None:
    """Why the bundle cannot be tested (missing, or older than the code), or None."""
    if not EXE.is_file():
        return f"pas de paquet {EXE} : lancez « bash scripts/package »"
    built = EXE.stat().st_mtime
    sources = [*ROOT.joinpath("sbee_desk").rglob("*.py"), *ROOT.joinpath("reports").glob("*")]
    newer = [p for p in sources if p.stat().st_mtime > built]
    if newer:
        return f"paquet plus ancien que {newer[0].relative_to(ROOT)} : relancez scripts/package"
    return None


REASON = _stale_reason()
if REASON and FORCED:
    pytest.fail(REASON, pytrace=False)
pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(REASON is not None, reason=REASON or ""),
]


class Frozen:
    """The frozen executable in a folder of its own, away from the checkout."""

    def __init__(self, home: Path) -> None:
        self.home = home
        keep = {"PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "USERPROFILE"}
        self.env = {k: v for k, v in os.environ.items() if k in keep}
        self.env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CONFIG_HOME=str(home / "config"),
            SBEE_DESK_DB=f"sqlite:///{home / 'agence.db'}",
            SBEE_DESK_LOG_DIR=str(home / "logs"),
            SBEE_DESK_USER="chef",
            SBEE_DESK_PASSWORD=DEMO_PASSWORD,
            QT_QPA_PLATFORM="offscreen",
        )

    def run(self, *argv: str, prefix: tuple[str, ...] = (), **env: str) -> str:
        done = subprocess.run(
            [*prefix, str(EXE), *argv],
            cwd=self.home,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        assert done.returncode == 0, f"{argv}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Frozen:
    """The demo agency loaded by the frozen executable on a fresh database."""
    app = Frozen(tmp_path_factory.mktemp("frozen"))
    out = app.run("demo", "--contracts", "300")
    assert "Agence de démonstration chargée" in out
    return app


def test_the_version(frozen: Frozen) -> None:
    assert frozen.run("--version").strip() == f"sbee-desk {__version__}"


def test_the_demo_a_selection_and_the_night_edition_with_accents(frozen: Frozen) -> None:
    run = frozen.run("select").strip().splitlines()[-1]
    assert run.isdigit(), run
    frozen.run("validate", "--run", run, "--all")
    out_dir = frozen.home / "edition"
    # --workers 2: the PDFs drawn in worker processes, i.e. the frozen executable started
    # again by multiprocessing (freeze_support in packaging/entry.py)
    out = frozen.run("edition", "--out", str(out_dir), "--workers", "2")
    assert "Édition n° " in out
    letters = sorted(out_dir.rglob("*lettres-releveur.pdf"))
    assert letters, sorted(p.name for p in out_dir.rglob("*"))
    reader = PdfReader(letters[0])
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Société Béninoise d’Énergie Électrique (SBEE)" in text
    fonts = page_fonts(letters[0].read_bytes())
    assert fonts and all("DejaVu" in name and embedded for name, embedded in fonts.items()), fonts

    log = (frozen.home / "logs" / "sbee-desk.log").read_text(encoding="utf-8")
    assert "fin : edition (" in log and DEMO_PASSWORD not in log


def test_the_window_opens_offscreen(frozen: Frozen) -> None:
    report = json.loads(frozen.run("gui", "--smoke").strip().splitlines()[-1])
    assert report["platform"] == "offscreen" and report["visible"]
    assert report["selection"].endswith("Sélection")


@pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("xvfb-run") is None, reason="Xvfb (Linux)"
)
def test_the_window_opens_on_a_real_x_server(frozen: Frozen) -> None:
    """The bundled xcb platform plugin and the libraries it needs, on Xvfb."""
    out = frozen.run("gui", "--smoke", prefix=("xvfb-run", "-a"), QT_QPA_PLATFORM="xcb")
    report = json.loads(out.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and report["visible"]
