"""reports/lists.toml: read at run time, checked, errors worded in French."""

from __future__ import annotations

import io
import shutil
import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sbee_desk.documents.lists import ListKind, load_list_texts, parse_list_texts, xlsx_bytes
from sbee_desk.documents.resources import ENV_REPORTS, TemplateError, fonts_dir, reports_dir

SHIPPED = Path(__file__).resolve().parents[3] / "reports" / "lists.toml"


def shipped() -> dict:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


def test_shipped_texts_and_fonts_are_found() -> None:
    texts = load_list_texts()
    assert texts.source == SHIPPED
    assert [c.key for c in texts.columns][:3] == ["police", "client", "adresse"]
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
    data["columns"][0]["key"] = "telephone"
    with pytest.raises(TemplateError, match="key « telephone » inconnue"):
        parse_list_texts(SHIPPED, data)
    data = shipped()
    data["columns"][1]["key"] = "police"
    with pytest.raises(TemplateError, match="« police » figure deux fois"):
        parse_list_texts(SHIPPED, data)
    data = shipped()
    data["columns"][1]["width_mm"] = 0
    with pytest.raises(TemplateError, match="nombres positifs"):
        parse_list_texts(SHIPPED, data)


def test_agency_names_from_the_texts_win(make_document, make_line) -> None:
    data = shipped()
    data["agencies"] = {"AG-COT": "Agence de Cotonou-Centre (Ganhi)"}
    texts = parse_list_texts(SHIPPED, data)
    content = xlsx_bytes(make_document(ListKind.A_RESILIER, [make_line("P1")]), texts)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["A2"].value.startswith("Agence AG-COT — Agence de Cotonou-Centre (Ganhi)")
