"""The role check every service makes before acting (business-rules.md, Permissions)."""

from __future__ import annotations

from sqlalchemy import select

from sbee_desk.db.models import User
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action, Role, allowed
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.errors import ServiceError


class PermissionDenied(ServiceError):
    """The acting user may not do this (data: ``login``, ``action``). Audited."""

    @property
    def action(self) -> Action | None:
        action: Action | None = self.data.get("action")
        return action


def current_roles(uow: UnitOfWork, login: str) -> frozenset[Role] | None:
    """The roles of an active user, read now; None for an unknown or disabled login."""
    user = uow.session.scalars(select(User).where(User.login == login)).one_or_none()
    if user is None or not user.active:
        return None
    return frozenset(Role(r.role) for r in user.roles)


def record_refusal(uow: UnitOfWork, login: str, action: str, reason: str) -> None:
    """Audit a refusal in its own transaction: the refused action writes nothing."""
    with uow.__class__(uow.engine).write() as side:
        audit.record(
            side,
            Actor(login),
            AuditAction.REFUSED,
            entity="action",
            entity_key=action,
            details={"reason": reason},
        )
        side.commit()


def require(uow: UnitOfWork, actor: Actor, action: Action) -> None:
    """Raise PermissionDenied (audited) unless ``actor`` is an active user whose
    current roles allow ``action``. Call it first in a service, before any write."""
    roles = current_roles(uow, actor.login)
    if roles is None:
        reason = "unknown_or_inactive"
        denied = PermissionDenied("UNKNOWN_OR_INACTIVE_USER", login=actor.login, action=action)
    elif not allowed(roles, action):
        reason = "role"
        denied = PermissionDenied("ROLE_REQUIRED", login=actor.login, action=action)
    else:
        return
    uow.session.rollback()
    record_refusal(uow, actor.login, action.value, reason)
    raise denied
