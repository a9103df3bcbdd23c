"""Turn one raw e-mail into an Interpretation (see channels/email/interpretation.py).

Stable entry points for the ingest:

    index = catalogue_index_from_db()            # or catalogue_index_from_file(path)
    interpretation = interpret_message(raw_bytes, catalogue=index)

The parser is pure: it reads nothing but its arguments, writes nothing, and
never raises on bad input (an unreadable mail becomes `not_an_order` with a
reason, or an order with `problems`).
"""

from .catalogue_db import catalogue_index_from_db
from .catalogue_index import CatalogueIndex, catalogue_index_from_data, catalogue_index_from_file
from .pipeline import interpret_message

__all__ = [
    "CatalogueIndex",
    "catalogue_index_from_data",
    "catalogue_index_from_db",
    "catalogue_index_from_file",
    "interpret_message",
]
