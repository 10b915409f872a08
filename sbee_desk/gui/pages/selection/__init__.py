"""The Sélection page (step 1): see ``page.py`` for its layers."""
