"""The route sheets of a day: one per agent holding visits that day or a pending
recall (R7), visits in route order (zone, quartier, address, police). The first
production of an agent's sheet for a day is the original; the next ones are marked
« copie ». Audited (one event per production)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

from sbee_desk.db.models import (
    Agency,
    Contract,
    Invoice,
    Payment,
    RouteSheet,
    StaffMember,
    WorkOrder,
)
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.documents.lists import load_list_texts
from sbee_desk.documents.route_sheet import RecallLine, Visit, pdf_bytes, xlsx_bytes
from sbee_desk.documents.route_sheet import RouteSheet as SheetData
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.dispatch import OrderStatus
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.dispatch import data
from sbee_desk.services.dispatch.model import DispatchError, OrderRow, SheetFile, sheet_stem
from sbee_desk.services.edition.model import print_key


def amounts_due(uow: UnitOfWork, polices: list[str], on: dt.date) -> dict[str, int]:
    """police → what its unpaid invoices still owe at ``on`` (not cancelled)."""
    paid = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.invoice_number == Invoice.number, Payment.paid_on <= on)
        .scalar_subquery()
    )
    out: dict[str, int] = defaultdict(int)
    for start in range(0, len(polices), 500):
        for police, amount, settled in uow.session.execute(
            select(Invoice.police, Invoice.amount, paid).where(
                Invoice.police.in_(polices[start : start + 500]),
                Invoice.cancelled.is_(False),
                Invoice.issued_on <= on,
            )
        ):
            out[police] += max(0, int(amount) - int(settled))
    return out


def route_sheets(uow: UnitOfWork, actor: Actor, on: dt.date) -> list[SheetFile]:
    """The route sheets of ``on`` (PDF and Excel bytes), by matricule."""
    texts = load_list_texts()
    with uow.write():
        require(uow, actor, Action.DISPATCH)
        session = uow.session
        rows = [
            data.order_row(r)
            for r in session.execute(
                data.order_query().where(
                    WorkOrder.status == OrderStatus.REPARTI.value, WorkOrder.visit_on == on
                )
            )
        ]
        ids = {r.id: r for r in rows}
        by_agent: dict[int, list[OrderRow]] = defaultdict(list)
        if ids:
            for order_id, staff_id in session.execute(
                select(WorkOrder.id, WorkOrder.agent_id).where(WorkOrder.id.in_(ids))
            ):
                if staff_id is not None:
                    by_agent[staff_id].append(ids[order_id])
        recalls = defaultdict(list)
        for recall in data.pending_recalls(uow):
            recalls[recall.staff_id].append(recall)
        staff_ids = sorted(set(by_agent) | set(recalls))
        if not staff_ids:
            return []
        staff = {
            s.id: s
            for s in session.scalars(select(StaffMember).where(StaffMember.id.in_(staff_ids)))
        }
        meters = {
            police: serial
            for police, serial in session.execute(
                select(Contract.police, Contract.meter_serial).where(
                    Contract.police.in_({r.police for r in rows})
                )
            )
        }
        due = amounts_due(uow, sorted({r.police for r in rows}), on)
        agency_code, agency_name = _agency(uow, rows)
        name = texts.agencies.get(agency_code or "") or agency_name
        header = texts.header
        agency = (
            header["agency"].format(agency_code=agency_code, agency_name=name)
            if name
            else header["agency_without_name"].format(agency_code=agency_code or "—")
        )
        printed = {
            r.staff_id: r
            for r in session.scalars(
                select(RouteSheet).where(
                    RouteSheet.visit_on == on, RouteSheet.staff_id.in_(staff_ids)
                )
            )
        }
        now = audit.now()
        out: list[SheetFile] = []
        for staff_id in sorted(staff_ids, key=lambda i: staff[i].matricule):
            member = staff[staff_id]
            orders = sorted(
                by_agent.get(staff_id, []),
                key=lambda o: print_key(o.zone, o.quartier, o.address, o.police),
            )
            sheet = SheetData(
                organisation=header["organisation"],
                unit=header["unit"],
                agency=agency,
                matricule=member.matricule,
                agent_name=member.name,
                visit_on=on,
                visits=tuple(
                    Visit(
                        o.number,
                        o.police,
                        o.customer_name,
                        o.address,
                        o.quartier,
                        o.zone,
                        meters.get(o.police),
                        due.get(o.police, 0),
                        o.kind,
                        o.attempts,
                        o.cause,
                    )
                    for o in orders
                ),
                recalls=tuple(
                    RecallLine(r.number, r.police, r.customer_name, r.address, r.quartier, r.reason)
                    for r in recalls.get(staff_id, [])
                ),
                produced_by=actor.login,
                copy=staff_id in printed,
            )
            record = printed.get(staff_id)
            if record is None:
                session.add(
                    RouteSheet(
                        staff_id=staff_id, visit_on=on, first_at=now, first_by=actor.login, prints=1
                    )
                )
            else:
                record.prints += 1
            stem = sheet_stem(member.matricule, on)
            out.append(
                SheetFile(
                    member.matricule,
                    on,
                    f"{stem}.pdf",
                    f"{stem}.xlsx",
                    pdf_bytes(sheet),
                    xlsx_bytes(sheet),
                    len(sheet.visits),
                    len(sheet.recalls),
                    sheet.copy,
                )
            )
        session.flush()
        audit.record(
            uow,
            actor,
            AuditAction.DISPATCH_SHEETS,
            entity="route_sheet",
            entity_key=on.isoformat(),
            after={
                "visit_on": on.isoformat(),
                "sheets": [
                    {"agent": f.matricule, "visits": f.visits, "recalls": f.recalls, "copy": f.copy}
                    for f in out
                ],
            },
        )
        uow.commit()
    return out


def _agency(uow: UnitOfWork, rows: list[OrderRow]) -> tuple[str | None, str | None]:
    """The agency of the orders (the first one's), its code and name."""
    if not rows:
        found = uow.session.execute(select(Agency.code, Agency.name).limit(1)).first()
    else:
        found = uow.session.execute(
            select(Agency.code, Agency.name)
            .join(Contract, Contract.agency_code == Agency.code)
            .where(Contract.police == rows[0].police)
        ).first()
    return (found[0], found[1]) if found else (None, None)


def write_sheet_files(folder: Path, files: list[SheetFile]) -> list[Path]:
    """Write each sheet's PDF and Excel file in ``folder`` (created if needed), each
    under a temporary name then renamed: a file with its final name is always whole."""
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for f in files:
            for name, content in ((f.pdf_name, f.pdf), (f.xlsx_name, f.xlsx)):
                temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
                temporary.write_bytes(content)
                os.replace(temporary, folder / name)
                written.append(folder / name)
    except OSError as exc:
        raise DispatchError("SHEET_NOT_WRITTEN", folder=folder, error=exc) from exc
    return written
