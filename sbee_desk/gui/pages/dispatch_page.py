"""The Répartition page (step 4, #14): the orders waiting for an agent, the agents de
recouvrement with the load of the chosen day, the automatic proposal, the chef's
adjustments (select orders, give them to an agent), the confirmation; the orders
cancelled in the field (R7) first, « à rappeler — ne pas intervenir »."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QPushButton,
    QSplitter,
    QWidget,
)

from sbee_desk.domain.dispatch import WAITING
from sbee_desk.domain.permissions import Action
from sbee_desk.gui.changes import Change
from sbee_desk.gui.context import AppContext
from sbee_desk.gui.fields import status_label
from sbee_desk.gui.file_dialogs import ask_directory
from sbee_desk.gui.formatting import format_date, plural
from sbee_desk.gui.models import dispatch as dcols
from sbee_desk.gui.models.dispatch import AgentsModel, DispatchLine, OrdersModel
from sbee_desk.gui.pages.base import Page
from sbee_desk.gui.tasks import TaskContext
from sbee_desk.gui.widgets import Banner, DataTable, PageView, row_layout
from sbee_desk.services.actor import Actor
from sbee_desk.services.dispatch import (
    AgentRow,
    OrderRow,
    Proposal,
    Recall,
    confirm,
    dispatch_settings,
    list_agents,
    list_orders,
    list_recalls,
    propose_dispatch,
    record_recall,
    route_sheets,
    write_sheet_files,
)
from sbee_desk.wording.labels import UNPLACED_LABELS

ORDER_WIDTHS = {
    dcols.COL_NUMBER: 72,
    dcols.COL_POLICE: 78,
    dcols.COL_CUSTOMER: 120,
    dcols.COL_ZONE: 42,
    dcols.COL_QUARTIER: 80,
    dcols.COL_BORDEREAU: 70,
    dcols.COL_AGE: 52,
    dcols.COL_STATUS: 78,
}


def _by_place(lines: list[DispatchLine]) -> list[DispatchLine]:
    """The orders by zone, quartier and bordereau, as the chef shares them (#14)."""
    return sorted(
        lines,
        key=lambda x: (x.order.zone or "", x.order.quartier or "", x.order.bordereau or "",
                       x.order.number),
    )  # fmt: skip


class DispatchView(PageView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout
        self.header = self.add_header(
            self.tr("4. Répartition des ordres"),
            self.tr(
                "Les ordres édités attendent un agent de recouvrement. Choisissez le jour de "
                "visite (entre 08h00 et 14h30), demandez une proposition — par zone, en "
                "équilibrant la charge, un quartier à un agent — ajustez-la, puis confirmez."
            ),
        )
        self.recall_banner = Banner()
        self.recall_banner.setObjectName("recallBanner")
        self.recall_button = QPushButton(self.tr("Agents rappelés"))
        self.recall_button.setObjectName("recalled")
        self.recall_button.setToolTip(
            self.tr("Enregistre que les agents de ces ordres annulés ont été rappelés.")
        )
        self.recall_button.hide()  # shown with the recalls
        recall_row = row_layout()
        recall_row.addWidget(self.recall_banner, 1)
        recall_row.addWidget(self.recall_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(recall_row)

        toolbar = row_layout()
        self.date_label = QLabel(self.tr("Jour de visite :"))
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("visitDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_label.setBuddy(self.date_edit)
        self.propose_button = QPushButton(self.tr("Proposer une répartition"))
        self.propose_button.setObjectName("propose")
        self.agent_combo = QComboBox()
        self.agent_combo.setObjectName("agentChoice")
        self.agent_combo.setMinimumContentsLength(22)
        self.give_button = QPushButton(self.tr("Confier la sélection"))
        self.give_button.setObjectName("give")
        self.give_button.setToolTip(self.tr("Confie les ordres choisis à l'agent de la liste."))
        self.sheets_button = QPushButton(self.tr("Feuilles de route…"))
        self.sheets_button.setObjectName("sheets")
        self.sheets_button.setToolTip(
            self.tr("Écrit la feuille de route (PDF et Excel) de chaque agent pour ce jour.")
        )
        self.confirm_button = QPushButton(self.tr("Confirmer la répartition"))
        self.confirm_button.setObjectName("primary")
        toolbar.addWidget(self.date_label)
        toolbar.addWidget(self.date_edit)
        toolbar.addWidget(self.propose_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.sheets_button)
        toolbar.addWidget(self.confirm_button)
        layout.addLayout(toolbar)
        # the chef's adjustment on its own row: the page fits a window of 1100 px
        adjust = row_layout()
        self.agent_label = QLabel(self.tr("Confier les ordres choisis à :"))
        self.agent_label.setBuddy(self.agent_combo)
        adjust.addWidget(self.agent_label)
        adjust.addWidget(self.agent_combo)
        adjust.addWidget(self.give_button)
        adjust.addStretch(1)
        layout.addLayout(adjust)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.orders_table = DataTable()
        self.orders_table.setObjectName("orders")
        self.orders_table.setSortingEnabled(False)
        # orders are moved to an agent by dragging them onto his row, or from the keyboard
        # (select, choose the agent, « Confier la sélection »)
        self.orders_table.setDragEnabled(True)
        self.orders_table.setDragDropMode(DataTable.DragDropMode.DragOnly)
        self.agents_table = DataTable()
        self.agents_table.setObjectName("agents")
        self.agents_table.setAcceptDrops(True)
        self.agents_table.setDragDropMode(DataTable.DragDropMode.DropOnly)
        self.agents_table.setDropIndicatorShown(True)
        self.splitter.addWidget(self.orders_table)
        self.splitter.addWidget(self.agents_table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)

        self.status_label = status_label(self.tr("Chargement…"))
        layout.addWidget(self.status_label)


class DispatchPage(Page):
    key = "dispatch"
    number = 4
    depends_on = Change.EXPORT | Change.EDITION | Change.PEOPLE | Change.DISPATCH
    view: DispatchView

    #: the orders, agents and recalls were read and are shown
    loaded = Signal()
    #: a proposal is shown
    proposed = Signal()
    #: the répartition was recorded (orders given)
    confirmed = Signal(int)
    #: call-backs were recorded
    recalled = Signal(int)
    #: route sheets written (their paths)
    sheets_written = Signal(list)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.view = view = DispatchView()
        self.orders = OrdersModel(self)
        self.agents = AgentsModel(self)
        self.recalls: list[Recall] = []
        view.orders_table.setModel(self.orders)
        view.orders_table.set_column_widths(ORDER_WIDTHS)
        view.agents_table.setModel(self.agents)
        view.agents_table.set_column_widths({0: 62, 1: 125, 2: 62, 3: 85})
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        view.date_edit.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        view.date_edit.dateChanged.connect(lambda _d: self.refresh())
        view.propose_button.clicked.connect(self.propose)
        view.give_button.clicked.connect(self.give_selected)
        view.confirm_button.clicked.connect(self.confirm_lines)
        view.recall_button.clicked.connect(self.record_recalls)
        view.sheets_button.clicked.connect(self.ask_sheets_folder)
        self.agents.orders_dropped.connect(self.give_rows)
        view.orders_table.selectionModel().selectionChanged.connect(self._update_actions)
        self._update_actions()

    @property
    def nav_label(self) -> str:
        return self.tr("Répartition")

    @property
    def visit_on(self) -> dt.date:
        d = self.view.date_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        on = self.visit_on

        def read(
            ctx: TaskContext,
        ) -> tuple[list[Recall], list[OrderRow], list[AgentRow], int]:
            return (
                list_recalls(ctx.uow()),
                list_orders(ctx.uow(), WAITING),
                list_agents(ctx.uow(), on),
                dispatch_settings(ctx.uow()).daily_capacity,
            )

        self.ctx.tasks.start(
            read, title=self.tr("Lecture des ordres à répartir"), on_success=self._loaded,
            key="dispatch/read",
        )  # fmt: skip

    def _loaded(self, data: tuple[list[Recall], list[OrderRow], list[AgentRow], int]) -> None:
        recalls, waiting, team, capacity = data
        self.recalls = recalls
        self.orders.on = self.visit_on
        self.orders.set_rows(_by_place([DispatchLine(o) for o in waiting]))
        self.agents.set_rows(team)
        self.agents.set_planned({}, capacity)
        combo = self.view.agent_combo
        combo.clear()
        for a in team:
            combo.addItem(f"{a.name} ({a.matricule})", a.staff_id)
        self._show_recalls()
        self.badge = str(len(waiting)) if waiting else ""
        self.badge_changed.emit()
        self._update_status()
        self._update_actions()
        self.loaded.emit()

    def _show_recalls(self) -> None:
        banner = self.view.recall_banner
        if not self.recalls:
            banner.clear()
            self.view.recall_button.hide()
            return
        items = "<br>".join(
            html.escape(
                f"n° {r.number}, police {r.police}, {r.customer_name} — {r.agent_name} "
                f"({r.matricule}), visite du {format_date(r.visit_on)}"
                + (f" : {r.reason}" if r.reason else "")
            )
            for r in self.recalls
        )
        banner.show_message(
            "error",
            self.tr("<b>À rappeler — ne pas intervenir</b> ({n}) :<br>{items}").format(
                n=len(self.recalls), items=items
            ),
        )
        self.view.recall_button.show()

    # -- proposal and adjustments --------------------------------------------------------
    def propose(self) -> None:
        on = self.visit_on
        self.ctx.tasks.start(
            lambda ctx: propose_dispatch(ctx.uow(), on),
            title=self.tr("Proposition de répartition"),
            on_success=self._proposal_ready,
            key="dispatch/propose",
        )

    def _proposal_ready(self, proposal: Proposal) -> None:
        lines = [DispatchLine(v.order, v.staff_id, v.matricule) for v in proposal.visits]
        lines += [
            DispatchLine(x.order, left_reason=UNPLACED_LABELS[x.reason].format(zone=x.zone or "—"))
            for x in proposal.left
        ]
        self.orders.set_rows(_by_place(lines))
        self.agents.set_rows(proposal.agents)
        self._update_planned(proposal.capacity)
        self._update_status()
        self._update_actions()
        self.proposed.emit()

    def _update_planned(self, capacity: int | None = None) -> None:
        planned: dict[int, int] = {}
        for line in self.orders.rows:
            if line.staff_id is not None:
                planned[line.staff_id] = planned.get(line.staff_id, 0) + 1
        self.agents.set_planned(planned, capacity or self.agents.capacity)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.orders_table.selectionModel().selectedRows()})

    def give_selected(self) -> None:
        staff_id = self.view.agent_combo.currentData()
        if staff_id is not None:
            self.give_rows(self.selected_rows(), staff_id)

    def give_rows(self, rows: list[int], staff_id: int) -> None:
        """Orders of these rows to this agent (before confirming): keyboard or drop."""
        if not rows or not self.ctx.may(Action.DISPATCH):
            return
        matricule = next(a.matricule for a in self.agents.rows if a.staff_id == staff_id)
        self.orders.give(rows, staff_id, matricule)
        self._update_planned()
        self._update_status()
        self._update_actions()

    # -- recording -----------------------------------------------------------------------
    def confirm_lines(self) -> None:
        visits = [(x.order, x.staff_id) for x in self.orders.rows if x.staff_id is not None]
        if not visits:
            return
        on = self.visit_on

        def start(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: confirm(ctx.uow(), actor, on, visits),
                title=self.tr("Enregistrement de la répartition"),
                on_success=lambda result: self._confirmed(len(result.assigned) + len(result.moved)),
            )

        self.ctx.with_actor(start)

    def _confirmed(self, count: int) -> None:
        self.message.emit(
            self.tr("{orders} pour le {day}.").format(
                orders=plural(count, self.tr("ordre réparti"), self.tr("ordres répartis")),
                day=format_date(self.visit_on),
            )
        )
        self.data_changed.emit(Change.DISPATCH)
        self.confirmed.emit(count)
        self.refresh()

    def record_recalls(self) -> None:
        ids = [r.order_id for r in self.recalls]
        if not ids:
            return

        def start(actor: Actor) -> None:
            self.ctx.tasks.start(
                lambda ctx: record_recall(ctx.uow(), actor, ids),
                title=self.tr("Enregistrement des rappels"),
                on_success=lambda done: self._recalled(len(done)),
            )

        self.ctx.with_actor(start)

    def _recalled(self, count: int) -> None:
        self.data_changed.emit(Change.DISPATCH)
        self.recalled.emit(count)
        self.refresh()

    def ask_sheets_folder(self) -> None:
        start = self.ctx.settings.text("dispatch/folder") or str(Path.home())
        ask_directory(
            self.view,
            self.tr("Dossier des feuilles de route"),
            start,
            self.write_sheets_to,
        )

    def write_sheets_to(self, folder: str) -> None:
        """The route sheets of the day, written in ``folder`` (audited; reprints are
        copies)."""
        self.ctx.settings.set_text("dispatch/folder", folder)
        on = self.visit_on

        def start(actor: Actor) -> None:
            def write(ctx: TaskContext) -> list[str]:
                files = route_sheets(ctx.uow(), actor, on)
                return [str(p) for p in write_sheet_files(Path(folder), files)]

            self.ctx.tasks.start(
                write,
                title=self.tr("Feuilles de route du {day}").format(day=format_date(on)),
                on_success=self._sheets_written,
            )

        self.ctx.with_actor(start)

    def _sheets_written(self, paths: list[str]) -> None:
        if not paths:
            self.message.emit(
                self.tr("Aucune visite ni aucun rappel pour le {day} : aucune feuille.").format(
                    day=format_date(self.visit_on)
                )
            )
        else:
            self.message.emit(
                self.tr("{sheets} dans {folder}.").format(
                    sheets=plural(
                        len(paths) // 2, self.tr("feuille de route"), self.tr("feuilles de route")
                    ),
                    folder=str(Path(paths[0]).parent),
                )
            )
        self.data_changed.emit(Change.DISPATCH)
        self.sheets_written.emit(paths)

    # -- state ---------------------------------------------------------------------------
    def _update_status(self) -> None:
        lines = self.orders.rows
        given = sum(x.staff_id is not None for x in lines)
        left = sum(x.left_reason is not None for x in lines)
        text = plural(len(lines), self.tr("ordre en attente"), self.tr("ordres en attente"))
        if given or left:
            text += self.tr(" : {given}, {left}").format(
                given=plural(given, self.tr("confié"), self.tr("confiés")),
                left=plural(left, self.tr("non réparti"), self.tr("non répartis")),
            )
        self.view.status_label.setText(
            text
            + self.tr(" — visites du {day}, de 08h00 à 14h30.").format(
                day=format_date(self.visit_on)
            )
        )

    def _update_actions(self, *_args: object) -> None:
        may = self.ctx.may(Action.DISPATCH)
        view = self.view
        has_lines = bool(self.orders.rows)
        view.propose_button.setEnabled(may and has_lines)
        view.give_button.setEnabled(
            may and bool(self.selected_rows()) and view.agent_combo.count() > 0
        )
        view.confirm_button.setEnabled(
            may and any(x.staff_id is not None for x in self.orders.rows)
        )
        view.recall_button.setEnabled(may)
        view.sheets_button.setEnabled(may)

    def actor_changed(self) -> None:
        self._update_actions()
