"""SQLAlchemy 2.0 typed models.

Imported entities (customers, contracts, bordereaux, invoices) are keyed by the
natural key of import-format.md: the import is then a set-based merge of staging
tables, with no key lookup per row, and every other table refers to those keys.
Records created by sbee-desk itself have surrogate integer ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON}


class AppMeta(Base):
    """Marks a database as an sbee-desk database (key ``application``)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class Agency(Base):
    """Agence."""

    __tablename__ = "agency"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))


class Zone(Base):
    """Zone / tournée of an agency: groups field work."""

    __tablename__ = "zone"

    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))


class Customer(Base):
    """Client."""

    __tablename__ = "customer"
    # Covering index of the selection (R4, R5: the category), migration 0017.
    __table_args__ = (Index("ix_customer_category_cover", "code", "category"),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    quartier: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(32))


class Contract(Base):
    """Contrat d'abonnement (police), with its delivery point, meter and breaker."""

    __tablename__ = "contract"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agency_code", "zone_code"],
            ["zone.agency_code", "zone.code"],
            name="fk_contract_zone",
        ),
        Index("ix_contract_customer", "customer_code"),
        # Covering index of the selection (R1, R2), migration 0017.
        Index(
            "ix_contract_selection_cover",
            "police",
            "customer_code",
            "voltage",
            "terminated_on",
            "agency_code",
        ),
    )

    police: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_code: Mapped[str] = mapped_column(ForeignKey("customer.code"))
    voltage: Mapped[str] = mapped_column(String(2))
    delivery_point: Mapped[str | None] = mapped_column(String(64))
    meter_serial: Mapped[str | None] = mapped_column(String(64))
    breaker: Mapped[str | None] = mapped_column(String(64))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    zone_code: Mapped[str | None] = mapped_column(String(32))
    subscribed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Termination date: from the export, or set by sbee-desk (R11).
    terminated_on: Mapped[dt.date | None] = mapped_column(Date)

    customer: Mapped[Customer] = relationship()


class Bordereau(Base):
    """Billing batch of one voltage, for one agency and period."""

    __tablename__ = "bordereau"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    voltage: Mapped[str] = mapped_column(String(2))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    period: Mapped[str] = mapped_column(String(7))  # yyyy-mm


class Invoice(Base):
    """Facture de consommation, in whole FCFA."""

    __tablename__ = "invoice"
    # Covering index of the selection (R3): an invoice's police, dates, state, amount
    # and payments' total without visiting the 12 M-row table (bench/bench_select.py).
    __table_args__ = (
        Index(
            "ix_invoice_police_cover",
            "police",
            "issued_on",
            "due_on",
            "cancelled",
            "amount",
            "paid_total",
            "last_paid_on",
            "number",
        ),
    )

    number: Mapped[str] = mapped_column(String(32), primary_key=True)
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    bordereau_code: Mapped[str] = mapped_column(ForeignKey("bordereau.code"))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the sum and the latest date of the invoice's payments, kept by the database's
    #: triggers on ``payment`` (migration 0016), whoever writes them: never set here
    paid_total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    last_paid_on: Mapped[dt.date | None] = mapped_column(Date)


class Payment(Base):
    """Règlement against an invoice, identified by (invoice, receipt reference)."""

    __tablename__ = "payment"
    # Covering index of the selection (R3): the payments of an invoice up to a date.
    __table_args__ = (Index("ix_payment_invoice_cover", "invoice_number", "paid_on", "amount"),)

    invoice_number: Mapped[str] = mapped_column(ForeignKey("invoice.number"), primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), primary_key=True)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)


