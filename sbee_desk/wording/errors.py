"""The French message of every service error code.

A message is a ``str.format`` template over the error's data, or a function of the
data when the sentence needs more than substitution (a list joined, a plural).
Each code is raised somewhere in the services; each code raised has a message
(tests/unit/test_error_wording.py checks both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Template = str | Callable[[Mapping[str, Any]], str]


def _known(data: Mapping[str, Any]) -> str:
    return ", ".join(data["known"])


MESSAGES: dict[str, Template] = {
    # ------------------------------------------------------------- accounts, sign-in
    "UNKNOWN_ROLE": lambda d: f"Rôle « {d['name']} » inconnu ; rôles : {_known(d)}.",
    "NO_ROLE": "Un utilisateur doit avoir au moins un rôle.",
    "PASSWORD_TOO_SHORT": "Mot de passe trop court : au moins {minimum} caractères.",
    "INVALID_LOGIN": "Identifiant « {login} » invalide : un mot, 64 caractères au plus.",
    "FULL_NAME_REQUIRED": "Le nom complet est obligatoire.",
    "FIRST_USER_NOT_ADMIN": "Le premier utilisateur doit être l'administrateur (rôle ADMIN).",
    "CREATOR_REQUIRED": "Indiquez l'utilisateur qui crée le compte (--user).",
    "LOGIN_TAKEN": "L'identifiant « {login} » existe déjà.",
    "UNKNOWN_USER": "Utilisateur « {login} » inconnu.",
    "LAST_ADMIN": "Il doit rester au moins un administrateur actif.",
    "MATRICULE_REQUIRED": "Le matricule est obligatoire.",
    "STAFF_NAME_REQUIRED": "Le nom est obligatoire.",
    "UNKNOWN_STAFF_ROLE": lambda d: f"Fonction « {d['role']} » inconnue ; fonctions : {_known(d)}.",
    "BAD_CREDENTIALS": "Identifiant ou mot de passe incorrect.",
    "ACCOUNT_LOCKED": (
        "Compte verrouillé après {failures} échecs : réessayez après "
        "{until:%Hh%M} ou adressez-vous à l'administrateur."
    ),
    "ACCOUNT_DISABLED": "Compte désactivé : adressez-vous à l'administrateur.",
}


def message(code: str, data: Mapping[str, Any]) -> str:
    """The French sentence for ``code`` with ``data``."""
    template = MESSAGES[code]
    if callable(template):
        return template(data)
    return template.format(**data)
