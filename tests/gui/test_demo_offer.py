"""The main window's « load the demo » shows the demo's refusal plainly when the
database holds real data, and nothing is written (issue #12)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sbee_desk.db.database import Database
from sbee_desk.db.models import Contract, ReminderLetter, SelectionRun
from sbee_desk.services.importing import import_export
from sbee_desk.services.users import create_demo_users
from tests.gui.conftest import ErrorRecorder, WindowFactory
from tests.paths import SAMPLES


def test_loading_the_demo_over_a_real_import_shows_the_refusal(
    qtbot: QtBot, make_window: WindowFactory, sqlite_db: Database, shown_errors: ErrorRecorder
) -> None:
    shown_errors.expect()
    chef = create_demo_users(sqlite_db.uow())
    import_export(sqlite_db.uow(), chef, SAMPLES / "export-csv")
    with sqlite_db.uow() as uow:
        contracts = uow.session.scalar(select(func.count()).select_from(Contract))
    window = make_window(sqlite_db, chef)
    window.load_demo(contracts=5)

    def refusal() -> QMessageBox | None:
        return window.findChild(QMessageBox, "errorBox")

    qtbot.waitUntil(lambda: refusal() is not None, timeout=20_000)
    box = refusal()
    assert box is not None and box.isVisible()
    assert box.text().startswith("Démonstration refusée : cette base contient des données")
    assert "Rien n'a été écrit" in box.text()
    assert not box.detailedText()  # an expected refusal, not a defect
    assert [type(exc).__name__ for exc, _ in shown_errors.shown] == ["DemoRefused"]
    box.close()
    with sqlite_db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Contract)) == contracts
        assert uow.session.scalar(select(func.count()).select_from(ReminderLetter)) == 0
        assert uow.session.scalar(select(func.count()).select_from(SelectionRun)) == 0
