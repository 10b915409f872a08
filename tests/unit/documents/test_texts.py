"""reports/lists.toml: read at run time, checked, errors worded in French."""

from __future__ import annotations

import io
import shutil
import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sbee_desk.documents.lists import load_list_texts, parse_list_texts, xlsx_bytes
from sbee_desk.documents.resources import ENV_REPORTS, TemplateError, fonts_dir, reports_dir
from sbee_desk.domain.enums import ListKind

SHIPPED = Path(__file__).resolve().parents[3] / "reports" / "lists.toml"


def shipped() -> dict:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


def test_shipped_texts_and_fonts_are_found() -> None:
    texts = load_list_texts()
    assert texts.source == SHIPPED
    assert [c.key for c in texts.columns[ListKind.A_RESILIER]][:3] == [
        "numero",
        "police",
        "code_client",
    ]
    assert texts.titles["A_RESILIER"] == "Liste des clients à résilier"
    assert (fonts_dir() / "DejaVuSans-Bold.ttf").is_file()
    assert (fonts_dir() / "LICENSE-DejaVu.txt").is_file()


def test_the_agency_copy_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "lists.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    copy.write_text(text.replace("Liste de contrôle", "Liste de contrôle DIG"), "utf-8")
    monkeypatch.setenv(ENV_REPORTS, str(tmp_path))
    assert reports_dir("lists.toml") == tmp_path
    assert load_list_texts().titles["CONTROLE"] == "Liste de contrôle DIG"


def test_syntax_error_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SHIPPED, tmp_path / "lists.toml")
    with (tmp_path / "lists.toml").open("a", encoding="utf-8") as f:
        f.write('\n[titles\nA_RELANCER = "x"\n')
    monkeypatch.setenv(ENV_REPORTS, str(tmp_path))
    lines = len(SHIPPED.read_text(encoding="utf-8").splitlines())
    with pytest.raises(TemplateError, match=rf"illisible, ligne {lines + 2}, colonne \d+"):
        load_list_texts()


def test_missing_text_is_named() -> None:
    data = shipped()
    del data["titles"]["CONTROLE"]
    with pytest.raises(TemplateError, match=r"section \[titles\] : texte absent pour CONTROLE"):
        parse_list_texts(SHIPPED, data)


def test_unknown_placeholder_is_named() -> None:
    data = shipped()
    data["header"]["run"] = "n° {numero}"
    with pytest.raises(TemplateError, match=r"\[header\] run = « n° \{numero\} »"):
        parse_list_texts(SHIPPED, data)


def test_unknown_or_repeated_column() -> None:
    data = shipped()
    data["lists"]["A_RESILIER"][2] = "telephone"
    with pytest.raises(
        TemplateError,
        match=rf"Modèle « {SHIPPED} », \[lists\] A_RESILIER, colonne 3 : clé « telephone » "
        "inconnue ; clés possibles : numero, police",
    ):
        parse_list_texts(SHIPPED, data)
    data = shipped()
    data["lists"]["CONTROLE"][1] = "police"
    with pytest.raises(TemplateError, match="CONTROLE, colonne 2 : « police » figure deux fois"):
        parse_list_texts(SHIPPED, data)
    data = shipped()
    data["columns"]["police"]["width_mm"] = 0
    with pytest.raises(TemplateError, match=r"\[columns.police\] : .*nombres positifs"):
        parse_list_texts(SHIPPED, data)
    data = shipped()
    data["columns"]["telephone"] = {"title": "Tél.", "width_mm": 10, "excel_width": 10}
    with pytest.raises(TemplateError, match=r"\[columns.telephone\] : clé « telephone » inconnue"):
        parse_list_texts(SHIPPED, data)


def test_each_list_has_its_own_columns() -> None:
    """#10: the agency adds or removes a column of one list in reports/lists.toml."""
    texts = load_list_texts()
    keys = {kind: [c.key for c in texts.columns[kind]] for kind in ListKind}
    for kind in ListKind:  # what the procedure asks for, on every list
        assert {"police", "code_client", "pdl", "compteur", "categorie", "numero"} <= set(
            keys[kind]
        ), kind
    assert "decision" in keys[ListKind.CONTROLE]
    titles = {kind: {c.key: c.title for c in texts.columns[kind]} for kind in ListKind}
    assert titles[ListKind.A_RELANCER]["numero"] == "N° lettre"
    assert titles[ListKind.A_RESILIER]["numero"] == "N° ordre"
    assert titles[ListKind.CONTROLE]["numero"] == "N° lettre / ordre"
    data = shipped()
    data["lists"]["A_RELANCER"] = ["police", {"key": "client", "title": "Abonné"}, "derogation"]
    custom = parse_list_texts(SHIPPED, data)
    assert [(c.key, c.title) for c in custom.columns[ListKind.A_RELANCER]] == [
        ("police", "Police"),
        ("client", "Abonné"),
        ("derogation", "Dérogation DG"),
    ]
    assert custom.columns[ListKind.A_RESILIER] == texts.columns[ListKind.A_RESILIER]


def test_a_list_without_its_columns_is_named() -> None:
    data = shipped()
    del data["lists"]["CONTROLE"]
    with pytest.raises(TemplateError, match=r"\[lists\] : colonnes absentes pour CONTROLE"):
        parse_list_texts(SHIPPED, data)
    data = shipped()
    del data["columns"]["pdl"]
    with pytest.raises(TemplateError, match=r"la colonne « pdl » n'est pas décrite ; ajoutez"):
        parse_list_texts(SHIPPED, data)
    data = shipped()
    data["lists"]["LETTRES"] = ["police"]
    with pytest.raises(TemplateError, match="liste « LETTRES » inconnue"):
        parse_list_texts(SHIPPED, data)


def test_the_old_single_column_list_is_explained() -> None:
    data = shipped()
    data["columns"] = [{"key": "police", "title": "Police", "width_mm": 20, "excel_width": 12}]
    with pytest.raises(TemplateError, match=r"\[\[columns\]\] est l'ancien format"):
        parse_list_texts(SHIPPED, data)


def test_an_unknown_column_in_the_agency_copy_is_refused_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "lists.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    copy.write_text(
        text.replace('"police", "code_client", "client"', '"police", "gps"', 1), "utf-8"
    )
    monkeypatch.setenv(ENV_REPORTS, str(tmp_path))
    with pytest.raises(TemplateError, match=rf"Modèle « {copy} », .*clé « gps » inconnue"):
        load_list_texts()


def test_control_summary_needs_singular_and_plural() -> None:
    data = shipped()
    data["control_summary"]["excluded"] = "{count} exclue(s)"
    with pytest.raises(TemplateError, match=r"\[control_summary\] excluded : deux textes"):
        parse_list_texts(SHIPPED, data)


def test_agency_names_from_the_texts_win(make_document, make_line) -> None:
    data = shipped()
    data["agencies"] = {"AG-COT": "Agence de Cotonou-Centre (Ganhi)"}
    texts = parse_list_texts(SHIPPED, data)
    content = xlsx_bytes(make_document(ListKind.A_RESILIER, [make_line("P1")]), texts)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["A2"].value.startswith("Agence AG-COT — Agence de Cotonou-Centre (Ganhi)")
