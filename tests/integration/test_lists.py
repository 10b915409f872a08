"""Lists of a validated bordereau and the classeur register, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text, update

from sbee_desk.db.models import Bordereau, Suspension
from sbee_desk.domain.enums import ListKind
from sbee_desk.domain.permissions import Role
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.classeur import archive_register, archived_content, check_copy, save_copy
from sbee_desk.services.lists import ListError, produce_lists
from sbee_desk.services.review import exclude_lines, validate_bordereau
from sbee_desk.services.selection import run_selection
from tests.builders import World, add_user

D = dt.date
RUN = D(2026, 11, 20)
TODAY = D(2026, 11, 22)
CHEF = Actor("chef")
BT, MT = "BT-2026-09", "MT-2026-09"


def names(
    bordereau: str, run: int, suffixes: tuple[str, ...] = ("a-resilier", "controle")
) -> list[str]:
    """The files of a bordereau's lists; by default those of the validated BT bordereau
    below, which has nobody to remind (no a-relancer file)."""
    return [f"{bordereau}-{run}-{suffix}.{fmt}" for suffix in suffixes for fmt in ("xlsx", "pdf")]


def count(db, table: str, where: str = "") -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table} {where}")).scalar()


def debtor(w: World, police: str, name: str | None = None, **kw) -> int:
    w.contract(police, name=name, **kw)
    w.unpaid(police, voltage=kw.get("voltage", "BT"))
    return w.suspension(police, D(2026, 10, 1), voltage=kw.get("voltage", "BT"))


@pytest.fixture
def world(db) -> World:
    w = World(db)
    add_user(w.s, "lecteur", Role.CONTROLE)
    return w


@pytest.fixture
def validated(db, world) -> int:
    """A run whose BT bordereau is validated: one to terminate, one exempt, one excluded,
    one dropped by R7 at validation; MT (one to remind, one waiting) left open."""
    debtor(world, "PB1", "Rémi Dossou-Yovo")
    debtor(world, "PB2", "Afiavi Zinsou épouse Agbodjan")
    debtor(world, "PB3", "Établissements Gbèto & Fils")
    debtor(world, "PE", "Hôpital de zone", category="VIP")
    debtor(world, "PP", "Payé entre-temps")
    debtor(world, "PM", "Mairie de Cotonou", voltage="MT")
    sus = debtor(world, "PW", "Collectivité en attente", voltage="MT")
    world.letter("PW", sus, D(2026, 11, 10))  # not delivered: ATTENTE_RELANCE
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    exclude_lines(db.uow(), CHEF, run, ["PB3"], "LITIGE", "facture de juillet contestée")
    with db.uow() as uow:  # PP pays everything before validation: R7 drops it
        for (number,) in uow.session.execute(
            text("SELECT number FROM invoice WHERE police = 'PP'")
        ):
            uow.session.execute(
                text(
                    "INSERT INTO payment (invoice_number, reference, paid_on, amount) "
                    "VALUES (:n, :r, :d, 10000)"
                ),
                {"n": number, "r": f"R-{number}", "d": TODAY},
            )
        uow.commit()
    result = validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY)
    assert (result.orders, result.dropped) == (2, ["PP"])
    return run


def sheet_rows(content: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(content)).active
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=7)]


def test_produce_archives_the_files_with_their_hash(db, validated) -> None:
    produced = produce_lists(db.uow(), CHEF, validated, BT)
    assert [p.file_name for p in produced] == names(BT, validated)
    assert [(p.kind, p.file_format) for p in produced] == [
        (kind, fmt) for kind in (ListKind.A_RESILIER, ListKind.CONTROLE) for fmt in ("xlsx", "pdf")
    ]
    assert not any(p.is_copy for p in produced)
    assert [p.line_count for p in produced] == [2, 2, 3, 3]
    register = archive_register(db.uow(), run_id=validated, bordereau=BT)
    assert [r.entry_id for r in register] == [
        *(p.entry_id for p in produced),
        produced.empty[0].entry_id,
    ]
    for entry, archived in zip(register, produced, strict=False):
        name, content = archived_content(db.uow(), entry.entry_id)
        assert name == entry.file_name
        assert hashlib.sha256(content).hexdigest() == entry.sha256 == archived.sha256
        assert entry.size == len(content) == archived.size
        assert entry.created_by == "chef"
        assert entry.created_by_name == "Utilisateur chef"
        assert entry.run_on == RUN
    # one audit event per file and per list without a file, in the same transaction
    assert count(db, "audit_event", "WHERE action = 'lists.archive'") == 5


def test_lists_hold_the_right_lines(db, validated) -> None:
    produced = {(p.kind, p.file_format): p for p in produce_lists(db.uow(), CHEF, validated, BT)}
    _, resilier = archived_content(db.uow(), produced[(ListKind.A_RESILIER, "xlsx")].entry_id)
    rows = table(resilier)
    assert [(r["Police"], r["Client"], r["Impayés"], r["Jours"]) for r in rows] == [
        ("PB1", "Rémi Dossou-Yovo", 2, 50),
        ("PB2", "Afiavi Zinsou épouse Agbodjan", 2, 50),
    ]
    assert rows[0]["Montant dû (FCFA)"] == 20_000
    assert isinstance(rows[0]["Suspendu le"], dt.datetime)
    total = sheet_rows(resilier)[2]
    assert total[:4] == ("Total", None, None, 2) and total[11] == 40_000
    _, control = archived_content(db.uow(), produced[(ListKind.CONTROLE, "xlsx")].entry_id)
    assert [(r["Police"], r["Décision"], r["Motif"]) for r in table(control)] == [
        ("PB3", "Exclue (à résilier)", "Litige en cours — facture de juillet contestée"),
        (
            "PE",
            "Exempté (décision DG requise)",
            "2 factures impayées, suspendu depuis 50 jours ; client Sensible (VIP) : exempté, "
            "résiliation sur dérogation DG seulement",
        ),
        (
            "PP",
            "Retirée à la validation (à résilier)",
            "Factures réglées avant la validation : moins de 2 impayés échus (R7)",
        ),
    ]
    _, pdf = archived_content(db.uow(), produced[(ListKind.A_RESILIER, "pdf")].entry_id)
    page = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Agence AG1 — Agence test" in page
    assert "Bordereau BT-2026-09 (BT, septembre 2026)" in page
    assert f"n° {validated} du 20/11/2026" in page
    assert "Utilisateur chef (chef), le" in page
    assert "PB2 CPB2 Afiavi Zinsou épouse Agbodjan" in page
    assert "20 000 FCFA 01/10/2026 50" in page
    assert "Total : 2 clients 4 40 000 FCFA" in page


def test_relance_and_waiting_lines_of_an_mt_bordereau(db, validated) -> None:
    validate_bordereau(db.uow(), CHEF, validated, MT, today_=TODAY)
    produced = {(p.kind, p.file_format): p for p in produce_lists(db.uow(), CHEF, validated, MT)}
    _, relancer = archived_content(db.uow(), produced[(ListKind.A_RELANCER, "xlsx")].entry_id)
    assert [(r["Police"], r["Client"]) for r in table(relancer)] == [("PM", "Mairie de Cotonou")]
    _, control = archived_content(db.uow(), produced[(ListKind.CONTROLE, "xlsx")].entry_id)
    assert [(r["Police"], r["Client"], r["Décision"]) for r in table(control)] == [
        ("PW", "Collectivité en attente", "En attente de relance")
    ]
    assert (ListKind.A_RESILIER, "xlsx") not in produced  # nobody to terminate: no file


def test_cancelled_order_goes_to_the_control_list(db, validated) -> None:
    with db.uow() as uow:
        uow.session.execute(
            text(
                "UPDATE work_order SET cancelled_on = :d, cancel_reason = 'rétabli le 23/11' "
                "WHERE police = 'PB2'"
            ),
            {"d": D(2026, 11, 24)},
        )
        uow.commit()
    produced = {(p.kind, p.file_format): p for p in produce_lists(db.uow(), CHEF, validated, BT)}
    assert produced[(ListKind.A_RESILIER, "xlsx")].line_count == 1
    _, control = archived_content(db.uow(), produced[(ListKind.CONTROLE, "xlsx")].entry_id)
    cancelled = [r for r in table(control) if r["Police"] == "PB2"]
    assert (cancelled[0]["Décision"], cancelled[0]["Motif"]) == (
        "Annulée (à résilier)",
        "Annulée le 24/11/2026 : rétabli le 23/11",
    )


def test_producing_again_records_copies(db, validated) -> None:
    first = produce_lists(db.uow(), CHEF, validated, BT)
    again = produce_lists(db.uow(), CHEF, validated, BT)
    assert all(p.is_copy for p in again)
    assert {p.entry_id for p in again}.isdisjoint({p.entry_id for p in first})
    register = archive_register(db.uow(), run_id=validated)
    assert [r.is_copy for r in register] == [False] * 5 + [True] * 5
    pdfs = archive_register(db.uow(), bordereau=BT, kind="A_RESILIER")
    assert [(r.file_format, r.is_copy) for r in pdfs] == [
        ("xlsx", False),
        ("pdf", False),
        ("xlsx", True),
        ("pdf", True),
    ]
    assert archive_register(db.uow(), bordereau=MT) == []
    with pytest.raises(ListError, match="Type de liste « LETTRES » inconnu"):
        archive_register(db.uow(), kind="LETTRES")


def test_not_validated_bordereau_is_refused(db, validated) -> None:
    with pytest.raises(ListError, match=f"Le bordereau {MT} du traitement n° {validated} n'est"):
        produce_lists(db.uow(), CHEF, validated, MT)
    with pytest.raises(ListError, match="n'a aucune ligne dans le traitement"):
        produce_lists(db.uow(), CHEF, validated, "XX-0000")
    with pytest.raises(ListError, match="Traitement n° 999 introuvable"):
        produce_lists(db.uow(), CHEF, 999, BT)
    assert count(db, "archive_entry") == 0


def test_role_is_checked(db, validated, tmp_path) -> None:
    with pytest.raises(PermissionDenied):
        produce_lists(db.uow(), Actor("lecteur"), validated, BT, tmp_path / "out")
    assert count(db, "archive_entry") == 0
    assert not (tmp_path / "out").exists()
    assert archive_register(db.uow(), actor=Actor("lecteur")) == []  # READ is enough


def test_copies_on_disk_match_the_archive(db, validated, tmp_path) -> None:
    out = tmp_path / "classeur" / "septembre"  # created as needed
    produced = produce_lists(db.uow(), CHEF, validated, BT, out)
    assert sorted(os.listdir(out)) == sorted(names(BT, validated))  # no temporary left
    for p in produced:
        path = out / p.file_name
        assert p.path == path
        assert path.read_bytes() == archived_content(db.uow(), p.entry_id)[1]
        assert check_copy(db.uow(), p.entry_id, path)
    changed = out / produced[2].file_name
    changed.write_bytes(changed.read_bytes() + b"\0")
    assert not check_copy(db.uow(), produced[2].entry_id, changed)  # flagged
    with pytest.raises(ListError, match="illisible"):
        check_copy(db.uow(), produced[2].entry_id, tmp_path / "absent.xlsx")


def test_save_as_writes_an_audited_copy(db, validated, tmp_path) -> None:
    entry = produce_lists(db.uow(), CHEF, validated, BT)[1]  # à résilier, PDF
    target = tmp_path / "copie" / "ma liste.pdf"
    assert save_copy(db.uow(), Actor("lecteur"), entry.entry_id, target) == target
    assert target.read_bytes() == archived_content(db.uow(), entry.entry_id)[1]
    assert check_copy(db.uow(), entry.entry_id, target)
    assert os.listdir(target.parent) == ["ma liste.pdf"]
    with db.engine.connect() as conn:
        actor, key = conn.execute(
            text("SELECT actor, entity_key FROM audit_event WHERE action = 'lists.copy'")
        ).one()
    assert (actor, key) == ("lecteur", str(entry.entry_id))


def test_tampered_archive_is_refused(db, validated) -> None:
    entry = produce_lists(db.uow(), CHEF, validated, BT)[0]
    with db.uow() as uow:
        uow.session.execute(
            text("UPDATE archive_entry SET sha256 = :h WHERE id = :id"),
            {"h": "0" * 64, "id": entry.entry_id},
        )
        uow.commit()
    with pytest.raises(ListError, match="ne correspond plus à son empreinte SHA-256"):
        archived_content(db.uow(), entry.entry_id)


def test_folder_not_writable_records_nothing(db, validated, tmp_path) -> None:
    blocker = tmp_path / "fichier.txt"
    blocker.write_text("pas un dossier")
    with pytest.raises(ListError, match=r"Impossible d'écrire dans le dossier .* rien n'a été"):
        produce_lists(db.uow(), CHEF, validated, BT, blocker / "listes")
    assert count(db, "archive_entry") == 0
    assert count(db, "audit_event", "WHERE action = 'lists.archive'") == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_records_nothing(db, validated, tmp_path) -> None:
    out = tmp_path / "lecture-seule"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(ListError, match="accès refusé"):
            produce_lists(db.uow(), CHEF, validated, BT, out)
    finally:
        out.chmod(0o755)
    assert count(db, "archive_entry") == 0


def test_file_open_elsewhere_puts_everything_back(
    db, validated, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a list open in Excel cannot be renamed: simulated on the 4th file."""
    out = tmp_path / "out"
    first = produce_lists(db.uow(), CHEF, validated, BT, out)
    before = {p.file_name: (out / p.file_name).read_bytes() for p in first}
    locked = out / names(BT, validated)[3]
    real_replace = os.replace

    def replace(src, dst):
        if Path(src) == locked:
            raise PermissionError(13, "Permission denied", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)  # as the list service calls it
    with pytest.raises(ListError, match=rf"« {locked} » ne peut pas être remplacé .*Fermez-le"):
        produce_lists(db.uow(), CHEF, validated, BT, out)
    assert count(db, "archive_entry") == 5  # the second production recorded nothing
    assert {name: (out / name).read_bytes() for name in before} == before  # old files back
    assert sorted(os.listdir(out)) == sorted(before)  # no temporary or set-aside file


