"""The French formats, now in :mod:`sbee_desk.wording.formats` (one place for every
French word, #11); re-exported here for the documents that print them."""

from __future__ import annotations

from sbee_desk.wording.formats import EXCEL_AMOUNT_FORMAT as EXCEL_AMOUNT_FORMAT
from sbee_desk.wording.formats import EXCEL_COUNT_FORMAT as EXCEL_COUNT_FORMAT
from sbee_desk.wording.formats import EXCEL_DATE_FORMAT as EXCEL_DATE_FORMAT
from sbee_desk.wording.formats import NARROW_NBSP as NARROW_NBSP
from sbee_desk.wording.formats import NBSP as NBSP
from sbee_desk.wording.formats import clean_text as clean_text
from sbee_desk.wording.formats import format_amount as format_amount
from sbee_desk.wording.formats import format_count as format_count
from sbee_desk.wording.formats import format_date as format_date
from sbee_desk.wording.formats import format_datetime as format_datetime
from sbee_desk.wording.formats import format_period as format_period
from sbee_desk.wording.formats import local_datetime as local_datetime
from sbee_desk.wording.formats import plural as plural
