"""The wording of the lists, ``reports/lists.toml``: its sections, the columns of each
list, read and checked (:class:`TemplateError` names what is wrong and where)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbee_desk.documents.formats import format_count
from sbee_desk.documents.resources import TemplateError, load_report_texts
from sbee_desk.domain.enums import Decision, DropReason, ListKind

TEXTS_FILE = "lists.toml"

COLUMN_KEYS = (
    "numero",
    "police",
    "code_client",
    "client",
    "categorie",
    "adresse",
    "quartier",
    "zone",
    "pdl",
    "compteur",
    "tension",
    "impayes",
    "montant",
    "suspendu_le",
    "jours",
    "decision",
    "derogation",
    "motif",
)
NUMERIC = {"impayes", "montant", "jours"}
_SAMPLE = {
    "agency_code": "AG",
    "agency_name": "Agence",
    "bordereau": "B",
    "voltage": "BT",
    "period": "septembre 2026",
    "run": 1,
    "run_date": "01/01/2026",
    "validated_by": "x",
    "validated_at": "x",
    "produced_at": "x",
    "produced_by": "x",
    "page": 1,
    "pages": 2,
    "title": "t",
    "decision": "d",
    "date": "01/01/2026",
    "reason": "r",
    "count": 1,
    "reminder_delay": "7 jours",
    "low": 7,
    "high": 10,
    "threshold": 2,
    "reference": "DG-1",
    "category": "Agent SBEE",
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "header": (
        "organisation",
        "unit",
        "address",
        "agency",
        "agency_without_name",
        "bordereau_label",
        "bordereau",
        "run_label",
        "run",
        "validated_label",
        "validated",
        "lines_label",
        "produced",
        "page",
        "running",
    ),
    "titles": tuple(ListKind),
    "subtitles": tuple(ListKind),
    "decisions": tuple(Decision),
    "decisions_short": tuple(Decision),
    "control": (
        "excluded",
        "dropped",
        "cancelled",
        "cancelled_reason",
        "derogation",
        "derogation_reason",
        "derogation_column",
    ),
    "dropped_reasons": (*DropReason, "UNKNOWN"),
    "plan": ("days_one", "days_many", "days_range"),
    "totals": ("label", "clients_one", "clients_many", "excel_clients_format", "empty"),
}
#: groups of the control list, in their order, as counted in its summary line
CONTROL_GROUPS = ("excluded", "exempt", "waiting", "derogation", "dropped")
_LIST_KEYS = ", ".join(COLUMN_KEYS)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_mm: float
    excel_width: float


@dataclass(frozen=True)
class ListTexts:
    """The wording of the lists (``reports/lists.toml``), checked when read."""

    source: Path
    header: dict[str, str]
    titles: dict[str, str]
    subtitles: dict[str, str]
    decisions: dict[str, str]
    decisions_short: dict[str, str]
    control: dict[str, str]
    dropped_reasons: dict[str, str]
    plan: dict[str, str]
    totals: dict[str, str]
    #: the columns of each list, in printing order (``[lists]``)
    columns: dict[ListKind, tuple[Column, ...]]
    #: control-list summary: (one, many) per group of CONTROL_GROUPS
    control_summary: dict[str, tuple[str, str]]
    signatures: dict[str, list[str]]
    signature_caption: str
    #: agency names by code, as the agency wants them printed (over the imported ones)
    agencies: dict[str, str]

    def clients(self, count: int) -> str:
        key = "clients_one" if count <= 1 else "clients_many"
        return self.totals[key].format(count=format_count(count))

    def total_label(self, count: int) -> str:
        """``Total : 12 clients`` (no-break space before the colon)."""
        return f"{self.totals['label']}\u00a0: {self.clients(count)}"

    def days(self, delays: Sequence[int]) -> str:
        """``7 jours``; ``1 jour``; ``7 à 10 jours selon la catégorie`` (several plans)."""
        low, high = min(delays), max(delays)
        if low != high:
            return self.plan["days_range"].format(low=low, high=high)
        key = "days_one" if low <= 1 else "days_many"
        return self.plan[key].format(count=format_count(low))


def load_list_texts() -> ListTexts:
    """Read and check ``reports/lists.toml``; :class:`TemplateError` names what is wrong."""
    path, data = load_report_texts(TEXTS_FILE)
    return parse_list_texts(path, data)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _check_format(where: str, section: str, key: str, text: str) -> None:
    try:
        text.format(**_SAMPLE)
    except (KeyError, IndexError, ValueError) as exc:
        raise TemplateError(
            f"{where}, [{section}] {key} = « {text} » : nom entre accolades "
            f"inconnu ou accolade seule ({exc}). Noms possibles : "
            f"{', '.join('{' + n + '}' for n in sorted(_SAMPLE))}."
        ) from exc


def _column_definitions(where: str, data: dict[str, Any]) -> dict[str, Column]:
    raw = data.get("columns")
    if isinstance(raw, list):
        raise TemplateError(
            f"{where} : [[columns]] est l'ancien format. Décrivez chaque colonne dans une "
            "section [columns.<clé>] (title, width_mm, excel_width) et choisissez les "
            "colonnes de chaque liste dans [lists] ; reprenez le modèle livré avec "
            "l'application."
        )
    if not isinstance(raw, dict) or not raw:
        raise TemplateError(f"{where} : aucune colonne décrite ([columns.<clé>]).")
    columns = {}
    for key, item in raw.items():
        if key not in COLUMN_KEYS:
            raise TemplateError(
                f"{where}, [columns.{key}] : clé « {key} » inconnue ; clés possibles : "
                f"{_LIST_KEYS}."
            )
        columns[key] = _column(where, f"[columns.{key}]", key, item, None)
    return columns


def _column(where: str, section: str, key: str, item: Any, base: Column | None) -> Column:
    """A column from its description, over ``base`` (the [columns.<key>] one)."""
    if not isinstance(item, dict):
        raise TemplateError(f"{where}, {section} : une section (title, width_mm, excel_width).")
    title = item.get("title", base.title if base else None)
    width_mm = item.get("width_mm", base.width_mm if base else None)
    excel_width = item.get("excel_width", base.excel_width if base else None)
    if not isinstance(title, str) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) and w > 0
        for w in (width_mm, excel_width)
    ):
        raise TemplateError(
            f"{where}, {section} : title (texte), width_mm et excel_width (nombres "
            "positifs) sont obligatoires."
        )
    assert isinstance(width_mm, int | float) and isinstance(excel_width, int | float)
    return Column(key, title, float(width_mm), float(excel_width))


def _list_columns(
    where: str, data: dict[str, Any], known: dict[str, Column]
) -> dict[ListKind, tuple[Column, ...]]:
    lists = data.get("lists")
    if not isinstance(lists, dict):
        raise TemplateError(f"{where} : section [lists] absente (les colonnes de chaque liste).")
    out: dict[ListKind, tuple[Column, ...]] = {}
    for kind in ListKind:
        items = lists.get(kind.value)
        if not isinstance(items, list) or not items:
            raise TemplateError(
                f"{where}, [lists] : colonnes absentes pour {kind.value} (une liste de clés, "
                f'par exemple {kind.value} = ["police", "client", "montant"]).'
            )
        columns: list[Column] = []
        for number, item in enumerate(items, 1):
            key = (
                item
                if isinstance(item, str)
                else str(item.get("key", ""))
                if isinstance(item, dict)
                else ""
            )
            section = f"[lists] {kind.value}, colonne {number}"
            if key not in COLUMN_KEYS:
                raise TemplateError(
                    f"{where}, {section} : clé « {key} » inconnue ; clés possibles : {_LIST_KEYS}."
                )
            if key not in known:
                raise TemplateError(
                    f"{where}, {section} : la colonne « {key} » n'est pas décrite ; ajoutez "
                    f"une section [columns.{key}] (title, width_mm, excel_width)."
                )
            if key in {c.key for c in columns}:
                raise TemplateError(f"{where}, {section} : « {key} » figure deux fois.")
            override = item if isinstance(item, dict) else {}
            columns.append(_column(where, section, key, override, known[key]))
        out[kind] = tuple(columns)
    unknown = sorted(set(lists) - {k.value for k in ListKind})
    if unknown:
        raise TemplateError(
            f"{where}, [lists] : liste « {unknown[0]} » inconnue ; listes possibles : "
            f"{', '.join(k.value for k in ListKind)}."
        )
    return out


def parse_list_texts(path: Path, data: dict[str, Any]) -> ListTexts:
    where = f"Modèle « {path} »"
    sections: dict[str, dict[str, str]] = {}
    for section, keys in _REQUIRED.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise TemplateError(f"{where} : section [{section}] absente.")
        missing = [k for k in keys if not isinstance(table.get(k), str)]
        if missing:
            raise TemplateError(
                f"{where}, section [{section}] : texte absent pour {', '.join(missing)}."
            )
        for key in keys:
            if key != "excel_clients_format":
                _check_format(where, section, key, table[key])
        sections[section] = {k: table[k] for k in keys}
    summary = data.get("control_summary")
    if not isinstance(summary, dict):
        raise TemplateError(f"{where} : section [control_summary] absente.")
    control_summary: dict[str, tuple[str, str]] = {}
    for group in CONTROL_GROUPS:
        forms = summary.get(group)
        if not (isinstance(forms, list) and len(forms) == 2 and all(map(_is_text, forms))):
            raise TemplateError(
                f"{where}, [control_summary] {group} : deux textes attendus, le singulier "
                f'puis le pluriel (par exemple ["{{count}} ligne", "{{count}} lignes"]).'
            )
        for form in forms:
            _check_format(where, "control_summary", group, form)
        control_summary[group] = (forms[0], forms[1])
    columns = _list_columns(where, data, _column_definitions(where, data))
    signatures = data.get("signatures", {})
    agencies = data.get("agencies", {})
    for name, table in (("signatures", signatures), ("agencies", agencies)):
        if not isinstance(table, dict):
            raise TemplateError(f"{where} : [{name}] doit être une section.")
    return ListTexts(
        source=path,
        columns=columns,
        control_summary=control_summary,
        signatures={k.value: [str(n) for n in signatures.get(k.value, [])] for k in ListKind},
        signature_caption=str(signatures.get("caption", "")),
        agencies={str(k): str(v) for k, v in agencies.items()},
        **sections,
    )
