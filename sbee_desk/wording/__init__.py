"""Every French word the application shows, in one Qt-free place.

The GUI, the CLI and the documents read their words here: the messages of the
service errors (:mod:`.errors`) and the labels of codes, statuses, actions and
reasons. The GUI still wraps a visible string in ``tr()`` where it shows it (the
French text is the translation key). Nothing here imports a service or Qt.
"""
