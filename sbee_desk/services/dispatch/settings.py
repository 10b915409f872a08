"""The agency's dispatch settings: an agent's daily capacity, the attempts allowed
before the chef decides (administrator, audited)."""

from __future__ import annotations

from sbee_desk.db.models import AgencySetting
from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.dispatch import data
from sbee_desk.services.dispatch.model import (
    CAPACITY_KEY,
    MAX_ATTEMPTS_KEY,
    SETTING_MINIMUMS,
    DispatchError,
    DispatchSettings,
)


def dispatch_settings(uow: UnitOfWork) -> DispatchSettings:
    with uow:
        return data.settings(uow)


def set_dispatch_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    daily_capacity: int | None = None,
    max_attempts: int | None = None,
) -> DispatchSettings:
    """Change the settings given (ADMINISTER); a value below its minimum is refused."""
    wanted = {CAPACITY_KEY: daily_capacity, MAX_ATTEMPTS_KEY: max_attempts}
    with uow.write():
        require(uow, actor, Action.ADMINISTER)
        before = data.settings(uow)
        for key, value in wanted.items():
            if value is not None and value < SETTING_MINIMUMS[key]:
                raise DispatchError(
                    "SETTING_TOO_SMALL", key=key, value=value, minimum=SETTING_MINIMUMS[key]
                )
        now = audit.now()
        for key, value in wanted.items():
            if value is None:
                continue
            row = uow.session.get(AgencySetting, key)
            if row is None:
                row = AgencySetting(key=key, value="", updated_by="", updated_at=now)
                uow.session.add(row)
            row.value, row.updated_by, row.updated_at = str(value), actor.login, now
        uow.session.flush()
        after = data.settings(uow)
        audit.record(
            uow,
            actor,
            AuditAction.SETTING_UPDATE,
            entity="agency_setting",
            entity_key="dispatch",
            before={"daily_capacity": before.daily_capacity, "max_attempts": before.max_attempts},
            after={"daily_capacity": after.daily_capacity, "max_attempts": after.max_attempts},
        )
        uow.commit()
    return after