def test_failed_commit_puts_the_old_files_back(
    db, validated, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = produce_lists(db.uow(), CHEF, validated, BT, out)
    before = {p.file_name: (out / p.file_name).read_bytes() for p in first}

    def fail(self) -> None:
        raise RuntimeError("la base a refusé le commit")

    monkeypatch.setattr(type(db.uow()), "commit", fail)
    with pytest.raises(RuntimeError):
        produce_lists(db.uow(), CHEF, validated, BT, out)
    monkeypatch.undo()
    assert count(db, "archive_entry") == 5
    assert {name: (out / name).read_bytes() for name in before} == before
    assert sorted(os.listdir(out)) == sorted(before)


def test_a_folder_in_the_way_of_a_file(db, validated, tmp_path) -> None:
    out = tmp_path / "out"
    (out / names(BT, validated)[0]).mkdir(parents=True)
    with pytest.raises(ListError, match="est un dossier"):
        produce_lists(db.uow(), CHEF, validated, BT, out)
    assert count(db, "archive_entry") == 0
    assert os.listdir(out) == [names(BT, validated)[0]]


# --------------------------------------------------------------------------- #10


def table(content: bytes) -> list[dict[str, object]]:
    """The data rows of a list workbook, each as {column title: value} (totals left out)."""
    ws = load_workbook(io.BytesIO(content)).active
    titles = [c.value for c in ws[6]]
    rows = [
        dict(zip(titles, row, strict=True)) for row in ws.iter_rows(min_row=7, values_only=True)
    ]
    return [r for r in rows if r["Police"] is not None and not r["Police"].startswith("Total")]


def produced_files(db, run: int, bordereau: str) -> dict[tuple[ListKind, str], bytes]:
    return {
        (p.kind, p.file_format): archived_content(db.uow(), p.entry_id)[1]
        for p in produce_lists(db.uow(), CHEF, run, bordereau)
    }


def pay_everything(uow, police: str, on: dt.date) -> None:
    for (number,) in uow.session.execute(
        text("SELECT number FROM invoice WHERE police = :p"), {"p": police}
    ):
        uow.session.execute(
            text(
                "INSERT INTO payment (invoice_number, reference, paid_on, amount) "
                "VALUES (:n, :r, :d, 10000)"
            ),
            {"n": number, "r": f"R-{number}", "d": on},
        )


def test_control_list_says_why_each_line_was_dropped_at_validation(db, world) -> None:
    """#10: the real reason, recorded at validation, never one generic R7 text."""
    debtor(world, "PK", "Reste à résilier")
    debtor(world, "PP", "Payé entre-temps")
    debtor(world, "PR", "Rétabli entre-temps")
    debtor(world, "PT", "Résilié dans l'export")
    debtor(world, "PN", "Suspendu à nouveau")
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    after_run = D(2026, 11, 21)
    with db.uow() as uow:  # what the next import brings, before validation
        pay_everything(uow, "PP", after_run)
        uow.session.execute(
            text("UPDATE suspension SET restored_on = :d WHERE police IN ('PR', 'PN')"),
            {"d": after_run},
        )
        uow.session.execute(
            text("UPDATE contract SET terminated_on = :d WHERE police = 'PT'"), {"d": after_run}
        )
        uow.session.execute(
            text(
                "INSERT INTO suspension (police, suspended_on, bordereau_code) "
                "VALUES ('PN', :d, :b)"
            ),
            {"d": after_run, "b": BT},
        )
        uow.commit()
    result = validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY)
    assert (result.orders, result.dropped) == (1, ["PN", "PP", "PR", "PT"])
    with db.engine.connect() as conn:  # the reason is stored as a code at validation
        codes = dict(
            conn.execute(
                text("SELECT police, dropped_code FROM candidate WHERE run_id = :r"), {"r": run}
            ).all()
        )
    assert codes == {
        "PK": None,
        "PN": "NEW_SUSPENSION",
        "PP": "PAID",
        "PR": "RESTORED",
        "PT": "TERMINATED",
    }
    files = produced_files(db, run, BT)
    control = {
        r["Police"]: (r["Décision"], r["Motif"]) for r in table(files[(ListKind.CONTROLE, "xlsx")])
    }
    dropped = "Retirée à la validation (à résilier)"
    assert control == {
        "PN": (dropped, "Nouvelle suspension du 21/11/2026 : la procédure repart de celle-ci (R7)"),
        "PP": (dropped, "Factures réglées avant la validation : moins de 2 impayés échus (R7)"),
        "PR": (dropped, "Rétablie le 21/11/2026, avant la validation (R7)"),
        "PT": (dropped, "Contrat résilié le 21/11/2026 (date de résiliation de l'export) (R7)"),
    }
    page = " ".join(
        PdfReader(io.BytesIO(files[(ListKind.CONTROLE, "pdf")])).pages[0].extract_text().split()
    )
    assert "Rétablie le 21/11/2026, avant la validation (R7)" in page
    assert "entre la sélection et la validation" not in page


