"""The automatic proposal of the répartition (issue #14), a pure function: zones,
capacity (counting the load already given), balance, one quartier on one agent, and
the reasons of the orders left « non réparties »."""

from __future__ import annotations

from collections import Counter

from sbee_desk.domain.dispatch import AgentDay, Unplaced, WaitingOrder, propose


def orders(spec: list[tuple[str | None, str, int]]) -> list[WaitingOrder]:
    """(zone, quartier, count) → waiting orders numbered from 1."""
    out: list[WaitingOrder] = []
    for zone, quartier, count in spec:
        for _ in range(count):
            n = len(out) + 1
            out.append(WaitingOrder(n, zone, quartier, (zone or "", quartier, n)))
    return out


def agent(staff_id: int, *zones: str, load: int = 0) -> AgentDay:
    return AgentDay(staff_id, f"A{staff_id:03d}", frozenset(zones), load)


def loads(plan) -> Counter[int]:
    return Counter(plan.assigned.values())


def test_each_order_goes_to_an_agent_covering_its_zone() -> None:
    plan = propose(
        orders([("Z1", "Akpakpa", 3), ("Z2", "Gbegamey", 2)]), [agent(1, "Z1"), agent(2, "Z2")], 12
    )
    assert plan.assigned == {1: 1, 2: 1, 3: 1, 4: 2, 5: 2}
    assert plan.left == []


def test_an_agent_without_zones_covers_the_whole_agency() -> None:
    plan = propose(orders([("Z9", "Q", 2), (None, "Q", 1)]), [agent(1)], 12)
    assert set(plan.assigned) == {1, 2, 3}


def test_no_agent_for_the_zone_leaves_the_orders_with_that_reason() -> None:
    plan = propose(orders([("Z1", "Q", 1), ("T07", "Q", 2)]), [agent(1, "Z1")], 12)
    assert plan.assigned == {1: 1}
    assert [(x.order_id, x.reason, x.zone) for x in plan.left] == [
        (2, Unplaced.NO_AGENT_FOR_ZONE, "T07"),
        (3, Unplaced.NO_AGENT_FOR_ZONE, "T07"),
    ]


def test_an_order_without_zone_needs_an_agency_wide_agent() -> None:
    plan = propose(orders([(None, "Q", 1)]), [agent(1, "Z1")], 12)
    assert plan.left[0].reason is Unplaced.NO_ZONE


def test_capacity_is_never_exceeded_and_the_rest_is_left_capacity_reached() -> None:
    plan = propose(
        orders([("Z1", f"Q{i}", 1) for i in range(30)]), [agent(1, "Z1"), agent(2, "Z1")], 12
    )
    assert loads(plan) == {1: 12, 2: 12}
    assert len(plan.left) == 6
    assert {x.reason for x in plan.left} == {Unplaced.CAPACITY_REACHED}


def test_capacity_counts_the_load_already_given_that_day() -> None:
    plan = propose(orders([("Z1", "Q", 5)]), [agent(1, "Z1", load=10)], 12)
    assert len(plan.assigned) == 2
    assert plan.loads == {1: 12}
    assert len(plan.left) == 3


def test_the_load_is_balanced_between_the_agents_of_a_zone() -> None:
    plan = propose(
        orders([("Z1", f"Q{i}", 1) for i in range(10)]), [agent(1, "Z1"), agent(2, "Z1")], 12
    )
    assert loads(plan) == {1: 5, 2: 5}


def test_balance_counts_the_load_already_given() -> None:
    plan = propose(
        orders([("Z1", f"Q{i}", 1) for i in range(6)]), [agent(1, "Z1", load=4), agent(2, "Z1")], 12
    )
    assert plan.loads == {1: 5, 2: 5}


def test_a_quartier_goes_to_one_agent() -> None:
    plan = propose(
        orders([("Z1", "Akpakpa", 4), ("Z1", "Fidjrosse", 3), ("Z1", "Cadjehoun", 3)]),
        [agent(1, "Z1"), agent(2, "Z1")],
        12,
    )
    by_quartier: dict[str | None, set[int]] = {}
    for o in orders([("Z1", "Akpakpa", 4), ("Z1", "Fidjrosse", 3), ("Z1", "Cadjehoun", 3)]):
        by_quartier.setdefault(o.quartier, set()).add(plan.assigned[o.order_id])
    assert all(len(agents) == 1 for agents in by_quartier.values())
    assert sorted(loads(plan).values()) == [4, 6]


def test_a_quartier_too_big_for_one_agent_is_split() -> None:
    plan = propose(orders([("Z1", "Akpakpa", 15)]), [agent(1, "Z1"), agent(2, "Z1")], 12)
    assert sorted(loads(plan).values()) == [3, 12]
    assert plan.left == []


def test_the_quartier_names_are_compared_without_case() -> None:
    waiting = [WaitingOrder(1, "Z1", "Akpakpa"), WaitingOrder(2, "Z1", "AKPAKPA ")]
    plan = propose(waiting, [agent(1, "Z1"), agent(2, "Z1")], 12)
    assert len(set(plan.assigned.values())) == 1


def test_the_zones_with_fewest_agents_are_served_first() -> None:
    # agent 1 covers Z1 only; agent 2 covers Z1 and Z2: Z2 has no choice and is served
    # first, so Z1's orders fill agent 1 instead of taking agent 2's room
    plan = propose(
        orders([("Z1", "Q1", 2), ("Z2", "Q2", 2)]), [agent(1, "Z1"), agent(2, "Z1", "Z2")], 2
    )
    assert plan.assigned == {1: 1, 2: 1, 3: 2, 4: 2}


def test_the_proposal_is_deterministic() -> None:
    waiting = orders([("Z1", f"Q{i % 4}", 1) for i in range(20)])
    team = [agent(1, "Z1"), agent(2, "Z1"), agent(3)]
    assert (
        propose(waiting, team, 12).assigned == propose(list(reversed(waiting)), team, 12).assigned
    )


def test_an_order_whose_visits_failed_as_often_as_allowed_is_left_to_the_chef() -> None:
    waiting = [
        WaitingOrder(1, "Z1", "Q", attempts=2),
        WaitingOrder(2, "Z1", "Q", attempts=3),
    ]
    plan = propose(waiting, [agent(1, "Z1")], 12, max_attempts=3)
    assert plan.assigned == {1: 1}
    assert [(x.order_id, x.reason) for x in plan.left] == [(2, Unplaced.ATTEMPTS_EXHAUSTED)]
