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

# JSON meant to be pasted into an HTML page: inside <script type="application/ld+json">
# the browser ends the script at the first "</script>" whatever JSON says, so "<" must
# never appear raw ("</script><img onerror=…>" in a source's name would run). In JSON
# text these characters occur only inside strings, where the \u escapes mean the same
# characters: JSON.parse gives back the exact text. "&" and ">" too (HTML comments,
# "<!--" and CDATA ends). DRF's JSONRenderer already escapes U+2028 and U+2029.
_EMBEDDABLE = {
    b"<": b"\\u003c",
    b">": b"\\u003e",
    b"&": b"\\u0026",
}


def embeddable(rendered: bytes) -> bytes:
    """JSON text made safe to embed in an HTML <script> block, with the same meaning."""
    for raw, escaped in _EMBEDDABLE.items():
        rendered = rendered.replace(raw, escaped)
    return rendered


class EmbeddableJSONRenderer(JSONRenderer):
    """JSON whose text never holds ``<``, ``>`` or ``&`` (see ``embeddable``)."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return embeddable(super().render(data, accepted_media_type, renderer_context))


class JSONLDRenderer(EmbeddableJSONRenderer):
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
