"""Step 4 — répartition des ordres (issue #14): the orders edited wait for an agent de
recouvrement; the chef (or the chef RPNT) shares them for a visit date, prints each
agent's route sheet, and calls back the agents holding an order cancelled by R7.

- :mod:`.model`: the error, the settings, the result objects;
- :mod:`.data`: the orders with their status and holder, the agents and their load,
  the pending recalls, the settings (reads);
- :mod:`.assignment`: the automatic proposal (``domain.dispatch.propose``), its
  confirmation, assignment by hand, moves, taking orders back (audited; two
  workstations on the same order: the second is refused);
- :mod:`.attempts`: closing an order whose visits failed as often as allowed;
- :mod:`.recalls`: recording that an agent was called back (R7);
- :mod:`.sheets`: the route sheets of a day (PDF and Excel);
- :mod:`.settings`: the agency's daily capacity and attempts.
"""

from __future__ import annotations

from sbee_desk.services.dispatch.assignment import (
    assign,
    confirm,
    dispatch_auto,
    field_agent,
    order_ids,
    propose_dispatch,
    unassign,
)
from sbee_desk.services.dispatch.attempts import close_order
from sbee_desk.services.dispatch.data import list_agents, list_orders, list_recalls
from sbee_desk.services.dispatch.model import (
    AgentRow,
    AssignResult,
    DispatchError,
    DispatchSettings,
    LeftOrder,
    OrderRow,
    Proposal,
    ProposedVisit,
    Recall,
    SheetFile,
    sheet_stem,
)
from sbee_desk.services.dispatch.recalls import record_recall
from sbee_desk.services.dispatch.settings import dispatch_settings, set_dispatch_settings
from sbee_desk.services.dispatch.sheets import route_sheets, write_sheet_files

__all__ = [
    "AgentRow",
    "AssignResult",
    "DispatchError",
    "DispatchSettings",
    "LeftOrder",
    "OrderRow",
    "Proposal",
    "ProposedVisit",
    "Recall",
    "SheetFile",
    "assign",
    "close_order",
    "confirm",
    "dispatch_auto",
    "dispatch_settings",
    "field_agent",
    "list_agents",
    "list_orders",
    "list_recalls",
    "order_ids",
    "propose_dispatch",
    "record_recall",
    "route_sheets",
    "set_dispatch_settings",
    "sheet_stem",
    "unassign",
    "write_sheet_files",
]
