"""Step 4 — répartition des ordres: the order's statuses and the automatic proposal.

The proposal is a pure function over plain values (no database): the service reads
the orders waiting and the agents de recouvrement with the load already given for
the day, calls :func:`propose`, and shows (or confirms) what it returns.

Rules of the proposal (issue #14):

- an order goes to an active agent de recouvrement covering its zone (an agent with
  no zone in the staff register covers the whole agency);
- within a per-agent daily capacity (an agency setting), counting the load already
  given that day;
- the orders of one quartier of a zone go to one agent when one has the room for them
  all (a quartier is split only when no single agent can take it);
- the load is balanced: each quartier, the largest first, goes to the covering agent
  with the least load (then the fewest zones, then the matricule);
- the zones with the fewest covering agents are served first (they have no choice);
- an order that fits nobody stays « non répartie » with its reason: no agent for its
  zone, or every agent of its zone at capacity;
- an order whose visits failed (« non exécuté ») as many times as the agency allows
  is not proposed: the chef decides (keep trying, by hand, or close it with a reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class OrderStatus(StrEnum):
    """Status of a work order (import-format.md, « Order status »)."""

    A_EDITER = "A_EDITER"  # validated, not yet edited
    A_REPARTIR = "A_REPARTIR"  # edited, no agent
    REPARTI = "REPARTI"  # agent and visit date set
    NON_EXECUTE = "NON_EXECUTE"  # the CRI says not done: back to dispatch
    EXECUTE = "EXECUTE"  # CRI entered, awaiting countersign
    CONTRESIGNE = "CONTRESIGNE"  # countersigned: the contract is terminated
    ANNULE = "ANNULE"  # R7


#: the statuses of an order the chef may (re)assign
DISPATCHABLE = frozenset({OrderStatus.A_REPARTIR, OrderStatus.NON_EXECUTE, OrderStatus.REPARTI})
#: the statuses of an order waiting for an agent
WAITING = frozenset({OrderStatus.A_REPARTIR, OrderStatus.NON_EXECUTE})


class AssignmentEnd(StrEnum):
    """Why an assignment of an order to an agent ended (``order_assignment.end_reason``)."""

    REASSIGNED = "REASSIGNED"  # moved to another agent or another day
    UNASSIGNED = "UNASSIGNED"  # taken back: the order waits for an agent again
    RECALLED = "RECALLED"  # cancelled in the field (R7): the agent was called back
    VISITED = "VISITED"  # its CRI « exécuté » was entered (step 6)
    NOT_DONE = "NOT_DONE"  # its CRI « non exécuté » was entered: back to dispatch (step 6)


class Unplaced(StrEnum):
    """Why the proposal left an order « non répartie »."""

    NO_ZONE = "NO_ZONE"  # the contract has no zone and no agent covers the whole agency
    NO_AGENT_FOR_ZONE = "NO_AGENT_FOR_ZONE"  # no active agent covers its zone
    CAPACITY_REACHED = "CAPACITY_REACHED"  # every agent of its zone is full that day
    ATTEMPTS_EXHAUSTED = "ATTEMPTS_EXHAUSTED"  # visits failed as often as allowed: chef decides


@dataclass(frozen=True)
class WaitingOrder:
    order_id: int
    zone: str | None
    quartier: str | None
    #: sort key of the route (zone, quartier, address, police)
    route_key: tuple[object, ...] = ()
    #: visits already failed (« non exécuté »)
    attempts: int = 0


@dataclass(frozen=True)
class AgentDay:
    """An agent de recouvrement for the day: zones (empty: the whole agency) and the
    visits already given that day."""

    staff_id: int
    matricule: str
    zones: frozenset[str]
    load: int = 0

    def covers(self, zone: str | None) -> bool:
        return not self.zones or (zone is not None and zone in self.zones)


@dataclass(frozen=True)
class Left:
    order_id: int
    reason: Unplaced
    zone: str | None


@dataclass
class ProposalPlan:
    """order id → staff id, and the orders left with their reason."""

    assigned: dict[int, int] = field(default_factory=dict)
    left: list[Left] = field(default_factory=list)
    #: staff id → load of the day after the proposal (the load given before included)
    loads: dict[int, int] = field(default_factory=dict)


def propose(
    orders: Iterable[WaitingOrder],
    agents: Sequence[AgentDay],
    capacity: int,
    max_attempts: int | None = None,
) -> ProposalPlan:
    """The automatic proposal (see the module's rules); deterministic."""
    loads = {a.staff_id: a.load for a in agents}
    plan = ProposalPlan(loads=loads)
    groups: dict[tuple[str | None, str], list[WaitingOrder]] = {}
    for order in orders:
        if max_attempts is not None and order.attempts >= max_attempts:
            plan.left.append(Left(order.order_id, Unplaced.ATTEMPTS_EXHAUSTED, order.zone))
            continue
        quartier = (order.quartier or "").strip().casefold()
        groups.setdefault((order.zone, quartier), []).append(order)
    covering: dict[str | None, list[AgentDay]] = {}
    for zone, _ in groups:
        if zone not in covering:
            covering[zone] = [a for a in agents if a.covers(zone)]

    def zone_order(key: tuple[str | None, str]) -> tuple[int, int, str, str]:
        zone, quartier = key
        size = len(groups[key])
        return (len(covering[zone]), -size, zone or "", quartier)

    for key in sorted(groups, key=zone_order):
        zone = key[0]
        members = sorted(groups[key], key=lambda o: (o.route_key, o.order_id))
        candidates = covering[zone]
        if not candidates:
            reason = Unplaced.NO_ZONE if zone is None else Unplaced.NO_AGENT_FOR_ZONE
            plan.left += [Left(o.order_id, reason, zone) for o in members]
            continue

        def least_loaded(agent: AgentDay) -> tuple[int, int, str]:
            return (loads[agent.staff_id], len(agent.zones) or 10**6, agent.matricule)

        whole = [a for a in candidates if capacity - loads[a.staff_id] >= len(members)]
        if whole:
            agent = min(whole, key=least_loaded)
            for o in members:
                plan.assigned[o.order_id] = agent.staff_id
            loads[agent.staff_id] += len(members)
            continue
        # no agent has the room for the whole quartier: fill the roomiest ones first
        rest = list(members)
        while rest:
            room = [a for a in candidates if loads[a.staff_id] < capacity]
            if not room:
                plan.left += [Left(o.order_id, Unplaced.CAPACITY_REACHED, zone) for o in rest]
                break
            agent = min(room, key=least_loaded)
            take = capacity - loads[agent.staff_id]
            for o in rest[:take]:
                plan.assigned[o.order_id] = agent.staff_id
            loads[agent.staff_id] += len(rest[:take])
            rest = rest[take:]
    plan.left.sort(key=lambda x: x.order_id)
    return plan