def test_control_list_shows_the_dg_derogation_of_a_termination(db, world) -> None:
    """#10 (R4): an exempt customer terminated on a DG derogation is on the à-résilier
    list and, for DIG / DAI, on the control list with the derogation's reference and date."""
    debtor(world, "PD", "Agent SBEE avec dérogation", category="AGENT_SBEE")
    debtor(world, "PE", "Agent SBEE sans dérogation", category="AGENT_SBEE")
    world.derogation("PD", D(2026, 11, 10), ref="DG/DCC/2026/014")
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    assert validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY).orders == 1
    files = produced_files(db, run, BT)
    assert [r["Police"] for r in table(files[(ListKind.A_RESILIER, "xlsx")])] == ["PD"]
    control = {r["Police"]: r for r in table(files[(ListKind.CONTROLE, "xlsx")])}
    assert control["PD"]["Décision"] == "À résilier sur dérogation DG"
    assert "Dérogation DG réf. DG/DCC/2026/014 du 10/11/2026" in str(control["PD"]["Motif"])
    assert control["PE"]["Décision"] == "Exempté (décision DG requise)"
    page = " ".join(
        PdfReader(io.BytesIO(files[(ListKind.CONTROLE, "pdf")])).pages[0].extract_text().split()
    )
    assert "Dérogation DG réf. DG/DCC/2026/014 du 10/11/2026" in page


