"""sbee-desk: résiliation d'office et dépose de compteur (SBEE, section recouvrement)."""

__version__ = "0.1.0"
APPLICATION_ID = "sbee-desk"
