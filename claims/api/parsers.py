"""Request bodies: JSON only, with the failures of Python's parser answered as a 400.

DRF's ``JSONParser`` turns malformed JSON into a 400 but lets Python's ``RecursionError``
through, so a body of 100,000 ``[`` (a few hundred kilobytes, under the size limit)
was a 500. The size limit itself is Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``, enforced
when DRF reads the body and answered with a 413 in ``claims.api.errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