def relance_subtitle(files: dict[tuple[ListKind, str], bytes]) -> tuple[str, str]:
    ws = load_workbook(io.BytesIO(files[(ListKind.A_RELANCER, "xlsx")])).active
    page = " ".join(
        PdfReader(io.BytesIO(files[(ListKind.A_RELANCER, "pdf")])).pages[0].extract_text().split()
    )
    return ws["A5"].value, page


@pytest.mark.parametrize("delay", [7, 10])
def test_plan_texts_come_from_the_runs_snapshot(db, world, delay) -> None:
    """#10: « 7 jours » is the run's reminder delay, not a constant nor today's plan."""
    debtor(world, "PM", "Mairie de Cotonou", voltage="MT", category="COLLECTIVITE_LOCALE")
    world.commit()
    with db.uow() as uow:
        uow.session.execute(text("UPDATE recovery_plan SET reminder_delay_days = :d"), {"d": delay})
        uow.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    with db.uow() as uow:  # the plan changes after the run
        uow.session.execute(text("UPDATE recovery_plan SET reminder_delay_days = 12"))
        uow.commit()
    validate_bordereau(db.uow(), CHEF, run, MT, today_=TODAY)
    excel, pdf = relance_subtitle(produced_files(db, run, MT))
    for text_ in (excel, pdf):
        assert f"délai de {delay} jours à compter de la réception" in text_
        assert "12 jours" not in text_


