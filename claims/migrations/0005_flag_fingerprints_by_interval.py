"""Recompute every flag's fingerprint in the format the recheck now uses.

The recheck compares a fingerprint of the counts in a conflict with the one its flag
stored; without this, the first recheck after upgrading would see every open flag
"changed" (a history entry each) and reopen conflicts an editor had dismissed.
The flag's stored sides hold each count's key and interval, which is all it takes.
A frozen copy of ``claims.services.recheck.fingerprint``, applied to stored sides.
"""

import hashlib
from itertools import groupby
from typing import Any

from django.db import migrations


def _interval_order(side: dict[str, Any]) -> tuple[int, bool, int, str]:
    return (side["low"], side["high"] is None, side["high"] or 0, side["key"])


def fingerprint_of(sides: list[dict[str, Any]]) -> str:
    counts = sorted((s for s in sides if not s.get("contradicts")), key=_interval_order)
    parts = [
        f"{low}-{high}=" + ",".join(s["key"] for s in same)
        for (low, high), same in groupby(counts, key=lambda s: (s["low"], s["high"]))
    ]
    parts += sorted(s["key"] for s in sides if s.get("contradicts"))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def forwards(apps: Any, schema_editor: Any) -> None:
    flags = apps.get_model("claims", "ConflictFlag")
    for flag in flags.objects.only("id", "sides").iterator(chunk_size=500):
        if isinstance(flag.sides, list) and flag.sides:
            flags.objects.filter(pk=flag.pk).update(fingerprint=fingerprint_of(flag.sides))


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_event_last_change_at")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
