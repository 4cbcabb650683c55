"""Importing claims from a file (the ``import_claims`` command), line by line.

- ``reader``: bytes to lines of fields, every line on its own, within bounds;
- ``lines``: one line of fields saved through ``claims.services`` (or a reason why not).
"""