def test_lists_carry_the_delivery_point_meter_category_and_document_number(db, world) -> None:
    """#10: what the procedure asks for; the letter / order number once edited."""
    from sbee_desk.services.edition import document_number, run_edition

    debtor(world, "PB1", "Rémi Dossou-Yovo")
    debtor(world, "PM", "Mairie de Cotonou", voltage="MT", category="COLLECTIVITE_LOCALE")
    world.s.execute(
        text(
            "UPDATE contract SET delivery_point = 'PDL-' || police, meter_serial = 'CPT-' || police"
        )
    )
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY)
    validate_bordereau(db.uow(), CHEF, run, MT, today_=TODAY)
    (before,) = table(produced_files(db, run, BT)[(ListKind.A_RESILIER, "xlsx")])
    assert (before["Police"], before["Code client"], before["PdL"], before["N° compteur"]) == (
        "PB1",
        "CPB1",
        "PDL-PB1",
        "CPT-PB1",
    )
    assert before["Catégorie"] == "Ordinaire"
    assert before["N° ordre"] is None  # not edited yet
    run_edition(db.uow(), CHEF, TODAY, workers=0, today_=TODAY)
    with db.engine.connect() as conn:
        order_id = conn.execute(text("SELECT id FROM work_order WHERE police = 'PB1'")).scalar()
        letter_id = conn.execute(
            text("SELECT id FROM reminder_letter WHERE police = 'PM'")
        ).scalar()
    bt = produced_files(db, run, BT)
    (after,) = table(bt[(ListKind.A_RESILIER, "xlsx")])
    assert after["N° ordre"] == document_number(order_id)
    page = " ".join(
        PdfReader(io.BytesIO(bt[(ListKind.A_RESILIER, "pdf")])).pages[0].extract_text().split()
    )
    assert f"{document_number(order_id)} PB1 CPB1" in page
    assert "PDL-PB1" in page and "CPT-PB1" in page
    (letter,) = table(produced_files(db, run, MT)[(ListKind.A_RELANCER, "xlsx")])
    assert (letter["N° lettre"], letter["Catégorie"]) == (
        document_number(letter_id),
        "Collectivité locale",
    )


