"""What the window shows about the database as a whole (status bar, first start)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from sbee_desk.db.models import Agency, AuditEvent, Contract, SelectionRun, User
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction


@dataclass(frozen=True)
class DatabaseSummary:
    contracts: int
    agencies: list[tuple[str, str | None]]
    users: int
    last_import_at: dt.datetime | None
    last_import_by: str | None
    last_run_id: int | None
    last_run_on: dt.date | None

    @property
    def empty(self) -> bool:
        """No agency data yet: the first start offers the demo or an import."""
        return self.contracts == 0


def database_summary(uow: UnitOfWork) -> DatabaseSummary:
    with uow:
        s = uow.session
        last_import = s.execute(
            select(AuditEvent.occurred_at, AuditEvent.actor)
            .where(AuditEvent.action == AuditAction.IMPORT.value)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).first()
        last_run = s.execute(
            select(SelectionRun.id, SelectionRun.run_on).order_by(SelectionRun.id.desc()).limit(1)
        ).first()
        return DatabaseSummary(
            contracts=s.scalar(select(func.count()).select_from(Contract)) or 0,
            agencies=[(a.code, a.name) for a in s.scalars(select(Agency).order_by(Agency.code))],
            users=s.scalar(select(func.count()).select_from(User)) or 0,
            last_import_at=last_import.occurred_at if last_import else None,
            last_import_by=last_import.actor if last_import else None,
            last_run_id=last_run.id if last_run else None,
            last_run_on=last_run.run_on if last_run else None,
        )
