"""Journal d'audit: chain status, filters, pages, detail, export, tampering found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from sbee_desk.db.database import Database
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Role
from sbee_desk.gui.main_window import MainWindow
from sbee_desk.gui.models import audit as acols
from sbee_desk.gui.models.audit import AuditTableModel
from sbee_desk.gui.pages.audit_page import AuditLogPage
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.audit_log import DEFAULT_PAGE_SIZE, audit_events
from sbee_desk.services.plans import update_plan
from sbee_desk.services.users import update_user
from sbee_desk.wording.labels import AUDIT_ACTION_LABELS
from tests.gui.conftest import ACTOR, WindowFactory
from tests.gui.file_dialogs import cancel_file_dialog, choose_in_file_dialog

ADMIN = Actor("admin", frozenset({Role.ADMIN}), "Administrateur de l'agence")
DIG = Actor("dig", frozenset({Role.CONTROLE}), "Comlan Gbaguidi")


def open_journal(
    qtbot: QtBot, make_window: WindowFactory, db: Database, actor: Actor = DIG
) -> tuple[MainWindow, AuditLogPage]:
    window = make_window(db, actor)
    page = window.audit_page
    with qtbot.waitSignals(
        [page.chain_checked, page.choices_loaded, page.events_loaded], timeout=20_000
    ):
        window.go_to("audit")
    return window, page


def filtered(qtbot: QtBot, page: AuditLogPage) -> None:
    with qtbot.waitSignal(page.events_loaded, timeout=20_000):
        page.apply_filters_now()


def column(page: AuditLogPage, col: int) -> list[str]:
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def event_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one()


def break_chain(db: Database, event_id: int) -> None:
    """Tamper with the journal as someone with direct access to the database would."""
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(
            text("UPDATE audit_event SET actor = 'quelquun' WHERE id = :id"), {"id": event_id}
        )


def test_audit_model_passes_the_model_tester(qtmodeltester, demo_db: Database) -> None:
    model = AuditTableModel()
    qtmodeltester.check(model)
    page = audit_events(demo_db.uow(), DIG, limit=500)  # the whole demo journal
    model.set_entries(page.entries)
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Date", "Utilisateur", "Action", "Objet", "Avant → après", "Détails"]
    oldest = model.row_of(1)
    assert model.index(oldest, acols.COL_ACTION).data() == "Utilisateur créé"
    assert model.index(oldest, acols.COL_USER).data() == "Administrateur de l'agence (admin)"
    assert model.index(oldest, acols.COL_OBJECT).data() == "Utilisateur admin"
    when = page.entries[-1].occurred_at.astimezone()
    assert model.index(oldest, acols.COL_DATE).data() == f"{when:%d/%m/%Y %Hh%M}"


def test_the_journal_opens_intact_with_its_newest_events(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    update_plan(demo_db.uow(), ADMIN, "VIP", {"reminder_delay_days": 10})
    total = event_count(demo_db)
    window, page = open_journal(qtbot, make_window, demo_db)
    view = page.view
    assert page.chain is not None and page.chain.ok
    assert view.chain_banner.kind == "success"
    assert page.chain_text().startswith(f"Journal intègre : {total} événements vérifiés")
    assert window.nav_text("audit").strip() == "Journal d'audit"
    assert view.page_label.text() == f"1 à {total} sur {total} événements"
    assert page.model.entry(0).action == "plan.update"  # newest first
    assert column(page, acols.COL_CHANGE)[0] == ("délai après remise de la lettre (jours) : 7 → 10")
    assert column(page, acols.COL_OBJECT)[0] == "Plan « Sensible (VIP) »"
    detail = view.detail.toPlainText()
    assert detail.startswith(f"Événement n° {total} — le ")
    assert "Administrateur de l'agence (admin)" in detail
    assert "Avant → après :\n    délai après remise de la lettre (jours) : 7 → 10" in detail
    assert view.export_button.isEnabled() and not view.older_button.isEnabled()
    # the date column toggles the order, the journal is read in time order only
    with qtbot.waitSignal(page.events_loaded, timeout=20_000):
        view.table.horizontalHeader().sectionClicked.emit(acols.COL_DATE)
    assert page.model.entry(0).id == 1


def test_filters_by_user_action_police_bordereau_and_dates(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    _window, page = open_journal(qtbot, make_window, demo_db)
    view = page.view

    view.user_combo.setCurrentIndex(view.user_combo.findData("dg"))
    assert view.user_combo.currentText() == "Gérard Adjovi (dg)"
    filtered(qtbot, page)
    # the demo's derogation goes through the review service, as the DG user (#12)
    assert column(page, acols.COL_ACTION) == ["Dérogation DG enregistrée"]
    assert view.status_label.text() == "Filtré : 1 événement sur les critères choisis."

    view.user_combo.setCurrentIndex(0)
    # every action of the one definition is offered by its French name (#10)
    combo = view.action_combo
    offered = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert all(offered[a.value] == AUDIT_ACTION_LABELS[a] for a in AuditAction)
    assert offered["edition.print"] == "Document imprimé"
    assert not [text for text in offered.values() if text.startswith("Autre action")]
    view.action_combo.setCurrentIndex(view.action_combo.findData("user.create"))
    assert view.action_combo.currentText() == "Utilisateur créé"
    filtered(qtbot, page)
    assert page.total == 8 and set(column(page, acols.COL_ACTION)) == {"Utilisateur créé"}

    view.action_combo.setCurrentIndex(view.action_combo.findData("demo.*"))
    filtered(qtbot, page)
    # the demo's letters go through the letters service: no « demo.letter » (#13)
    assert {e.action for e in (page.model.entry(r) for r in range(page.model.rowCount()))} == {
        "demo.agency",
        "demo.history",
    }
    view.action_combo.setCurrentIndex(view.action_combo.findData("letter.deliver"))
    filtered(qtbot, page)
    assert page.total >= 1
    # a police named in a delivery of the demonstration
    police = (page.model.entry(0).details or {})["police"]
    view.action_combo.setCurrentIndex(0)
    view.police_edit.setText(police)
    filtered(qtbot, page)
    assert page.total >= 1
    assert all(police in page.model.line(r).texts[acols.COL_OBJECT] for r in range(page.total))

    view.police_edit.setText("0000000000")
    filtered(qtbot, page)
    assert page.total == 0 and view.stack.currentWidget() is view.empty_state
    assert "Aucun événement ne correspond à ces filtres" in view.empty_state.text()
    assert view.page_label.text() == "Aucun événement"
    assert not view.export_button.isEnabled()

    view.police_edit.clear()
    view.bordereau_edit.setText("BT-AUCUN")
    filtered(qtbot, page)
    assert page.total == 0

    # dates: today holds every event of the demo, yesterday none; reversed dates say so
    view.bordereau_edit.clear()
    today = QDate.currentDate()
    view.date_from.setDate(today)
    view.date_to.setDate(today)
    filtered(qtbot, page)
    assert page.total == event_count(demo_db)
    view.date_from.setDate(today.addDays(1))
    view.date_to.setDate(today.addDays(-1))
    filtered(qtbot, page)
    assert "La date de début est après la date de fin" in view.empty_state.text()
    assert view.date_from.text() != "indifférente"

    with qtbot.waitSignal(page.events_loaded, timeout=20_000):
        view.clear_button.click()
    assert view.date_from.text() == "indifférente"
    assert page.total == event_count(demo_db)
    assert view.status_label.text() == "Tout le journal, du plus récent au plus ancien."


def test_typing_a_filter_reads_the_journal_once_typing_stops(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    _window, page = open_journal(qtbot, make_window, demo_db)
    with qtbot.waitSignal(page.events_loaded, timeout=20_000):
        qtbot.keyClicks(page.view.police_edit, "3100")
    assert page.filter.police == "3100"


def test_large_journals_come_by_pages(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    with demo_db.uow() as uow:
        audit.record_many(
            uow,
            ACTOR,
            [
                {
                    "action": AuditAction.IMPORT_UPDATE,
                    "entity": "contrats",
                    "entity_key": f"P{k:04d}",
                    "before": {"meter_serial": f"M{k}"},
                    "after": {"meter_serial": f"N{k}"},
                }
                for k in range(450)
            ],
        )
        uow.commit()
    total = event_count(demo_db)
    _window, page = open_journal(qtbot, make_window, demo_db)
    view = page.view
    assert page.model.rowCount() == DEFAULT_PAGE_SIZE == 200
    assert view.page_label.text() == f"1 à 200 sur {total:,} événements".replace(",", "\u202f")
    assert not view.newer_button.isEnabled() and view.older_button.isEnabled()
    with qtbot.waitSignal(page.events_loaded, timeout=20_000):
        view.older_button.click()
    assert view.page_label.text().startswith("201 à 400 sur ")
    assert page.model.entry(0).id == total - 200
    with qtbot.waitSignal(page.events_loaded, timeout=20_000):
        view.older_button.click()
    assert page.model.rowCount() == total - 400 and not view.older_button.isEnabled()
    assert page.model.entry(page.model.rowCount() - 1).id == 1
    assert view.page_label.text().startswith(f"401 à {total} sur ")
    with qtbot.waitSignal(page.events_loaded, timeout=20_000):
        view.newer_button.click()
    assert view.page_label.text().startswith("201 à 400 sur ")


def test_export_writes_every_event_of_the_filters(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database, tmp_path: Path
) -> None:
    window, page = open_journal(qtbot, make_window, demo_db)
    page.view.action_combo.setCurrentIndex(page.view.action_combo.findData("user.create"))
    filtered(qtbot, page)
    # « Exporter… » asks in the real dialog; a name typed without extension gets .xlsx
    with qtbot.waitSignal(page.export_finished, timeout=20_000) as finished:
        qtbot.mouseClick(page.view.export_button, Qt.MouseButton.LeftButton)
        proposed = choose_in_file_dialog(qtbot, window, tmp_path / "journal")
    assert proposed.name == "saveFileDialog"
    assert proposed.title == "Exporter le journal d'audit"
    assert [Path(p).name for p in proposed.selected] == [
        f"journal-audit-{dt.date.today():%Y-%m-%d}.xlsx"
    ]
    assert proposed.filters == ["Classeurs Excel (*.xlsx)"] and proposed.default_suffix == "xlsx"
    assert finished.args == ["succeeded"]
    path = tmp_path / "journal.xlsx"
    assert page.last_export == path
    assert page.view.status_label.text() == f"Journal exporté : 8 événements dans « {path} »."
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert "filtres : action « Utilisateur créé »" in rows[1][0]
    assert rows[2][0].startswith("Journal d'audit : événement n° ")  # the chain's head (#12)
    assert [r[3] for r in rows[4:]] == ["Utilisateur créé"] * 8
    assert all(isinstance(r[1], dt.datetime) for r in rows[4:])

    # the next export is proposed in that folder; cancelling it exports nothing
    answers: list[str] = []
    page.export_finished.connect(answers.append)
    qtbot.mouseClick(page.view.export_button, Qt.MouseButton.LeftButton)
    proposed = cancel_file_dialog(qtbot, window)
    assert proposed.folder == tmp_path
    assert answers == [] and not page.exporting
    assert page.last_export == path


def test_an_unwritable_export_says_so_in_french(
    qtbot: QtBot,
    make_window: WindowFactory,
    demo_db: Database,
    tmp_path: Path,
    shown_errors,
) -> None:
    shown_errors.expect()
    _window, page = open_journal(qtbot, make_window, demo_db)
    with qtbot.waitSignal(page.export_finished, timeout=20_000) as finished:
        page.export_to(tmp_path / "dossier-absent" / "journal.xlsx")
    assert finished.args == ["failed"]
    message = str(shown_errors.shown[-1][0])
    assert message.startswith("Impossible d'écrire le fichier « ")
    assert "Choisissez un autre dossier" in message


def test_a_tampered_journal_is_reported_in_red(
    qtbot: QtBot, make_window: WindowFactory, demo_db: Database
) -> None:
    update_user(demo_db.uow(), ADMIN, "agent", roles=[Role.AGENT_CONTROLE, Role.CONTROLE])
    break_chain(demo_db, 5)
    window, page = open_journal(qtbot, make_window, demo_db)
    view = page.view
    assert page.chain is not None and page.chain.first_broken == 5
    assert view.chain_banner.kind == "error"
    assert page.chain_text().startswith(
        "Journal ALTÉRÉ : premier événement en défaut n° 5 — son contenu a été modifié après coup."
    )
    assert window.nav_text("audit").strip() == "Journal d'audit  (altéré)"
    # the events stay readable, the forged one as it now reads
    assert "quelquun" in column(page, acols.COL_USER)
