"""Users, roles, authentication and the permission table (#4), on both databases."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import text

from sbee_desk.domain.permissions import PERMISSIONS, Action, Role, allowed
from sbee_desk.services.actor import Actor
from sbee_desk.services.authz import PermissionDenied
from sbee_desk.services.plans import update_plan
from sbee_desk.services.selection import run_selection
from sbee_desk.services.users import (
    MAX_FAILED_LOGINS,
    AccountError,
    AuthenticationFailed,
    authenticate,
    create_user,
    save_staff,
    update_user,
)
from tests.builders import PASSWORD, add_users
from tests.paths import BUSINESS_RULES as RULES

TODAY = dt.date.today()


def refusals(db) -> list[tuple[str, str, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, entity_key, details FROM audit_event WHERE action = 'refused'")
        ).all()
    return [(r.actor, r.entity_key, str(r.details)) for r in rows]


def test_first_user_must_be_admin_and_needs_no_actor(db) -> None:
    with pytest.raises(AccountError, match="premier utilisateur doit être l'administrateur"):
        create_user(db.uow(), None, "chef", "Chef", [Role.CHEF_RECOUVREMENT], PASSWORD)
    info = create_user(db.uow(), None, "admin", "Admin", [Role.ADMIN], PASSWORD)
    assert info.roles == (Role.ADMIN,)
    with pytest.raises(AccountError, match="utilisateur qui crée"):
        create_user(db.uow(), None, "chef", "Chef", [Role.CHEF_RECOUVREMENT], PASSWORD)
    admin = authenticate(db.uow(), "admin", PASSWORD)
    create_user(db.uow(), admin, "chef", "Chef", [Role.CHEF_RECOUVREMENT], PASSWORD)
    with db.engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM app_user")).scalars().all()
        created = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'user.create'")
        ).scalar()
    assert all(h.startswith("$argon2") for h in hashes) and created == 2


def test_wrong_password_and_unknown_login_give_the_same_message(db) -> None:
    add_users(db)
    messages = []
    for login, password in [("chef", "mauvais-mdp"), ("personne", "mauvais-mdp")]:
        with pytest.raises(AuthenticationFailed) as exc:
            authenticate(db.uow(), login, password)
        messages.append(str(exc.value))
    assert messages[0] == messages[1] == "Identifiant ou mot de passe incorrect."
    assert [(a, k) for a, k, _ in refusals(db)] == [("chef", "LOGIN"), ("personne", "LOGIN")]


def test_lockout_after_repeated_failures(db) -> None:
    add_users(db)
    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed):
            authenticate(db.uow(), "chef", "mauvais-mdp", at=at)
    with pytest.raises(AuthenticationFailed, match="verrouillé"):
        authenticate(db.uow(), "chef", PASSWORD, at=at + dt.timedelta(minutes=5))
    actor = authenticate(db.uow(), "chef", PASSWORD, at=at + dt.timedelta(minutes=16))
    assert actor.roles == {Role.CHEF_RECOUVREMENT}


def test_disabled_user_is_refused(db) -> None:
    add_users(db)
    admin = authenticate(db.uow(), "admin", PASSWORD)
    update_user(db.uow(), admin, "chef", active=False)
    with pytest.raises(AuthenticationFailed, match="désactivé"):
        authenticate(db.uow(), "chef", PASSWORD)
    with pytest.raises(PermissionDenied, match="inconnu ou désactivé"):
        run_selection(db.uow(), Actor("chef"), TODAY)


def test_last_active_admin_cannot_be_removed(db) -> None:
    add_users(db)
    admin = authenticate(db.uow(), "admin", PASSWORD)
    with pytest.raises(AccountError, match="au moins un administrateur"):
        update_user(db.uow(), admin, "admin", active=False)


def test_role_change_is_audited_with_before_after(db) -> None:
    add_users(db)
    admin = authenticate(db.uow(), "admin", PASSWORD)
    update_user(db.uow(), admin, "chef", roles=[Role.CHEF_RECOUVREMENT, Role.CHEF_RPNT])
    with db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT before, after FROM audit_event WHERE action = 'user.update'")
        ).one()
    before, after = (json.loads(v) if isinstance(v, str) else v for v in row)
    assert before["roles"] == ["CHEF_RECOUVREMENT"]
    assert after["roles"] == ["CHEF_RECOUVREMENT", "CHEF_RPNT"]


def test_permission_table_matches_business_rules() -> None:
    """Parse the permission table of business-rules.md and compare it with the code."""
    table = RULES.read_text(encoding="utf-8").split("## Permissions", 1)[1]
    lines = [x for x in table.splitlines() if x.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split("|")][1:]
    rows = {}
    for line in lines[1:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = {Role(h) for h, c in zip(header, cells[1:], strict=True) if c == "✓"}
    wording = {
        "import the export": Action.IMPORT,
        "launch a selection, exclude lines, validate a bordereau": Action.SELECT,
        "record a DG derogation": Action.DEROGATION,
        "produce lists, run the edition, print, hand over": Action.EDITION,
        "record letter delivery": Action.LETTER_DELIVERY,
        "dispatch orders to field agents": Action.DISPATCH,
        "record a store return": Action.STORE_RETURN,
        "enter a CRI": Action.CRI_ENTRY,
        "countersign a CRI, override R9, enter a manual termination (R8)": Action.CRI_COUNTERSIGN,
        "read everything, reports, verify the audit trail": Action.READ,
        "users, roles, staff, recovery plans, agency settings": Action.ADMINISTER,
    }
    assert {re.sub(r"\s+", " ", k): v for k, v in rows.items()}.keys() == wording.keys()
    for text_, action in wording.items():
        assert PERMISSIONS[action] == rows[text_], action


# Services that exist today, one per action of the table; later issues add theirs here.
def _do(action: Action, db, actor: Actor) -> None:
    if action is Action.SELECT:
        run_selection(db.uow(), actor, TODAY)
    elif action is Action.ADMINISTER:
        save_staff(db.uow(), actor, "M001", "Dossou Kossi", "RELEVEUR", ["Z1"])
    elif action is Action.IMPORT:
        from sbee_desk.services.importing import import_export

        samples = RULES.parents[1] / "samples" / "export-csv"
        import_export(db.uow(), actor, samples)
    else:  # pragma: no cover - guarded by the parametrisation below
        raise AssertionError(action)


@pytest.mark.parametrize("action", [Action.SELECT, Action.ADMINISTER, Action.IMPORT])
@pytest.mark.parametrize("role", list(Role))
def test_role_action_table_in_services(db, role, action) -> None:
    add_users(db)
    login = "admin" if role is Role.ADMIN else role.value.lower()
    actor = Actor(login, frozenset({role}))
    if allowed({role}, action):
        _do(action, db, actor)
        assert refusals(db) == []
    else:
        with db.engine.connect() as conn:
            before = conn.execute(text("SELECT count(*) FROM audit_event")).scalar()
        with pytest.raises(PermissionDenied, match="n'a pas le rôle requis"):
            _do(action, db, actor)
        assert [(a, k) for a, k, _ in refusals(db)] == [(login, action.value)]
        with db.engine.connect() as conn:  # nothing but the refusal was written
            assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() == before + 1
            assert conn.execute(text("SELECT count(*) FROM selection_run")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM staff_member")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM contract")).scalar() == 0


def test_plan_change_needs_admin(db) -> None:
    add_users(db)
    with pytest.raises(PermissionDenied):
        update_plan(db.uow(), Actor("chef"), "ORDINAIRE", {"unpaid_threshold": 3})
    update_plan(db.uow(), Actor("admin"), "ORDINAIRE", {"unpaid_threshold": 3})
