"""Small builders to set up precise cases directly in the database (tests only)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sbee_desk.db.database import Database
from sbee_desk.db.models import (
    Agency,
    Bordereau,
    Contract,
    Customer,
    Derogation,
    Invoice,
    Payment,
    ReminderLetter,
    SelectionRun,
    Suspension,
    User,
    UserRole,
    WorkOrder,
    Zone,
)
from sbee_desk.domain.permissions import Role
from sbee_desk.services.audit import now

PASSWORD = "secret-123"
#: a valid argon2 hash of PASSWORD, computed once (hashing costs ~50 ms)
_HASH: dict[str, str] = {}


def password_hash() -> str:
    if not _HASH:
        from argon2 import PasswordHasher

        _HASH["h"] = PasswordHasher().hash(PASSWORD)
    return _HASH["h"]


def add_user(session, login: str, *roles: Role, active: bool = True) -> None:
    """A user whose password is PASSWORD (written directly: test set-up, not audited)."""
    session.add(
        User(
            login=login,
            full_name=f"Utilisateur {login}",
            password_hash=password_hash(),
            active=active,
            failed_attempts=0,
            created_at=now(),
            roles=[UserRole(role=r.value) for r in roles],
        )
    )
    session.flush()


def add_users(db: Database) -> None:
    """One user per role, login = role name in lower case, plus ``chef`` and ``admin``."""
    with db.uow() as uow:
        add_user(uow.session, "chef", Role.CHEF_RECOUVREMENT)
        add_user(uow.session, "admin", Role.ADMIN)
        for role in Role:
            if role is not Role.ADMIN:
                add_user(uow.session, role.value.lower(), role)
        uow.commit()


D = dt.date


@dataclass
class World:
    """Builds customers, contracts, invoices… in one session; call ``commit()``."""

    db: Database
    agency: str = "AG1"
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self._uow = self.db.uow().__enter__()
        self.s = self._uow.session
        if self.s.query(User).filter_by(login="chef").first() is None:
            add_user(self.s, "chef", Role.CHEF_RECOUVREMENT)
        self.s.add(Agency(code=self.agency, name="Agence test"))
        self.s.add(Zone(agency_code=self.agency, code="Z1"))
        for v in ("BT", "MT"):
            self.s.add(
                Bordereau(code=f"{v}-2026-09", voltage=v, agency_code=self.agency, period="2026-09")
            )
        self.s.flush()

    def contract(
        self,
        police: str,
        *,
        category: str = "ORDINAIRE",
        voltage: str = "BT",
        terminated_on: dt.date | None = None,
        agency: str | None = None,
        name: str | None = None,
    ) -> str:
        agency = agency or self.agency
        if self.s.get(Agency, agency) is None:
            self.s.add(Agency(code=agency))
            self.s.flush()
        self.s.add(Customer(code=f"C{police}", name=name or f"Client {police}", category=category))
        self.s.add(
            Contract(
                police=police,
                customer_code=f"C{police}",
                voltage=voltage,
                agency_code=agency,
                zone_code="Z1" if agency == self.agency else None,
                terminated_on=terminated_on,
                meter_serial=f"M{police}",
            )
        )
        self.s.flush()
        return police

    def invoice(
        self,
        police: str,
        issued_on: dt.date,
        amount: int,
        *,
        due_on: dt.date | str | None = "auto",
        cancelled: bool = False,
        voltage: str = "BT",
    ) -> str:
        number = f"F{next(self._counter):06d}"
        due = issued_on + dt.timedelta(days=15) if due_on == "auto" else due_on
        self.s.add(
            Invoice(
                number=number,
                police=police,
                bordereau_code=f"{voltage}-2026-09",
                issued_on=issued_on,
                due_on=due,
                amount=amount,
                cancelled=cancelled,
            )
        )
        self.s.flush()
        return number

    def payment(self, invoice: str, paid_on: dt.date, amount: int, reference: str | None = None):
        self.s.add(
            Payment(
                invoice_number=invoice,
                reference=reference or f"R{next(self._counter)}",
                paid_on=paid_on,
                amount=amount,
            )
        )
        self.s.flush()

    def suspension(
        self,
        police: str,
        suspended_on: dt.date,
        restored_on: dt.date | None = None,
        voltage: str = "BT",
    ) -> int:
        sus = Suspension(
            police=police,
            suspended_on=suspended_on,
            restored_on=restored_on,
            bordereau_code=f"{voltage}-2026-09",
        )
        self.s.add(sus)
        self.s.flush()
        return sus.id

    def unpaid(self, police: str, n: int = 2, amount: int = 10_000, voltage: str = "BT") -> None:
        """n invoices issued in July/August 2026, due long before the usual run dates."""
        for k in range(n):
            self.invoice(police, D(2026, 7, 1) + dt.timedelta(days=20 * k), amount, voltage=voltage)

    def _history_run(self, on: dt.date) -> int:
        run = SelectionRun(
            run_on=on, created_by="test", created_at=now(), plan_snapshot={}, candidate_count=0
        )
        self.s.add(run)
        self.s.flush()
        return run.id

    def letter(
        self,
        police: str,
        suspension_id: int,
        created_on: dt.date,
        delivered_on: dt.date | None = None,
        cancelled_on: dt.date | None = None,
    ) -> int:
        letter = ReminderLetter(
            police=police,
            suspension_id=suspension_id,
            run_id=self._history_run(created_on),
            created_on=created_on,
            delivered_on=delivered_on,
            cancelled_on=cancelled_on,
        )
        self.s.add(letter)
        self.s.flush()
        return letter.id

    def order(self, police: str, suspension_id: int, created_on: dt.date, kind: str = "DEPOSE"):
        self.s.add(
            WorkOrder(
                police=police,
                suspension_id=suspension_id,
                run_id=self._history_run(created_on),
                kind=kind,
                created_on=created_on,
            )
        )
        self.s.flush()

    def derogation(
        self,
        police: str,
        decided_on: dt.date,
        valid_until: dt.date | None = None,
        ref: str = "DG-1",
    ) -> None:
        self.s.add(
            Derogation(
                police=police,
                reference=ref,
                decided_on=decided_on,
                valid_until=valid_until,
                recorded_by="dg",
                recorded_at=now(),
            )
        )
        self.s.flush()

    def commit(self) -> None:
        self._uow.commit()
        self._uow.__exit__(None, None, None)


def cli_runner(db_url: str, monkeypatch: Any, capsys: Any) -> Callable[..., tuple[int, str, str]]:
    """`sbee-desk` in this process as `chef` on ``db_url`` (the users of
    :func:`add_users`): ``run(*argv) -> (exit status, stdout, stderr)``."""
    from sbee_desk.cli import main
    from sbee_desk.db.database import open_database

    monkeypatch.setenv("SBEE_DESK_DB", db_url)
    monkeypatch.setenv("SBEE_DESK_USER", "chef")
    monkeypatch.setenv("SBEE_DESK_PASSWORD", PASSWORD)
    db = open_database(db_url)
    add_users(db)
    db.dispose()

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
