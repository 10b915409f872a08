"""The main window: navigation following the procedure, pages, status bar.

Pages are controllers (``gui/pages/*_page.py``) with a view each; the window only
routes between them, shows their badges, and reloads what an action of one page
changed for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QWidget,
)

from sbee_desk.db.database import Database
from sbee_desk.domain.permissions import Role
from sbee_desk.gui import errors
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.dialogs.contract_dossier import ContractDossierDialog, offer_dossier
from sbee_desk.gui.dialogs.order_card import OrderCardDialog
from sbee_desk.gui.errors import UserError
from sbee_desk.gui.first_start import FirstStartChoice, FirstStartDialog
from sbee_desk.gui.formatting import database_label, format_count, format_datetime
from sbee_desk.gui.modal import open_modal
from sbee_desk.gui.pages.archive_page import ArchivePage
from sbee_desk.gui.pages.audit_page import AuditLogPage
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.pages.coming_soon import ComingSoonPage, Link
from sbee_desk.gui.pages.cri_page import CriPage
from sbee_desk.gui.pages.data_page import DataPage
from sbee_desk.gui.pages.dispatch_page import DispatchPage
from sbee_desk.gui.pages.letters_page import LettersPage
from sbee_desk.gui.pages.print_queue_page import PrintQueuePage
from sbee_desk.gui.pages.selection.page import SelectionPage
from sbee_desk.gui.pages.settings_page import SettingsPage
from sbee_desk.gui.pages.store_page import StorePage
from sbee_desk.gui.pages.terminations_page import TerminationsPage
from sbee_desk.gui.settings import Settings
from sbee_desk.gui.sign_in import open_first_administrator
from sbee_desk.gui.style import NAV_WIDTH, STYLESHEET
from sbee_desk.gui.tasks import TaskContext, TaskRunner
from sbee_desk.services.actor import Actor
from sbee_desk.services.contract_card import ContractCard, contract_card, find_contract
from sbee_desk.services.demo import DemoResult, load_demo
from sbee_desk.services.order_card import OrderCard, OrderCardError, order_card
from sbee_desk.services.selection import ImportInfo, last_import, list_agencies
from sbee_desk.services.users import DEMO_PASSWORD, DEMO_USERS, user_count
from sbee_desk.wording.labels import ROLE_LABELS

#: size of the demo agency offered on first start
FIRST_START_DEMO_CONTRACTS = 2000

KEY_ROLE = Qt.ItemDataRole.UserRole
COMING_SOON_COLOUR = "#9fb3cc"


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def role_label(role: Role) -> str:
    return QCoreApplication.translate("Role", ROLE_LABELS[role])


@dataclass(frozen=True)
class Overview:
    agencies: list[tuple[str, str | None]]
    last_import: ImportInfo | None

    @property
    def empty(self) -> bool:
        # Agencies are created by the import of contracts and bordereaux: none means
        # no contract yet.
        return not self.agencies


def load_overview(ctx: TaskContext) -> Overview:
    return Overview(list_agencies(ctx.uow()), last_import(ctx.uow()))


class MainWindow(QMainWindow):
    #: the first overview is shown: the window is usable
    ready = Signal()
    #: the status bar was refreshed
    overview_loaded = Signal()
    #: the first-start question was answered (FirstStartChoice)
    first_start_answered = Signal(int)
    demo_loaded = Signal()

    def __init__(self, db: Database, actor: Actor | None, settings: Settings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.db = db
        self.ctx = AppContext(
            db=db,
            actor=actor,
            settings=settings or Settings(),
            tasks=TaskRunner(db, self),
        )
        self.ctx.ask_for_actor = self._ask_for_actor
        self.overview: Overview | None = None
        self.first_start_dialog: FirstStartDialog | None = None
        self.order_card_dialog: OrderCardDialog | None = None
        #: the contracts' dossiers open (non-modal, #16), by police
        self.dossier_dialogs: dict[str, ContractDossierDialog] = {}
        self._ready = False
        db_name, db_full = database_label(db)
        # Qt appends the application display name (app.create_application) itself
        self.setWindowTitle(db_name)
        self.setStyleSheet(STYLESHEET)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(NAV_WIDTH)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.selection_page = SelectionPage(self.ctx, self)
        self.data_page = DataPage(self.ctx, self)
        self.pages: dict[str, Page] = {}
        self._items: dict[str, QListWidgetItem] = {}
        self._add_section(tr("PROCÉDURE"))
        self._add_page(self.selection_page)
        self.print_queue_page = PrintQueuePage(self.ctx, self)
        self._add_page(self.print_queue_page)
        self.letters_page = LettersPage(self.ctx, self)
        self._add_page(self.letters_page)
        self.dispatch_page = DispatchPage(self.ctx, self)
        self._add_page(self.dispatch_page)
        self.store_page = StorePage(self.ctx, self)
        self._add_page(self.store_page)
        self.cri_page = CriPage(self.ctx, self)
        self._add_page(self.cri_page)
        self.terminations_page = TerminationsPage(self.ctx, self)
        self._add_page(self.terminations_page)
        coming_soon = [
            ComingSoonPage(self.ctx, key, number, label, title, purpose, self, links)
            for key, number, label, title, purpose, links in _coming_soon_steps()
        ]
        self._add_section(tr("SUIVI ET ADMINISTRATION"))
        self._add_page(coming_soon[-1])  # the dashboard
        self.archive_page = ArchivePage(self.ctx, self)
        self._add_page(self.archive_page)
        self._add_page(self.data_page)
        self.audit_page = AuditLogPage(self.ctx, self)
        self._add_page(self.audit_page)
        self.settings_page = SettingsPage(self.ctx, self)
        self._add_page(self.settings_page)
        labels = {key: page.nav_label for key, page in self.pages.items()}
        for page in coming_soon:
            page.show_links(labels)
        self.navigation.currentItemChanged.connect(self._navigated)

        # status bar: database, user, agency, last import
        status = self.statusBar()
        self.db_label = QLabel(tr("Base : {db}").format(db=db_name))
        self.db_label.setToolTip(db_full)
        self.user_label = QLabel()
        self.agency_label = QLabel(tr("Agence : —"))
        self.import_label = QLabel(tr("Dernier import : —"))
        for part in (self.db_label, self.user_label, self.agency_label, self.import_label):
            part.setContentsMargins(8, 0, 8, 0)
            status.addPermanentWidget(part)

        # « N° d'ordre ou police… » (#15 item 5, #16): the order's card, or the
        # contract's dossier, from any page — a permanent field of the status bar (a
        # page's message does not hide it), focused by Ctrl+K; type or scan the 8 digits
        # of an order, or type a police, + Enter
        self.order_field = QLineEdit()
        self.order_field.setObjectName("orderNumberField")
        self.order_field.setPlaceholderText(tr("N° d'ordre ou police… (Ctrl+K)"))
        self.order_field.setToolTip(
            tr(
                "Tapez ou scannez le numéro d'un ordre puis Entrée : sa fiche s'ouvre. "
                "Tapez une police puis Entrée : le dossier du contrat s'ouvre."
            )
        )
        self.order_field.setMaxLength(40)
        self.order_field.setFixedWidth(210)
        self.order_field.returnPressed.connect(self.open_order_card)
        status.insertPermanentWidget(0, self.order_field)
        self.order_shortcut = QShortcut(QKeySequence("Ctrl+K"), self)
        self.order_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.order_shortcut.activated.connect(self.focus_order_field)

        self.set_actor(actor)
        self.quit_shortcut = QShortcut(QKeySequence.StandardKey.Quit, self)
        self.quit_shortcut.activated.connect(self.close)
        if not self.ctx.settings.restore_window(self):
            self.resize(1280, 720)
        self.go_to(self.ctx.settings.text("window/page", "selection"))

    # -- navigation --------------------------------------------------------------------
    def _add_section(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        font = item.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        font.setBold(True)
        item.setFont(font)
        self.navigation.addItem(item)

    def _add_page(self, page: Page) -> None:
        self.pages[page.key] = page
        item = QListWidgetItem()
        item.setData(KEY_ROLE, page.key)
        if not page.available:
            item.setForeground(QBrush(QColor(COMING_SOON_COLOUR)))
        self._items[page.key] = item
        self.navigation.addItem(item)
        self.stack.addWidget(page.view)
        for table in page.view.findChildren(QTableView):  # a row's contract: its dossier
            offer_dossier(table, self.open_dossier)
        page.badge_changed.connect(lambda p=page: self._update_item(p))
        page.data_changed.connect(lambda what, p=page: self._data_changed(p, what))
        page.navigate.connect(self.go_to)
        page.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._update_item(page)

    def _update_item(self, page: Page) -> None:
        item = self._items[page.key]
        number = f"{page.number}  " if page.number is not None else "    "
        text = f"{number}{page.nav_label}"
        if page.badge:
            text += f"  ({page.badge})"
        item.setText(text)
        item.setToolTip(page.badge_tip)
        self._fit_navigation()

    def _fit_navigation(self) -> None:
        """Widen the navigation so that no entry, its count included, is ever cut."""
        nav = self.navigation
        needed = nav.sizeHintForColumn(0) + 2 * nav.frameWidth()
        bar = nav.verticalScrollBar()
        if bar.isVisible():
            needed += bar.width()
        nav.setFixedWidth(max(NAV_WIDTH, needed))

    def nav_text(self, key: str) -> str:
        return self._items[key].text()

    def go_to(self, key: str) -> None:
        item = self._items.get(key) or self._items["selection"]
        self.navigation.setCurrentItem(item)

    def current_page(self) -> Page:
        item = self.navigation.currentItem()
        return self.pages[item.data(KEY_ROLE)]

    def _navigated(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        page = self.pages[current.data(KEY_ROLE)]
        self.stack.setCurrentWidget(page.view)
        self.ctx.settings.set_text("window/page", page.key)
        if self._ready:
            page.activate()

    # -- start ---------------------------------------------------------------------------
    def start(self) -> None:
        """Load the overview; on an empty database, ask how to begin. Call once shown."""
        self.ctx.tasks.start(
            load_overview,
            title=tr("Ouverture de la base"),
            on_success=self._first_overview,
        )

    def _first_overview(self, overview: Overview) -> None:
        self._show_overview(overview)
        self._ready = True
        self.current_page().activate()
        for page in (self.selection_page, self.letters_page):
            if page.stale:
                page.refresh()  # its badge shows in the navigation
        self.ready.emit()
        if overview.empty:
            self.ask_first_start()

    def refresh_overview(self) -> None:
        self.ctx.tasks.start(
            load_overview, title=tr("Lecture de la base"), on_success=self._show_overview
        )

    def _show_overview(self, overview: Overview) -> None:
        self.overview = overview
        codes = [code for code, _name in overview.agencies]
        if not codes:
            self.agency_label.setText(tr("Agence : aucune"))
            self.agency_label.setToolTip("")
        elif len(codes) == 1:
            self.agency_label.setText(tr("Agence : {code}").format(code=codes[0]))
        else:
            shown = ", ".join(codes[:3]) + (" …" if len(codes) > 3 else "")
            self.agency_label.setText(tr("Agences : {codes}").format(codes=shown))
        self.agency_label.setToolTip(
            "\n".join(f"{code} — {name}" if name else code for code, name in overview.agencies)
        )
        info = overview.last_import
        self.import_label.setText(
            tr("Dernier import : {when}").format(when=format_datetime(info.occurred_at))
            if info
            else tr("Dernier import : aucun")
        )
        self.import_label.setToolTip(tr("par {user}").format(user=info.actor) if info else "")
        self.overview_loaded.emit()

    def _data_changed(self, source: Page, what: Change) -> None:
        """Only the pages showing what changed reload (when shown); the status bar's
        overview (last import, agencies) follows the export."""
        for page in self.pages.values():
            if page is not source:
                page.changed(what)
        if what & Change.EXPORT:
            self.refresh_overview()
        for page in (self.selection_page, self.letters_page):
            if source is not page and page.stale:
                page.refresh()  # keep its badge true

    # -- first start -----------------------------------------------------------------------
    def ask_first_start(self) -> FirstStartDialog:
        dialog = FirstStartDialog(database_label(self.db)[0], FIRST_START_DEMO_CONTRACTS, self)
        dialog.finished.connect(lambda _code: self._first_start_answered(dialog.choice))
        self.first_start_dialog = dialog
        dialog.open()
        return dialog

    def _first_start_answered(self, choice: FirstStartChoice) -> None:
        self.first_start_dialog = None
        if choice == FirstStartChoice.DEMO:
            self.load_demo()
        elif choice == FirstStartChoice.IMPORT:
            self.go_to("data")
            if self.ctx.actor is None:
                self.ctx.with_actor(lambda _actor: None)
        self.first_start_answered.emit(int(choice))

    def load_demo(self, contracts: int = FIRST_START_DEMO_CONTRACTS) -> None:
        """Load the demo agency (and its users, on a database that has none)."""
        signed_in = self.ctx.actor

        def run(ctx: TaskContext) -> tuple[Actor, bool, DemoResult]:
            def progress(done: int, total: int) -> None:
                # the export is written first; its import then runs without progress
                ctx.progress(*((done, total) if done < total else (0, 0)))

            # no user yet: the demo creates its users, in its one transaction; the demo
            # refuses a database holding real data (its words shown as they are)
            created = user_count(ctx.uow()) == 0
            if not created and signed_in is None:
                raise UserError(tr("Connectez-vous pour charger la démonstration."))
            result = load_demo(
                ctx.db, None if created else signed_in, contracts=contracts, progress=progress
            )
            if result.users_created:  # the demo's chef works on
                login, name, roles = next(user for user in DEMO_USERS if user[0] == "chef")
                return Actor(login, frozenset(roles), name), True, result
            assert signed_in is not None
            return signed_in, False, result

        self.ctx.tasks.start(
            run,
            title=tr("Chargement de l'agence de démonstration"),
            on_success=self._demo_loaded,
        )

    def _demo_loaded(self, outcome: tuple[Actor, bool, DemoResult]) -> None:
        actor, users_created, result = outcome
        self.set_actor(actor)
        contracts = result.rows.get("contrats", 0)
        self.statusBar().showMessage(
            tr("Agence de démonstration chargée : {count} contrats.").format(
                count=format_count(contracts)
            ),
            15_000,
        )
        for page in self.pages.values():
            page.mark_stale()
        self.refresh_overview()
        self.go_to("selection")
        self.current_page().activate()
        if users_created:
            self.demo_accounts_box = self._show_demo_accounts()
        self.demo_loaded.emit()

    def _show_demo_accounts(self) -> QMessageBox:
        accounts = "".join(
            f"<li><b>{login}</b> — {name} ({', '.join(role_label(r) for r in roles)})</li>"
            for login, name, roles in DEMO_USERS
        )
        box = QMessageBox(self)
        box.setObjectName("demoAccounts")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(tr("Comptes de démonstration"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            tr(
                "L'agence de démonstration est chargée. Vous travaillez maintenant comme "
                "<b>chef</b> (chef section recouvrement). Comptes créés, mot de passe "
                "« {password} » pour chacun :<ul>{accounts}</ul>"
                "Notez-les : ils servent à la prochaine connexion."
            ).format(password=DEMO_PASSWORD, accounts=accounts)
        )
        return open_modal(box)

    # -- who works ---------------------------------------------------------------------------
    def set_actor(self, actor: Actor | None) -> None:
        self.ctx.actor = actor
        for page in self.pages.values():
            page.actor_changed()
        if actor is None:
            self.user_label.setText(tr("Utilisateur : aucun"))
            self.user_label.setToolTip(tr("Cette base n'a encore aucun utilisateur."))
            return
        self.user_label.setText(
            tr("Utilisateur : {name}").format(name=actor.full_name or actor.login)
        )
        self.user_label.setToolTip(
            tr("Identifiant {login} — {roles}").format(
                login=actor.login, roles=", ".join(role_label(r) for r in sorted(actor.roles))
            )
        )

    def _ask_for_actor(self, action: Callable[[Actor], None]) -> None:
        def signed_in(actor: Actor) -> None:
            self.set_actor(actor)
            action(actor)

        open_first_administrator(self.db, self, signed_in)

    # -- the order's card (#15 item 5) ------------------------------------------------
    def focus_order_field(self) -> None:
        self.order_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.order_field.selectAll()

    def open_order_card(self) -> None:
        """Read what the field names — an order's card, else a contract's dossier —
        then show it. An order number wins; a police opens the dossier (#16)."""
        text = self.order_field.text().strip()
        actor = self.ctx.actor
        if not text or actor is None:
            return

        def read(ctx: TaskContext) -> OrderCard | ContractCard:
            try:
                return order_card(ctx.uow(), actor, text)
            except OrderCardError:
                if text.isdigit() and find_contract(ctx.uow(), actor, text) is None:
                    raise  # digits and no such police: an order number unknown, as before
            return contract_card(ctx.uow(), actor, text)  # refused when no such police

        def refused(exc: BaseException) -> bool:
            self.order_field.selectAll()  # the next scan replaces the number
            action = tr("Fiche de l'ordre") if text.isdigit() else tr("Dossier du contrat")
            errors.show_error(self, exc, action)
            return True

        def shown(card: OrderCard | ContractCard) -> None:
            if isinstance(card, ContractCard):
                self.order_field.clear()
                self._show_dossier(card)
            else:
                self._show_order_card(card)

        self.ctx.tasks.start(
            read,
            title=tr("Fiche de l'ordre"),
            on_success=shown,
            on_error=refused,
            show_progress=False,
            key="order_card",
        )

    def _show_order_card(self, card: OrderCard) -> None:
        self.order_field.clear()
        dialog = OrderCardDialog(card, self)
        dialog.dossier_requested.connect(self.open_dossier)
        self.order_card_dialog = open_modal(dialog, lambda _closed: self._order_card_closed())

    def _order_card_closed(self) -> None:
        self.order_card_dialog = None

    # -- the contract's dossier (#16) ----------------------------------------------------
    def open_dossier(self, police: str) -> None:
        """Read the dossier of contract ``police`` in the background, then show it."""
        actor = self.ctx.actor
        if actor is None:
            return
        if self.order_card_dialog is not None:
            self.order_card_dialog.accept()  # window-modal: it would hold the dossier

        def refused(exc: BaseException) -> bool:
            errors.show_error(self, exc, tr("Dossier du contrat"))
            return True

        self.ctx.tasks.start(
            lambda ctx: contract_card(ctx.uow(), actor, police),
            title=tr("Dossier du contrat"),
            on_success=self._show_dossier,
            on_error=refused,
            show_progress=False,
            key="contract_dossier",
        )

    def _show_dossier(self, card: ContractCard) -> None:
        """The dossier's window, non-modal (a second one for the same police replaces
        the first: it is read again, up to date)."""
        old = self.dossier_dialogs.pop(card.police, None)
        if old is not None:
            old.close()
        dialog = ContractDossierDialog(card, self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.finished.connect(lambda _result: self._dossier_closed(card.police, dialog))
        self.dossier_dialogs[card.police] = dialog
        dialog.show()
        dialog.activateWindow()

    def _dossier_closed(self, police: str, dialog: ContractDossierDialog) -> None:
        if self.dossier_dialogs.get(police) is dialog:
            del self.dossier_dialogs[police]

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        settings = self.ctx.settings
        settings.save_window(self)
        for page in self.pages.values():
            page.save_state()
        settings.sync()
        self.ctx.tasks.shutdown()
        event.accept()


def _coming_soon_steps() -> list[tuple[str, int | None, str, str, str, list[Link]]]:
    """The steps not built yet (the dashboard last), each with the existing pages
    that do the nearest thing and what to do there."""
    edition, selection, archive = "edition", "selection", "archive"
    audit, _settings = "audit", "settings"
    return [
        (
            "dashboard",
            None,
            tr("Tableau de bord"),
            tr("Tableau de bord"),
            tr(
                "Montrera l'avancement de la procédure : lignes sélectionnées, lettres "
                "remises, ordres sur le terrain, résiliations effectives, par bordereau "
                "et par zone."
            ),
            [
                (selection, tr("Les lignes de chaque décision, bordereau par bordereau.")),
                (edition, tr("Les lettres et ordres produits, imprimés et remis.")),
                (archive, tr("Les listes, transmissions et fichiers retour archivés.")),
                (audit, tr("Tout ce qui a été fait, par qui et quand.")),
            ],
        ),
    ]
