"""Table models (QAbstractTableModel over plain result objects of the services)."""

from PySide6.QtCore import QModelIndex, Qt

#: raw value used to sort a column (numbers, dates, accent-free text)
SORT_ROLE = Qt.ItemDataRole.UserRole
#: the Decision of a line
DECISION_ROLE = Qt.ItemDataRole.UserRole + 1
#: the root index, default parent of rowCount/columnCount (never mutated)
NO_PARENT = QModelIndex()