class Suspension(Base):
    """Interruption for non-payment; ``restored_on`` is the rétablissement."""

    __tablename__ = "suspension"
    __table_args__ = (UniqueConstraint("police", "suspended_on", name="uq_suspension_police_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    suspended_on: Mapped[dt.date] = mapped_column(Date)
    bordereau_code: Mapped[str] = mapped_column(ForeignKey("bordereau.code"))
    restored_on: Mapped[dt.date | None] = mapped_column(Date)


class RecoveryPlan(Base):
    """Plan de recouvrement of one customer category (see domain.plans.PlanValues)."""

    __tablename__ = "recovery_plan"

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    delay_bt_days: Mapped[int] = mapped_column(Integer)
    delay_mt_days: Mapped[int] = mapped_column(Integer)
    unpaid_threshold: Mapped[int] = mapped_column(Integer)
    payment_term_days: Mapped[int] = mapped_column(Integer)
    exempt: Mapped[bool] = mapped_column(Boolean)
    reminder_first_bt: Mapped[bool] = mapped_column(Boolean)
    reminder_first_mt: Mapped[bool] = mapped_column(Boolean)
    reminder_delay_days: Mapped[int] = mapped_column(Integer)
    undelivered_alert_days: Mapped[int] = mapped_column(Integer)
    #: a run older than this may not be validated (migration 0007)
    validation_max_age_days: Mapped[int] = mapped_column(Integer, server_default="7")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Derogation(Base):
    """Dérogation DG: allows terminating an exempt customer's contract (R4)."""

    __tablename__ = "derogation"
    __table_args__ = (Index("ix_derogation_police", "police"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    reference: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    document_reference: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SelectionRun(Base):
    """Traitement des relances: step 1 run at a date, with the plan values it used."""

    __tablename__ = "selection_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_on: Mapped[dt.date] = mapped_column(Date)
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    plan_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    candidate_count: Mapped[int] = mapped_column(Integer, default=0)


class Candidate(Base):
    """Ligne du détail des relançables: one contract in a run, with its decision.

    Only ``run_id`` is a foreign key (a run's lines go with it). ``police``,
    ``suspension_id``, ``bordereau_code`` and ``derogation_id`` are copied by the
    selection's single INSERT … SELECT from those very rows, in the same transaction,
    and contracts, suspensions, bordereaux and derogations are never deleted (the
    import only inserts and updates; derogations are a register): checking them
    again cost PostgreSQL 4 × 91 000 look-ups, each locking the row it found (2 s of
    a 7 s selection of a million contracts; migration 0006).
    """

    __tablename__ = "candidate"
    __table_args__ = (
        # also the contract's dossier: every run that listed a police, one look-up per
        # run kept (no index on the police alone: each selection run would rewrite all
        # of it, a page per few lines of every earlier run — migration 0018, #18)
        UniqueConstraint("run_id", "police", name="uq_candidate_run_police"),
        Index("ix_candidate_run_bordereau", "run_id", "bordereau_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_run.id", ondelete="CASCADE"))
    police: Mapped[str] = mapped_column(String(32))
    customer_code: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    voltage: Mapped[str] = mapped_column(String(2))
    suspension_id: Mapped[int] = mapped_column(Integer)
    bordereau_code: Mapped[str] = mapped_column(String(64))
    suspended_on: Mapped[dt.date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(20))
    order_kind: Mapped[str] = mapped_column(String(20))
    unpaid_count: Mapped[int] = mapped_column(Integer)
    amount_due: Mapped[int] = mapped_column(BigInteger)
    #: the derogation that lifted R4 for this line, if any
    derogation_id: Mapped[int | None] = mapped_column(Integer)
    #: the reminder letter of this suspension, if any (R5)
    letter_id: Mapped[int | None] = mapped_column(Integer)
    #: exclusion by the chef (code from exclusion_reason + free text); None = confirmed
    excluded_reason: Mapped[str | None] = mapped_column(Text)
    exclusion_code: Mapped[str | None] = mapped_column(String(32))
    excluded_by: Mapped[str | None] = mapped_column(String(64))
    excluded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: why validation dropped this confirmed line (``DropReason``); None = not dropped
    dropped_code: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ExclusionReason(Base):
    """Motif d'exclusion, a list the administrator maintains."""

    __tablename__ = "exclusion_reason"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BordereauValidation(Base):
    """A bordereau of a run validated by the chef: its review is frozen."""

    __tablename__ = "bordereau_validation"
    __table_args__ = (
        UniqueConstraint("run_id", "bordereau_code", name="uq_bordereau_validation_run"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_run.id"))
    bordereau_code: Mapped[str] = mapped_column(ForeignKey("bordereau.code"))
    validated_by: Mapped[str] = mapped_column(String(64))
    validated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    letters: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    excluded: Mapped[int] = mapped_column(Integer)
    #: lines dropped by the R7 check at validation (restored or paid meanwhile)
    dropped: Mapped[int] = mapped_column(Integer)


class ReminderLetter(Base):
    """Lettre de relance, created when a bordereau is validated (step 1 → step 2)."""

    __tablename__ = "reminder_letter"
    __table_args__ = (
        UniqueConstraint("suspension_id", name="uq_reminder_letter_suspension"),
        #: the contract's dossier (migration 0015)
        Index("ix_reminder_letter_police", "police"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bordereau_code: Mapped[str | None] = mapped_column(ForeignKey("bordereau.code"))
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    suspension_id: Mapped[int] = mapped_column(ForeignKey("suspension.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_run.id"))
    created_on: Mapped[dt.date] = mapped_column(Date)
    #: remise: starts the delay of R5 (an impossible delivery, recorded, counts too)
    delivered_on: Mapped[dt.date | None] = mapped_column(Date)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    #: step 3 (migration 0009): who received it (« client », « gardien »… free text)
    delivered_to: Mapped[str | None] = mapped_column(String(200))
    #: the releveur who delivered it (staff register)
    delivered_by: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    #: set when the delivery was recorded as impossible (R5: counts as a delivery)
    impossible_reason: Mapped[str | None] = mapped_column(String(300))
    #: presentations ordered: 1, then one more per new attempt ordered by the chef
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: the day the current attempt started (None: the edition); the 15-day alert runs
    #: from it
    attempt_on: Mapped[dt.date | None] = mapped_column(Date)
    #: the chef's note for the releveur on the latest new attempt
    attempt_note: Mapped[str | None] = mapped_column(Text)
    #: a new attempt asked for the letter to be reprinted « 2e présentation »
    reprint_asked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class WorkOrder(Base):
    """Ordre de dépose (BT) or ordre de contrôle d'index (MT)."""

    __tablename__ = "work_order"
    __table_args__ = (
        UniqueConstraint("suspension_id", name="uq_work_order_suspension"),
        Index("ix_work_order_status", "status"),
        Index("ix_work_order_agent_visit", "agent_id", "visit_on"),
        #: the contract's dossier (migration 0015)
        Index("ix_work_order_police", "police"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bordereau_code: Mapped[str | None] = mapped_column(ForeignKey("bordereau.code"))
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    suspension_id: Mapped[int] = mapped_column(ForeignKey("suspension.id"))
    #: the selection run whose validated line produced it; None for an order entered by
    #: the chef for another cause (R8, migration 0013): it is not born of a run, and a
    #: run invented for it would show on the selection page as a run nobody launched
    run_id: Mapped[int | None] = mapped_column(ForeignKey("selection_run.id"))
    kind: Mapped[str] = mapped_column(String(20))
    created_on: Mapped[dt.date] = mapped_column(Date)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    #: the cause of the termination it leads to (``domain.termination.TerminationCause``):
    #: IMPAYES for the procedure; FRAUDE, CONDITIONS or AUTRE with ``cause_reason``, the
    #: chef's stated reason (R8); printed on the order, recorded by the countersign
    cause: Mapped[str] = mapped_column(String(20), default="IMPAYES", server_default="IMPAYES")
    cause_reason: Mapped[str | None] = mapped_column(String(300))
    #: R8 on an exempt customer: the DG derogation valid when it was entered (R4); the
    #: procedure's orders find theirs on their candidate line
    derogation_id: Mapped[int | None] = mapped_column(ForeignKey("derogation.id"))
    #: ``domain.dispatch.OrderStatus`` (migration 0010): A_EDITER until edited, then
    #: A_REPARTIR, REPARTI (``agent_id`` + ``visit_on``), NON_EXECUTE, EXECUTE,
    #: CONTRESIGNE; ANNULE with ``cancelled_on`` (R7)
    status: Mapped[str] = mapped_column(String(20), default="A_EDITER", server_default="A_EDITER")
    #: the agent de recouvrement holding it (REPARTI), and the day of the visit
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    visit_on: Mapped[dt.date | None] = mapped_column(Date)
    #: visits the CRI reported « non exécuté » (back to dispatch)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: bumped by every dispatch change: two workstations assigning the same order at
    #: once, the second one's conditional UPDATE finds no row and is refused
    dispatch_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OrderAssignment(Base):
    """One assignment of an order to an agent for a day: the order's history of
    dispatch. Open while ``ended_at`` is empty; an order cancelled (R7) while its
    assignment is open is « à rappeler » until the chef records the call-back."""

    __tablename__ = "order_assignment"
    __table_args__ = (
        Index("ix_order_assignment_order", "order_id"),
        Index("ix_order_assignment_staff_visit", "staff_id", "visit_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    visit_on: Mapped[dt.date] = mapped_column(Date)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by: Mapped[str | None] = mapped_column(String(64))
    #: ``domain.dispatch.AssignmentEnd``
    end_reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(300))


class RouteSheet(Base):
    """Feuille de route of an agent for a day: produced once, later prints are copies."""

    __tablename__ = "route_sheet"
    __table_args__ = (UniqueConstraint("staff_id", "visit_on", name="uq_route_sheet_staff"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    visit_on: Mapped[dt.date] = mapped_column(Date)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    first_by: Mapped[str] = mapped_column(String(64))
    prints: Mapped[int] = mapped_column(Integer, default=1)


class StockSheet(Base):
    """Fiche de mouvement de stock: the store's receipt of removed equipment, numbered
    per agency and year by sbee-desk (``number`` « FMS-<agence>-<année>-<n° sur 5> »)
    or typed from the store's own book (``typed``), steps 5 (#15)."""

    __tablename__ = "stock_sheet"
    __table_args__ = (UniqueConstraint("agency_code", "year", "seq", name="uq_stock_sheet_seq"),)

    number: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    year: Mapped[int] = mapped_column(Integer)
    #: the sequence number of a sheet numbered by sbee-desk; NULL for a typed number
    seq: Mapped[int | None] = mapped_column(Integer)
    typed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    issued_on: Mapped[dt.date] = mapped_column(Date)
    keeper_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StoreReturn(Base):
    """Retour magasin of an order's equipment (R10): one per order, on a stock sheet.
    A serial that differs from the contract's carries its explanation."""

    __tablename__ = "store_return"
    __table_args__ = (
        UniqueConstraint("order_id", name="uq_store_return_order"),
        Index("ix_store_return_sheet", "sheet_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"))
    sheet_number: Mapped[str] = mapped_column(ForeignKey("stock_sheet.number"))
    returned_on: Mapped[dt.date] = mapped_column(Date)
    meter_serial: Mapped[str | None] = mapped_column(String(64))
    breaker_serial: Mapped[str | None] = mapped_column(String(64))
    #: why a received serial differs from the contract's (shown on the control report)
    mismatch_note: Mapped[str | None] = mapped_column(String(300))
    keeper_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class InterventionReport(Base):
    """Compte-rendu d'intervention (CRI) of one visit of an order, entered from the
    paper by the agent de contrôle, countersigned by the chef (steps 6, R9, R11).
    A « non exécuté » sends the order back to dispatch; the next visit is another CRI
    (``attempt``)."""

    __tablename__ = "intervention_report"
    __table_args__ = (
        UniqueConstraint("order_id", "attempt", name="uq_intervention_report_attempt"),
        Index("ix_intervention_report_countersign", "countersigned_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"))
    #: 1 for the first visit, then one more per « non exécuté »
    attempt: Mapped[int] = mapped_column(Integer)
    visit_on: Mapped[dt.date] = mapped_column(Date)
    #: the time of the visit (« HH:MM »): outside 08:00–14:30 flags it (R9)
    visit_time: Mapped[str] = mapped_column(String(5))
    agent_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    done: Mapped[bool] = mapped_column(Boolean)
    index_read: Mapped[int | None] = mapped_column(BigInteger)
    meter_serial_found: Mapped[str | None] = mapped_column(String(64))
    meter_removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    breaker_removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: the paper's tick boxes, codes joined by « , » (domain: remark codes)
    remarks: Mapped[str] = mapped_column(String(200), default="", server_default="")
    note: Mapped[str | None] = mapped_column(String(500))
    mismatch_note: Mapped[str | None] = mapped_column(String(300))
    outside_window: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    countersigned_by: Mapped[str | None] = mapped_column(String(64))
    countersigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: the chef's reason for countersigning a flagged CRI (R9 window, no store return)
    override_reason: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ContractTermination(Base):
    """The termination of a contract (résiliation, R11): one per contract, enforced by
    the database (R13). ``cause`` IMPAYES for the procedure (with its order and CRI),
    or an R8 cause (FRAUDE, CONDITIONS, AUTRE) with its reason."""

    __tablename__ = "contract_termination"
    __table_args__ = (UniqueConstraint("police", name="uq_contract_termination_police"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    terminated_on: Mapped[dt.date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(300))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("intervention_report.id"))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class HandoffBatch(Base):
    """One hand-off of terminated contracts to the apurement de contrat and the
    contentieux (R12), numbered by its id. ``document`` keeps the lines printed, so a
    reprint is the same document marked « copie » (#16)."""

    __tablename__ = "handoff_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handed_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    settlement_count: Mapped[int] = mapped_column(Integer)
    litigation_count: Mapped[int] = mapped_column(Integer)
    total_due: Mapped[int] = mapped_column(BigInteger)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class HandoffFile(Base):
    """Classeur of the hand-offs: each file produced (Excel or PDF, apurement or
    contentieux), kept in the database with its SHA-256; a reprint is ``is_copy``."""

    __tablename__ = "handoff_file"
    __table_args__ = (Index("ix_handoff_file_batch", "batch_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("handoff_batch.id"))
    kind: Mapped[str] = mapped_column(String(20))  # APUREMENT, CONTENTIEUX
    file_format: Mapped[str] = mapped_column(String(8))  # xlsx, pdf
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    is_copy: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SettlementHandoff(Base):
    """Apurement de contrat: a terminated contract handed off, once (R13: UNIQUE)."""

    __tablename__ = "settlement_handoff"
    __table_args__ = (
        UniqueConstraint("termination_id", name="uq_settlement_handoff_termination"),
        UniqueConstraint("police", name="uq_settlement_handoff_police"),
        Index("ix_settlement_handoff_batch", "batch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("handoff_batch.id"))
    termination_id: Mapped[int] = mapped_column(ForeignKey("contract_termination.id"))
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    #: the contract's balance when handed off (negative: a credit)
    balance: Mapped[int] = mapped_column(BigInteger)


class LitigationHandoff(Base):
    """Recouvrement sur contentieux: a terminated contract handed off with its debt,
    once (R13: UNIQUE)."""

    __tablename__ = "litigation_handoff"
    __table_args__ = (
        UniqueConstraint("termination_id", name="uq_litigation_handoff_termination"),
        UniqueConstraint("police", name="uq_litigation_handoff_police"),
        Index("ix_litigation_handoff_batch", "batch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("handoff_batch.id"))
    termination_id: Mapped[int] = mapped_column(ForeignKey("contract_termination.id"))
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    amount_due: Mapped[int] = mapped_column(BigInteger)
    invoice_count: Mapped[int] = mapped_column(Integer)


class AgencySetting(Base):
    """A setting of the agency (the administrator's): key → value, as text."""

    __tablename__ = "agency_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    """A person who logs in (utilisateur), with one or more roles."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    roles: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    __mapper_args__ = {"version_id_col": version}


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class StaffMember(Base):
    """Field staff who never log in: releveurs, agents de recouvrement, agents RPNT,
    magasiniers. Later steps hand letters and orders to them by name."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matricule: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    #: zone codes, comma-separated (agency-wide when empty)
    zones: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ArchiveEntry(Base):
    """Classeur: one list produced (Excel or PDF), its file kept in the database."""

    __tablename__ = "archive_entry"
    __table_args__ = (Index("ix_archive_entry_run", "run_id", "bordereau_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # A_RELANCER, A_RESILIER, CONTROLE
    file_format: Mapped[str] = mapped_column(String(8))  # xlsx, pdf
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_run.id"))
    bordereau_code: Mapped[str] = mapped_column(ForeignKey("bordereau.code"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    #: a list produced again for the same run and bordereau
    is_copy: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditHead(Base):
    """One row: the sequence number and hash of the last audit event. Writing an
    event locks it, so events from several workstations form one chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """Journal d'audit: who did what, when, with before/after. Written in the same
    transaction as the change it records; append-only (database triggers) and
    chained: each event carries the hash of the previous one."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(64))
    entity_key: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class EditionBatch(Base):
    """Édition de nuit: one production of the pending letters and orders (step 2).

    A batch interrupted (process killed, cancelled) keeps ``finished_at`` empty and is
    completed by the next run; counts are those of the documents it holds."""

    __tablename__ = "edition_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the date printed on its documents (and of the R7 check)
    edition_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # EN_COURS, TERMINE
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str] = mapped_column(String(64))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    letters: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    #: letters and orders cancelled by the R7 check that opened (or resumed) it
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    #: documents printed with a gap (address, quartier, meter… not in the export)
    gaps: Mapped[int] = mapped_column(Integer, default=0)
    #: runs that worked on it (more than one: it was interrupted and resumed)
    attempts: Mapped[int] = mapped_column(Integer, default=1)


class EditionDocument(Base):
    """One letter or order of a batch: its PDF, where it stands in the print queue.

    Unique per letter and per order: a letter or an order is produced exactly once
    (R13), whatever the number of runs."""

    __tablename__ = "edition_document"
    __table_args__ = (
        UniqueConstraint("letter_id", name="uq_edition_document_letter"),
        UniqueConstraint("order_id", name="uq_edition_document_order"),
        Index("ix_edition_document_queue", "batch_id", "recipient", "print_rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("edition_batch.id"))
    kind: Mapped[str] = mapped_column(String(10))  # LETTER, ORDER
    #: exactly one of letter_id / order_id is set
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_letter.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"))
    order_kind: Mapped[str | None] = mapped_column(String(20))  # DEPOSE, CONTROLE_INDEX
    number: Mapped[str] = mapped_column(String(20))
    police: Mapped[str] = mapped_column(ForeignKey("contract.police"))
    customer_name: Mapped[str] = mapped_column(String(200))
    zone_code: Mapped[str | None] = mapped_column(String(32))
    quartier: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(String(20))  # RELEVEUR, CHEF_RPNT
    #: place in the recipient's combined file (zone, quartier, address, police)
    print_rank: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    pages: Mapped[int] = mapped_column(Integer)
    #: the values printed (documents.formal), to build the combined file identically
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: what the export did not give, printed as such: codes, comma-separated
    gaps: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))  # GENERE, IMPRIME, REMIS
    printed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    printed_by: Mapped[str | None] = mapped_column(String(64))
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    handed_to: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    handed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handed_by: Mapped[str | None] = mapped_column(String(64))
    #: its letter or order was cancelled after edition (R7): not to be printed
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class EditionCombinedFile(Base):
    """The combined PDF of a batch for one recipient (the releveur's letters, the chef
    RPNT's orders), in print order; one per batch and recipient."""

    __tablename__ = "edition_combined_file"
    __table_args__ = (
        UniqueConstraint("batch_id", "recipient", name="uq_edition_combined_file_batch"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("edition_batch.id"))
    recipient: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    pages: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GcReturnFile(Base):
    """Fichier retour pour la gestion clientèle (#16): one file produced, numbered per
    agency and year (« retour-gc-<agence>-<date>-<n> »), its bytes kept like the
    classeur's; its lines are in :class:`GcReturnLine`."""

    __tablename__ = "gc_return_file"
    __table_args__ = (UniqueConstraint("agency_code", "year", "seq", name="uq_gc_return_file_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    produced_on: Mapped[dt.date] = mapped_column(Date)
    file_format: Mapped[str] = mapped_column(String(8))  # csv, xlsx
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    line_count: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GcReturnLine(Base):
    """One line sent to the gestion clientèle: exported once, whatever the number of
    return files (R13): unique on its kind and its source (the termination, the CRI,
    or the letter and its step-3 event)."""

    __tablename__ = "gc_return_line"
    __table_args__ = (
        UniqueConstraint("line_kind", "source_key", name="uq_gc_return_line_source"),
        Index("ix_gc_return_line_file", "file_id"),
        Index("ix_gc_return_line_police", "police"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("gc_return_file.id"))
    line_kind: Mapped[str] = mapped_column(String(20))  # RESILIATION, INDEX_MT, ADRESSE
    #: the termination's id, the CRI's id, or « <letter id>/IMPOSSIBLE »,
    #: « <letter id>/PRESENTATION-<n> »
    source_key: Mapped[str] = mapped_column(String(40))
    police: Mapped[str] = mapped_column(String(32))