def test_an_empty_list_is_not_archived_as_an_empty_page(db, world, tmp_path) -> None:
    """#10: nothing to remind on a BT bordereau: no a-relancer file; the result and the
    register say « aucun client à relancer »."""
    debtor(world, "PB1", "Rémi Dossou-Yovo")
    debtor(world, "PE", "Hôpital de zone", category="VIP")
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    validate_bordereau(db.uow(), CHEF, run, BT, today_=TODAY)
    produced = produce_lists(db.uow(), CHEF, run, BT, tmp_path / "out")
    assert [(p.kind, p.file_format) for p in produced] == [
        (ListKind.A_RESILIER, "xlsx"), (ListKind.A_RESILIER, "pdf"),
        (ListKind.CONTROLE, "xlsx"), (ListKind.CONTROLE, "pdf"),
    ]  # fmt: skip  # expected table: one line per kind, xlsx then pdf
    assert [e.kind for e in produced.empty] == [ListKind.A_RELANCER]
    assert produced.empty_labels() == ["aucun client à relancer"]
    assert sorted(os.listdir(tmp_path / "out")) == sorted(
        n for n in names(BT, run) if "a-relancer" not in n
    )
    register = archive_register(db.uow(), run_id=run)
    assert [(r.kind, r.file_format, r.has_file) for r in register] == [
        (ListKind.A_RESILIER, "xlsx", True), (ListKind.A_RESILIER, "pdf", True),
        (ListKind.CONTROLE, "xlsx", True), (ListKind.CONTROLE, "pdf", True),
        (ListKind.A_RELANCER, "", False),
    ]  # fmt: skip  # expected table: one line per kind, xlsx then pdf
    assert register[-1].description == "aucun client à relancer"
    assert register[-1].entry_id == produced.empty[0].entry_id
    with pytest.raises(ListError, match="aucun client à relancer : aucun fichier"):
        archived_content(db.uow(), register[-1].entry_id)
    assert count(db, "audit_event", "WHERE action = 'lists.archive'") == 5


