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


ROLE_LABELS: dict[Role, str] = {
    Role.CHEF_RECOUVREMENT: "Chef section recouvrement",
    Role.AGENT_CONTROLE: "Agent de contrôle d'efficacité des factures",
    Role.CHEF_RPNT: "Chef section RPNT",
    Role.MAGASINIER: "Magasinier",
    Role.DIRECTION: "Direction Générale",
    Role.CONTROLE: "Contrôle (DCC / DIG / DAI)",
    Role.ADMIN: "Administrateur",
}


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


ACTION_LABELS: dict[Action, str] = {
    Action.IMPORT: "importer l'export de la gestion clientèle",
    Action.SELECT: "lancer une sélection, exclure des lignes, valider un bordereau",
    Action.DEROGATION: "enregistrer une dérogation DG",
    Action.EDITION: "produire les listes, lancer l'édition, imprimer, remettre les documents",
    Action.LETTER_DELIVERY: "enregistrer la remise d'une lettre",
    Action.DISPATCH: "répartir les ordres entre les agents",
    Action.STORE_RETURN: "enregistrer un retour magasin",
    Action.CRI_ENTRY: "saisir un CRI",
    Action.CRI_COUNTERSIGN: "contresigner un CRI, déroger à R9, saisir une résiliation manuelle",
    Action.READ: "consulter, éditer les rapports, vérifier le journal d'audit",
    Action.ADMINISTER: "gérer les utilisateurs, rôles, personnel, plans et paramètres",
}

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
