"""Roles and the permission table of business-rules.md ("Permissions").

Services check the acting user's roles with :func:`allowed` for every action,
whatever the face (GUI or CLI): the GUI hiding a button is not the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    CHEF_RECOUVREMENT = "CHEF_RECOUVREMENT"
    AGENT_CONTROLE = "AGENT_CONTROLE"
    CHEF_RPNT = "CHEF_RPNT"
    MAGASINIER = "MAGASINIER"
    DIRECTION = "DIRECTION"
    CONTROLE = "CONTROLE"
    ADMIN = "ADMIN"


class Action(StrEnum):
    """One line of the permission table."""

    IMPORT = "IMPORT"
    SELECT = "SELECT"  # launch a selection, exclude lines, validate a bordereau
    DEROGATION = "DEROGATION"
    EDITION = "EDITION"  # produce lists, run the edition, print, hand over
    LETTER_DELIVERY = "LETTER_DELIVERY"
    DISPATCH = "DISPATCH"
    STORE_RETURN = "STORE_RETURN"
    CRI_ENTRY = "CRI_ENTRY"
    CRI_COUNTERSIGN = "CRI_COUNTERSIGN"  # countersign a CRI, override R9, manual termination
    READ = "READ"  # read everything, reports, verify the audit trail
    ADMINISTER = "ADMINISTER"  # users, roles, staff, recovery plans, agency settings


R = Role
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.IMPORT: frozenset({R.CHEF_RECOUVREMENT, R.ADMIN}),
    Action.SELECT: frozenset({R.CHEF_RECOUVREMENT}),
    Action.DEROGATION: frozenset({R.DIRECTION}),
    Action.EDITION: frozenset({R.CHEF_RECOUVREMENT}),
    Action.LETTER_DELIVERY: frozenset({R.CHEF_RECOUVREMENT, R.AGENT_CONTROLE}),
    Action.DISPATCH: frozenset({R.CHEF_RECOUVREMENT, R.CHEF_RPNT}),
    Action.STORE_RETURN: frozenset({R.CHEF_RPNT, R.MAGASINIER}),
    Action.CRI_ENTRY: frozenset({R.AGENT_CONTROLE}),
    Action.CRI_COUNTERSIGN: frozenset({R.CHEF_RECOUVREMENT}),
    Action.READ: frozenset(Role),
    Action.ADMINISTER: frozenset({R.ADMIN}),
}


def allowed(roles: Iterable[Role], action: Action) -> bool:
    """True when one of ``roles`` may do ``action`` (the permission table)."""
    return not PERMISSIONS[action].isdisjoint(roles)