#: codes that once gave one file name for two bordereaux, or a hidden file (#12)
LOOKALIKES = ("BT/R/2026/04", "BT_R_2026_04", "bt_r_2026_04", ".BT-R")


def test_bordereau_codes_that_read_alike_get_a_file_each(db, world, tmp_path) -> None:
    """#12: `BT/R/2026/04` and `BT_R_2026_04` wrote the same file (the second replaced
    the first while the register kept two entries); a code starting with `.` wrote a
    hidden file. Each list gets its own visible name, the one the register records."""
    for k, code in enumerate(LOOKALIKES):
        world.s.add(Bordereau(code=code, voltage="BT", agency_code=world.agency, period="2026-04"))
        world.s.flush()
        sus = debtor(world, f"PL{k}")
        world.s.execute(update(Suspension).where(Suspension.id == sus).values(bordereau_code=code))
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    out = tmp_path / "out"
    produced = []
    for code in LOOKALIKES:
        validate_bordereau(db.uow(), CHEF, run, code, today_=TODAY)
        produced += list(produce_lists(db.uow(), CHEF, run, code, out))
    file_names = [p.file_name for p in produced]
    assert len(file_names) == 2 * len(LOOKALIKES)  # à résilier, xlsx and pdf
    # distinct even where case does not count (Windows, macOS), none hidden
    assert len({n.casefold() for n in file_names}) == len(file_names)
    assert not [n for n in file_names if n.startswith(".")]
    assert sorted(os.listdir(out)) == sorted(file_names)
    # a plain code keeps its plain name
    assert f"BT_R_2026_04-{run}-a-resilier.xlsx" in file_names
    register = {r.entry_id: r for r in archive_register(db.uow(), run_id=run) if r.has_file}
    for p in produced:
        assert register[p.entry_id].file_name == p.file_name
        assert archived_content(db.uow(), p.entry_id)[0] == p.file_name
        assert check_copy(db.uow(), p.entry_id, out / p.file_name)
    # producing again writes the same names (copies replace their own file only)
    again = produce_lists(db.uow(), CHEF, run, LOOKALIKES[0], out)
    assert [p.file_name for p in again] == file_names[:2]
    assert sorted(os.listdir(out)) == sorted(file_names)


def test_a_name_the_register_already_gives_another_bordereau_gets_a_suffix(
    db, world, tmp_path
) -> None:
    """#12: the register may hold a name given before names were made distinct (here
    `BT/R/2026/04`'s lists, recorded as `BT_R_2026_04-…`): `BT_R_2026_04`'s lists then
    get `~2`, recorded as such, and never replace the other bordereau's files."""
    for k, code in enumerate(LOOKALIKES[:2]):
        world.s.add(Bordereau(code=code, voltage="BT", agency_code=world.agency, period="2026-04"))
        world.s.flush()
        sus = debtor(world, f"PL{k}")
        world.s.execute(update(Suspension).where(Suspension.id == sus).values(bordereau_code=code))
    world.commit()
    run = run_selection(db.uow(), CHEF, RUN, today_=TODAY).run_id
    out = tmp_path / "out"
    for code in LOOKALIKES[:2]:
        validate_bordereau(db.uow(), CHEF, run, code, today_=TODAY)
    old = produce_lists(db.uow(), CHEF, run, LOOKALIKES[0], out)
    plain = [f"BT_R_2026_04-{run}-a-resilier.{fmt}" for fmt in ("xlsx", "pdf")]
    with db.uow() as uow:  # as an older version named them
        for entry, name in zip(old, plain, strict=True):
            uow.session.execute(
                text("UPDATE archive_entry SET file_name = :n WHERE id = :id"),
                {"n": name, "id": entry.entry_id},
            )
            os.replace(out / entry.file_name, out / name)
        uow.commit()

    produced = produce_lists(db.uow(), CHEF, run, LOOKALIKES[1], out)

    assert [p.file_name for p in produced] == [
        f"BT_R_2026_04-{run}-a-resilier~2.{fmt}" for fmt in ("xlsx", "pdf")
    ]
    for entry, name in zip(old, plain, strict=True):
        assert check_copy(db.uow(), entry.entry_id, out / name)  # not replaced
    for p in produced:
        assert check_copy(db.uow(), p.entry_id, out / p.file_name)
    again = produce_lists(db.uow(), CHEF, run, LOOKALIKES[1], out)
    assert [p.file_name for p in again] == [p.file_name for p in produced]
