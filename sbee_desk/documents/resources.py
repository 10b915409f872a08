"""Where the documents find their fonts (``resources/fonts``) and texts (``reports/``).

Both folders live at the top of the repository (architecture.md). In a source
checkout or an editable install they are read in place; an installed wheel ships
them as data files under ``<prefix>/share/sbee-desk/`` (pyproject.toml,
``[tool.setuptools.data-files]``). ``SBEE_DESK_REPORTS`` names another folder of
texts: the agency's own edited copy, kept outside the installation.
"""

from __future__ import annotations

import os
import re
import site
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

ENV_REPORTS = "SBEE_DESK_REPORTS"
SHARE_NAME = "sbee-desk"

#: the repository root when running from a checkout (or an editable install)
_CHECKOUT = Path(__file__).resolve().parents[2]


class TemplateError(Exception):
    """A text file of ``reports/`` is missing or wrong; ``str()`` is a French message."""


def _installed_roots() -> list[Path]:
    roots = []
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "sbee_desk").is_dir():
        roots.append(_CHECKOUT)
    frozen = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle
    if frozen:
        roots.append(Path(frozen))
    for base in (sysconfig.get_path("data"), sys.prefix, site.getuserbase()):
        if base:
            roots.append(Path(base) / "share" / SHARE_NAME)
    return roots


def _find(relative: str, marker: str) -> Path:
    for root in _installed_roots():
        folder = root / relative
        if (folder / marker).is_file():
            return folder
    searched = ", ".join(str(r / relative) for r in _installed_roots())
    raise TemplateError(
        f"Fichier « {relative}/{marker} » introuvable (cherché dans : {searched}). "
        "L'installation est incomplète : réinstallez sbee-desk."
    )


def fonts_dir() -> Path:
    """``resources/fonts`` (DejaVu Sans and its licence)."""
    return _find("resources/fonts", "DejaVuSans.ttf")


def reports_dir(name: str) -> Path:
    """The folder holding ``reports/<name>``: $SBEE_DESK_REPORTS first, then the shipped one."""
    override = os.environ.get(ENV_REPORTS)
    if override and (Path(override) / name).is_file():
        return Path(override)
    return _find("reports", name)


def load_report_texts(name: str) -> tuple[Path, dict[str, Any]]:
    """Read ``reports/<name>`` (TOML, UTF-8); a clear French message if it cannot be read."""
    path = reports_dir(name) / name
    try:
        with path.open("rb") as handle:
            return path, tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        at = f", ligne {where[1]}, colonne {where[2]}" if where else ""
        raise TemplateError(
            f"Modèle « {path} » illisible{at} : syntaxe TOML incorrecte ({exc}). Corrigez le "
            "fichier ou reprenez celui livré avec l'application."
        ) from exc
    except OSError as exc:
        raise TemplateError(f"Modèle « {path} » illisible : {exc.strerror or exc}.") from exc
