"""Users (who log in), authentication, and the staff register (who never log in)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from sbee_desk.db.models import StaffMember, User, UserRole
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action, Role
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import record_refusal, require
from sbee_desk.services.errors import ServiceError

#: failed logins in a row before the account is locked, and for how long
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
#: the rule applies when a password is set: an older, shorter one still signs in
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


class AccountError(ServiceError, ValueError):
    """Bad input about an account or a staff member; nothing changed."""


class AuthenticationFailed(ServiceError):
    """Login refused; the message never says whether the login exists. Audited."""


class StaffRole(StrEnum):
    RELEVEUR = "RELEVEUR"
    AGENT_RECOUVREMENT = "AGENT_RECOUVREMENT"
    AGENT_RPNT = "AGENT_RPNT"
    MAGASINIER = "MAGASINIER"


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    full_name: str
    roles: tuple[Role, ...]
    active: bool
    locked_until: dt.datetime | None
    #: failed sign-ins in a row since the last good one
    failed_attempts: int = 0

    def locked_at(self, at: dt.datetime) -> bool:
        """Locked after failed sign-ins, and still so at ``at``."""
        return self.locked_until is not None and self.locked_until > at


@dataclass(frozen=True)
class StaffInfo:
    id: int
    matricule: str
    name: str
    role: StaffRole
    zones: tuple[str, ...]
    active: bool


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite gives naive UTC back
        return moment.replace(tzinfo=dt.UTC)
    return moment


def _info(user: User) -> UserInfo:
    return UserInfo(
        user.id,
        user.login,
        user.full_name,
        tuple(Role(r.role) for r in user.roles),
        user.active,
        _aware(user.locked_until),
        user.failed_attempts,
    )


def parse_roles(raw: list[str]) -> list[Role]:
    roles = []
    for name in raw:
        try:
            roles.append(Role(name.strip().upper()))
        except ValueError as exc:
            raise AccountError("UNKNOWN_ROLE", name=name, known=[r.value for r in Role]) from exc
    if not roles:
        raise AccountError("NO_ROLE")
    return sorted(set(roles))


def _check_password(password: str) -> None:
    """The rule for a new password: not blank, at least MIN_PASSWORD_LENGTH characters."""
    if not password.strip():
        raise AccountError("PASSWORD_BLANK", minimum=MIN_PASSWORD_LENGTH)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("PASSWORD_TOO_SHORT", minimum=MIN_PASSWORD_LENGTH)


def user_count(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(User)) or 0


def create_user(
    uow: UnitOfWork,
    actor: Actor | None,
    login: str,
    full_name: str,
    roles: list[Role],
    password: str,
) -> UserInfo:
    """Add a user. On a database with no user yet, the first one must be ADMIN and
    needs no acting user (it acts as itself in the audit trail)."""
    login = login.strip()
    if not login or len(login) > 64 or any(c.isspace() for c in login):
        raise AccountError("INVALID_LOGIN", login=login)
    if not full_name.strip():
        raise AccountError("FULL_NAME_REQUIRED")
    if not roles:
        raise AccountError("NO_ROLE")
    _check_password(password)
    with uow.write():
        first = (uow.session.scalar(select(func.count()).select_from(User)) or 0) == 0
        if first:
            if Role.ADMIN not in roles:
                raise AccountError("FIRST_USER_NOT_ADMIN")
            acting = Actor(login, frozenset(roles), full_name)
        else:
            if actor is None:
                raise AccountError("CREATOR_REQUIRED")
            require(uow, actor, Action.ADMINISTER)
            acting = actor
        if uow.session.scalars(select(User).where(User.login == login)).first():
            raise AccountError("LOGIN_TAKEN", login=login)
        user = User(
            login=login,
            full_name=full_name.strip(),
            password_hash=_hasher.hash(password),
            active=True,
            failed_attempts=0,
            created_at=audit.now(),
            roles=[UserRole(role=r.value) for r in sorted(set(roles))],
        )
        uow.session.add(user)
        uow.session.flush()
        audit.record(
            uow,
            acting,
            AuditAction.USER_CREATE,
            entity="user",
            entity_key=login,
            after={
                "full_name": user.full_name,
                "roles": [r.value for r in sorted(set(roles))],
                "active": True,
            },
        )
        uow.commit()
        return _info(user)


def authenticate(
    uow: UnitOfWork, login: str, password: str, *, at: dt.datetime | None = None
) -> Actor:
    """Check a login and password; lock the account after repeated failures."""
    at = at or audit.now()
    with uow.write():
        user = uow.session.scalars(select(User).where(User.login == login)).one_or_none()
        if user is None:
            _hasher.hash(password)  # same cost whether the login exists or not
            uow.rollback()
            record_refusal(uow, login, "LOGIN", "bad_credentials")
            raise AuthenticationFailed("BAD_CREDENTIALS")
        try:
            _hasher.verify(user.password_hash, password)
            good = True
        except (VerificationError, InvalidHashError):
            good = False
        locked = _aware(user.locked_until)
        if not good:
            user.failed_attempts += 1
            locks_now = user.failed_attempts >= MAX_FAILED_LOGINS and not (
                locked is not None and locked > at
            )
            if user.failed_attempts >= MAX_FAILED_LOGINS:
                user.locked_until = at + LOCKOUT
            audit.record(
                uow,
                Actor(login),
                AuditAction.REFUSED,
                entity="action",
                entity_key="LOGIN",
                details={"reason": "bad_credentials", "failed_attempts": user.failed_attempts},
            )
            if locks_now:  # the journal shows the lock itself, for the administrator
                audit.record(
                    uow,
                    Actor(login),
                    AuditAction.USER_LOCK,
                    entity="user",
                    entity_key=login,
                    details={
                        "failed_attempts": user.failed_attempts,
                        "locked_until": (at + LOCKOUT).isoformat(timespec="seconds"),
                    },
                )
            uow.commit()
            raise AuthenticationFailed("BAD_CREDENTIALS")
        if locked is not None and locked > at:
            uow.rollback()
            record_refusal(uow, login, "LOGIN", "locked")
            raise AuthenticationFailed(
                "ACCOUNT_LOCKED", failures=MAX_FAILED_LOGINS, until=locked.astimezone()
            )
        if not user.active:
            uow.rollback()
            record_refusal(uow, login, "LOGIN", "inactive")
            raise AuthenticationFailed("ACCOUNT_DISABLED")
        if user.failed_attempts or user.locked_until is not None:
            user.failed_attempts = 0
            user.locked_until = None
        actor = Actor(user.login, frozenset(Role(r.role) for r in user.roles), user.full_name)
        audit.record(uow, actor, AuditAction.LOGIN, entity="user", entity_key=login)
        uow.commit()
        return actor


def list_users(uow: UnitOfWork) -> list[UserInfo]:
    with uow:
        return [_info(u) for u in uow.session.scalars(select(User).order_by(User.login))]


def update_user(
    uow: UnitOfWork,
    actor: Actor,
    login: str,
    *,
    roles: list[Role] | None = None,
    active: bool | None = None,
    full_name: str | None = None,
    password: str | None = None,
) -> UserInfo:
    """Change roles, active flag, name or password (ADMIN), audited with before/after."""
    with uow.write():
        require(uow, actor, Action.ADMINISTER)
        user = uow.session.scalars(select(User).where(User.login == login)).one_or_none()
        if user is None:
            raise AccountError("UNKNOWN_USER", login=login)
        before = {
            "full_name": user.full_name,
            "roles": [r.role for r in user.roles],
            "active": user.active,
        }
        if roles is not None:
            if not roles:
                raise AccountError("NO_ROLE")
            wanted = {r.value for r in roles}
            user.roles = [r for r in user.roles if r.role in wanted] + [
                UserRole(role=r) for r in sorted(wanted - {r.role for r in user.roles})
            ]
        if active is not None:
            user.active = active
        if full_name is not None:
            if not full_name.strip():
                raise AccountError("FULL_NAME_REQUIRED")
            user.full_name = full_name.strip()
        if password is not None:
            _check_password(password)
            user.password_hash = _hasher.hash(password)
            user.failed_attempts = 0
            user.locked_until = None
        uow.session.flush()
        after = {
            "full_name": user.full_name,
            "roles": sorted(r.role for r in user.roles),
            "active": user.active,
        }
        _guard_last_admin(uow)
        audit.record(
            uow,
            actor,
            AuditAction.USER_UPDATE,
            entity="user",
            entity_key=login,
            before=before,
            after=after | ({"password": "changé"} if password else {}),
        )
        uow.commit()
        return _info(user)


def unlock_user(
    uow: UnitOfWork, actor: Actor, login: str, *, at: dt.datetime | None = None
) -> UserInfo:
    """Lift a lockout after failed sign-ins (ADMIN), audited with the count of failures.
    The password is unchanged; a user who is not locked is refused (NOT_LOCKED)."""
    at = at or audit.now()
    with uow.write():
        require(uow, actor, Action.ADMINISTER)
        user = uow.session.scalars(select(User).where(User.login == login)).one_or_none()
        if user is None:
            raise AccountError("UNKNOWN_USER", login=login)
        locked = _aware(user.locked_until)
        if locked is None or locked <= at:
            raise AccountError("NOT_LOCKED", login=login)
        before = {
            "failed_attempts": user.failed_attempts,
            "locked_until": locked.isoformat(timespec="seconds"),
        }
        user.failed_attempts = 0
        user.locked_until = None
        uow.session.flush()
        audit.record(
            uow,
            actor,
            AuditAction.USER_UNLOCK,
            entity="user",
            entity_key=login,
            before=before,
            after={"failed_attempts": 0, "locked_until": None},
        )
        uow.commit()
        return _info(user)


def _guard_last_admin(uow: UnitOfWork) -> None:
    admins = uow.session.scalar(
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(User.active.is_(True), UserRole.role == Role.ADMIN.value)
    )
    if not admins:
        raise AccountError("LAST_ADMIN")


# --------------------------------------------------------------------------- demo

#: The demo agency's users, one per role (README: "Utilisateurs de démonstration").
#: ``nuit`` is the dedicated user the night edition runs as.
DEMO_PASSWORD = "demo-sbee-2026"
DEMO_USERS: list[tuple[str, str, tuple[Role, ...]]] = [
    ("chef", "Rodrigue Tossou", (Role.CHEF_RECOUVREMENT,)),
    ("agent", "Afiavi Houngbédji", (Role.AGENT_CONTROLE,)),
    ("rpnt", "Sèna Agbodjan", (Role.CHEF_RPNT,)),
    ("magasin", "Kossi Zinsou", (Role.MAGASINIER,)),
    ("dg", "Gérard Adjovi", (Role.DIRECTION,)),
    ("dig", "Comlan Gbaguidi", (Role.CONTROLE,)),
    ("admin", "Administrateur de l'agence", (Role.ADMIN,)),
    ("nuit", "Édition de nuit", (Role.CHEF_RECOUVREMENT,)),
]


def create_demo_users(uow: UnitOfWork) -> Actor:
    """On a database with no user yet: the demo users (admin first). Returns the
    chef, who then loads the demo data."""
    by_login = {login: (name, roles) for login, name, roles in DEMO_USERS}
    admin = create_user(
        uow, None, "admin", by_login["admin"][0], list(by_login["admin"][1]), DEMO_PASSWORD
    )
    admin_actor = Actor(admin.login, frozenset(admin.roles), admin.full_name)
    for login, name, roles in DEMO_USERS:
        if login != "admin":
            create_user(uow, admin_actor, login, name, list(roles), DEMO_PASSWORD)
    chef_name, chef_roles = by_login["chef"]
    return Actor("chef", frozenset(chef_roles), chef_name)


# --------------------------------------------------------------------------- staff


def _staff_info(s: StaffMember) -> StaffInfo:
    zones = tuple(z for z in s.zones.split(",") if z)
    return StaffInfo(s.id, s.matricule, s.name, StaffRole(s.role), zones, s.active)


def list_staff(uow: UnitOfWork, role: StaffRole | None = None) -> list[StaffInfo]:
    with uow:
        stmt = select(StaffMember).order_by(StaffMember.name)
        if role is not None:
            stmt = stmt.where(StaffMember.role == role.value)
        return [_staff_info(s) for s in uow.session.scalars(stmt)]


def save_staff(
    uow: UnitOfWork,
    actor: Actor,
    matricule: str,
    name: str,
    role: str,
    zones: list[str] | None = None,
    active: bool = True,
) -> StaffInfo:
    """Add or change a staff member (by matricule); ADMIN; audited."""
    matricule = matricule.strip()
    if not matricule:
        raise AccountError("MATRICULE_REQUIRED")
    if not name.strip():
        raise AccountError("STAFF_NAME_REQUIRED")
    try:
        staff_role = StaffRole(role.strip().upper())
    except ValueError as exc:
        raise AccountError(
            "UNKNOWN_STAFF_ROLE", role=role, known=[r.value for r in StaffRole]
        ) from exc
    zone_text = ",".join(sorted({z.strip() for z in zones or [] if z.strip()}))
    with uow.write():
        require(uow, actor, Action.ADMINISTER)
        member = uow.session.scalars(
            select(StaffMember).where(StaffMember.matricule == matricule)
        ).one_or_none()
        before = None
        if member is None:
            member = StaffMember(matricule=matricule, name="", role="", zones="", active=True)
            uow.session.add(member)
        else:
            before = {
                "name": member.name,
                "role": member.role,
                "zones": member.zones,
                "active": member.active,
            }
        member.name, member.role, member.zones, member.active = (
            name.strip(),
            staff_role.value,
            zone_text,
            active,
        )
        uow.session.flush()
        audit.record(
            uow,
            actor,
            AuditAction.STAFF_SAVE,
            entity="staff",
            entity_key=matricule,
            before=before,
            after={
                "name": member.name,
                "role": member.role,
                "zones": member.zones,
                "active": member.active,
            },
        )
        uow.commit()
        return _staff_info(member)
