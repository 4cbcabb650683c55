"""Response formats beyond JSON: JSON-LD for ClaimReview, CSV for lists.

A list asked for as CSV (``Accept: text/csv`` or ``?format=csv``) streams its rows
itself (``claims.api.mixins.CSVListMixin``), so ``CSVRenderer`` is only there for
content negotiation: it tells DRF that the list offers the format. ``?format=`` naming
a format the endpoint does not offer is a 400 naming ``format`` (DRF answers 404, as
if the path were wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer


class JSONLDRenderer(JSONRenderer):
    """For clients that ask for JSON-LD by name (Accept: application/ld+json)."""

    media_type = "application/ld+json"


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        raise NotImplementedError("CSV lists stream their rows; errors are rendered as JSON.")


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers: list[BaseRenderer], format: str) -> list[BaseRenderer]:
        offered = [renderer for renderer in renderers if renderer.format == format]
        if not offered:
            formats = ", ".join(sorted({str(renderer.format) for renderer in renderers}))
            raise ValidationError({"format": [f"This endpoint answers in: {formats}."]})
        return offered
