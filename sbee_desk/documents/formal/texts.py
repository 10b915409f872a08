"""The texts of the letters and the orders (``reports/*.toml``), read and checked
against what each document expects, and the agency header both share."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbee_desk.documents.resources import TemplateError, load_report_texts


def check_texts(
    path: Path,
    data: Mapping[str, Any],
    spec: Mapping[str, Mapping[str, tuple[str, frozenset[str]]]],
) -> dict[str, dict[str, Any]]:
    """Check ``data`` (one TOML file of ``reports/``) against ``spec``.

    ``spec[section][key] = (type, names)``: type ``"str"`` (one text), ``"list"`` (a
    list of texts, e.g. paragraphs or bullets) or ``"opt"`` (a text that may be
    empty); ``names`` are the ``{placeholders}`` the text may use. Raises
    :class:`TemplateError` naming the file, section and key.
    """
    where = f"Modèle « {path} »"
    out: dict[str, dict[str, Any]] = {}
    for section, keys in spec.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise TemplateError(f"{where} : section [{section}] absente.")
        checked: dict[str, Any] = {}
        for key, (kind, names) in keys.items():
            value = table.get(key)
            if kind == "list":
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
                texts = [str(v) for v in value] if ok and isinstance(value, list) else []
            else:
                ok = isinstance(value, str) and (kind == "opt" or bool(value.strip()))
                texts = [value] if ok and isinstance(value, str) else []
            if not ok:
                expected = "une liste de textes" if kind == "list" else "un texte"
                raise TemplateError(
                    f"{where}, section [{section}] : « {key} » absent ou vide ({expected} attendu)."
                )
            for text in texts:
                _check_placeholders(where, section, key, text, names)
            checked[key] = value
        out[section] = checked
    return out


def _check_placeholders(
    where: str, section: str, key: str, text: str, names: frozenset[str]
) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise TemplateError(
            f"{where}, [{section}] {key} = « {text} » : accolade seule ({exc}). "
            "Écrivez {{ ou }} pour une accolade imprimée."
        ) from exc
    unknown = sorted({f for f in fields if f not in names})
    if unknown:
        allowed = ", ".join("{" + n + "}" for n in sorted(names)) or "aucun"
        raise TemplateError(
            f"{where}, [{section}] {key} : nom {', '.join('{' + u + '}' for u in unknown)} "
            f"inconnu ou interdit ici. Noms possibles : {allowed}."
        )


def load_texts(
    name: str, spec: Mapping[str, Mapping[str, tuple[str, frozenset[str]]]]
) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Read and check ``reports/<name>``; :class:`TemplateError` (French) otherwise."""
    path, data = load_report_texts(name)
    return path, check_texts(path, data, spec)


HEADER_NAMES = frozenset({"agency_code", "agency_name"})
#: [header] of letters.toml and orders.toml
HEADER_SPEC: dict[str, tuple[str, frozenset[str]]] = {
    "organisation": ("str", frozenset()),
    "unit": ("str", frozenset()),
    "address": ("opt", frozenset()),
    "contact": ("opt", frozenset()),
    "agency": ("str", HEADER_NAMES),
    "agency_without_name": ("str", HEADER_NAMES),
    "place": ("opt", frozenset()),
    "place_date": ("str", frozenset({"place", "date"})),
    "logo": ("opt", frozenset()),
}


@dataclass(frozen=True)
class HeaderTexts:
    """The agency header (identical on letters and orders), with its optional logo."""

    organisation: str
    unit: str
    address: str
    contact: str
    agency: str
    agency_without_name: str
    place: str
    place_date: str
    logo: bytes | None = None

    @classmethod
    def from_section(cls, path: Path, section: Mapping[str, str]) -> HeaderTexts:
        logo = None
        if section["logo"].strip():
            logo_path = (path.parent / section["logo"]).resolve()
            try:
                logo = logo_path.read_bytes()
            except OSError as exc:
                raise TemplateError(
                    f"Modèle « {path} », [header] logo : fichier « {logo_path} » illisible "
                    f'({exc.strerror or exc}). Corrigez le chemin ou laissez logo = "".'
                ) from exc
            if not logo.startswith((b"\x89PNG", b"\xff\xd8")):
                raise TemplateError(
                    f"Modèle « {path} », [header] logo : « {logo_path} » n'est pas une image "
                    "PNG ou JPEG."
                )
        values = {k: section[k] for k in HEADER_SPEC if k != "logo"}
        return cls(logo=logo, **values)

    def agency_label(self, code: str, name: str | None) -> str:
        if name:
            return self.agency.format(agency_code=code, agency_name=name)
        return self.agency_without_name.format(agency_code=code, agency_name="")
