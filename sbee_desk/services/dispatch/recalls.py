"""R7 in the field: an order cancelled while an agent holds it is « à rappeler — ne
pas intervenir » — at the top of the Répartition page and on the agent's next route
sheet — until the chef records that the agent was called back (audited).

R7 itself (:mod:`sbee_desk.services.r7`) sets the order ANNULE and leaves its open
assignment as it is: that open assignment of a cancelled order *is* the recall."""

from __future__ import annotations

from collections.abc import Sequence

from sbee_desk.db.uow import UnitOfWork
from sbee_desk.domain.audit_actions import AuditAction
from sbee_desk.domain.dispatch import AssignmentEnd
from sbee_desk.domain.permissions import Action
from sbee_desk.services import audit
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import require
from sbee_desk.services.dispatch import data
from sbee_desk.services.dispatch.assignment import end_open
from sbee_desk.services.dispatch.model import DispatchError, Recall


def record_recall(
    uow: UnitOfWork, actor: Actor, ids: Sequence[int], note: str = ""
) -> list[Recall]:
    """Record that the agents holding these cancelled orders were called back."""
    text = note.strip() or None
    with uow.write():
        require(uow, actor, Action.DISPATCH)
        data.serialise_writers(uow)
        pending = {r.order_id: r for r in data.pending_recalls(uow)}
        missing = [i for i in ids if i not in pending]
        if missing:
            raise DispatchError("NO_RECALL_PENDING", numbers=[f"{i:08d}" for i in missing])
        done = [pending[i] for i in dict.fromkeys(ids)]
        end_open(uow, actor, [r.order_id for r in done], AssignmentEnd.RECALLED, audit.now(), text)
        audit.record_many(
            uow,
            actor,
            [
                {
                    "action": AuditAction.DISPATCH_RECALL,
                    "entity": "work_order",
                    "entity_key": str(r.order_id),
                    "before": {"recall_pending": True, "agent": r.matricule},
                    "after": {"recall_pending": False},
                    "details": {"police": r.police, "number": r.number, "note": text},
                }
                for r in done
            ],
        )
        uow.commit()
    return done
