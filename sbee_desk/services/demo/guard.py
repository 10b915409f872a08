"""What the demo checks before it writes anything (issue #12).

- :func:`check_only_demo_data`: the demo loads only into an empty database or one
  holding only the demo agencies (loaded before); any other agency, a contract of a
  demo agency whose police is not a demo police, or a customer with no demo
  contract is real data, and the demo refuses (``DEMO_ON_REAL_DATA``): its import
  would update real rows and its history would be recorded on them.
- :func:`demo_actors`: the demo acts as its own users, each in its role — ``chef``
  imports, runs and validates the treatment, prints and hands the letters over and
  orders new attempts, ``nuit`` runs the night edition, ``agent`` records deliveries,
  ``dg`` records the DG derogations, ``admin`` fills the staff register. They must be
  active and hold those roles (``DEMO_USERS_MISSING``), whoever loads the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, text

from sbee_desk.db.models import Agency, Contract, Customer, User
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.permissions import Action, Role, allowed
from sbee_desk.importers.staging import IMPORT_LOCK_KEY
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import current_roles
from sbee_desk.services.demo.agencies import AGENCIES
from sbee_desk.services.errors import ServiceError
from sbee_desk.services.users import DEMO_USERS

#: at most this many foreign agencies are named in the refusal
_AGENCIES_SHOWN = 5


class DemoRefused(ServiceError):
    """The demo will not load into this database; nothing was written."""


@dataclass(frozen=True)
class DemoActors:
    """The demo's users who act in its history, each in the role it needs."""

    chef: Actor
    agent: Actor
    dg: Actor
    admin: Actor
    #: the night edition's user
    nuit: Actor
    #: the store keeper (step 5: the meters back to the store)
    magasin: Actor


#: login -> the role it acts in, and what it does in the demo: checked here, so no
#: service refuses them inside the demo's transaction (a refusal is audited in a
#: transaction of its own, which would wait for the demo's on SQLite)
_ACTING = {
    "chef": (
        Role.CHEF_RECOUVREMENT,
        (
            Action.IMPORT,
            Action.SELECT,
            Action.EDITION,
            Action.LETTER_DELIVERY,
            Action.DISPATCH,
            Action.CRI_COUNTERSIGN,
        ),
    ),
    "agent": (Role.AGENT_CONTROLE, (Action.LETTER_DELIVERY, Action.CRI_ENTRY)),
    "dg": (Role.DIRECTION, (Action.DEROGATION,)),
    "admin": (Role.ADMIN, (Action.ADMINISTER,)),
    "nuit": (Role.CHEF_RECOUVREMENT, (Action.EDITION,)),
    "magasin": (Role.MAGASINIER, (Action.STORE_RETURN,)),
}


def lock(uow: UnitOfWork) -> None:
    """PostgreSQL: take the import's advisory lock, so no import commits between the
    checks and the demo (SQLite: the demo's transaction holds the write lock)."""
    if uow.dialect == "postgresql":
        uow.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})


def check_only_demo_data(uow: UnitOfWork) -> None:
    """Refuse (``DEMO_ON_REAL_DATA``) unless the database holds no data but the demo's."""
    session = uow.session
    codes = [agency.code for agency in AGENCIES]
    foreign_agencies = list(
        session.scalars(select(Agency.code).where(Agency.code.not_in(codes)).order_by(Agency.code))
    )
    demo_police = or_(
        *(
            and_(
                Contract.agency_code == agency.code,
                Contract.police.like(f"{agency.police_prefix}%"),
                func.length(Contract.police) == len(agency.police_prefix) + 8,
            )
            for agency in AGENCIES
        )
    )
    foreign_contracts = session.scalar(
        select(func.count()).select_from(Contract).where(~demo_police)
    )
    foreign_customers = session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(~select(Contract.police).where(Contract.customer_code == Customer.code).exists())
    )
    if foreign_agencies or foreign_contracts or foreign_customers:
        raise DemoRefused(
            "DEMO_ON_REAL_DATA",
            agencies=foreign_agencies[:_AGENCIES_SHOWN],
            more_agencies=max(0, len(foreign_agencies) - _AGENCIES_SHOWN),
            contracts=foreign_contracts or 0,
            customers=foreign_customers or 0,
        )


def has_users(uow: UnitOfWork) -> bool:
    return bool(uow.session.scalar(select(func.count()).select_from(User)))


def demo_actors(uow: UnitOfWork) -> DemoActors:
    """The demo users who act, read now; ``DEMO_USERS_MISSING`` unless each is active
    and holds its role."""
    names = {login: name for login, name, _ in DEMO_USERS}
    actors: dict[str, Actor] = {}
    missing: list[str] = []
    for login, (role, actions) in _ACTING.items():
        roles = current_roles(uow, login)
        if roles is None or role not in roles or not all(allowed([role], a) for a in actions):
            missing.append(login)
        else:
            actors[login] = Actor(login, frozenset({role}), names.get(login, login))
    if missing:
        raise DemoRefused("DEMO_USERS_MISSING", logins=missing)
    return DemoActors(**actors)
