"""Agence de démonstration: a realistic export, imported, with some history.

- :mod:`.agencies`: the demo agencies, their zones and the names they use;
- :mod:`.export`: :func:`write_demo_export`, the six CSV files of import-format.md
  for those agencies, depending only on (contracts, today, seed);
- :mod:`.history`: the history an agency would have (an earlier selection run,
  reminder letters, DG derogations) and its field staff;
- :mod:`.guard`: what the demo checks before writing anything — only demo data in
  the database, its own users present in their roles (:class:`DemoRefused`);
- :mod:`.transaction`: the demo's one transaction, all or nothing;
- :mod:`.load`: :func:`load_demo`, the export imported through the real importer,
  then the history recorded, all in that transaction.
"""

from sbee_desk.services.demo.agencies import AGENCIES, DemoAgency
from sbee_desk.services.demo.export import (
    DEFAULT_SEED,
    EXPORT_VERSION,
    HEADERS,
    MONTHS,
    TABLES,
    Progress,
    write_demo_export,
)
from sbee_desk.services.demo.guard import DemoRefused
from sbee_desk.services.demo.history import demo_field_staff
from sbee_desk.services.demo.load import DEFAULT_CONTRACTS, DemoResult, load_demo

__all__ = [
    "AGENCIES",
    "DEFAULT_CONTRACTS",
    "DEFAULT_SEED",
    "EXPORT_VERSION",
    "HEADERS",
    "MONTHS",
    "TABLES",
    "DemoAgency",
    "DemoRefused",
    "DemoResult",
    "Progress",
    "demo_field_staff",
    "load_demo",
    "write_demo_export",
]
