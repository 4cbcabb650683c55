"""Importing claims from a file (the ``import_claims`` command), a batch of lines at a time.

- ``reader``: bytes to lines of fields, every line on its own, within bounds;
- ``lines``: one line's fields checked, and the sentence that reports a refused line;
- ``batch``: a batch of lines planned with the services' builders and saved at once
  (``services.imported_save``), or line by line when the database refuses.
"""
