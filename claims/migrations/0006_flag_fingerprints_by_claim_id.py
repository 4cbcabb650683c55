"""Recompute every flag's fingerprint in the format the recheck now uses.

The recheck now keeps a conflict's claims as integer ids and packs them into the
fingerprint instead of joining their keys (see ``claims.services.recheck.fingerprint``).
Without this, the first recheck after upgrading would see every open flag "changed"
(a history entry each) and reopen conflicts an editor had dismissed. The flag's
stored sides hold each count's key and interval, which is all it takes.
A frozen copy of ``claims.services.recheck.fingerprint``, applied to stored sides.
"""

import hashlib
import sys
from array import array
from itertools import groupby
from typing import Any

from django.db import migrations


def _interval_order(side: dict[str, Any]) -> tuple[int, bool, int]:
    return (side["low"], side["high"] is None, side["high"] or 0)


def fingerprint_of(sides: list[dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    counts = sorted((s for s in sides if not s.get("contradicts")), key=_interval_order)
    for (low, high), same in groupby(counts, key=lambda s: (s["low"], s["high"])):
        claim_ids: list[int] = []
        other_keys: list[str] = []
        for side in same:
            if side["key"].startswith("claim:"):
                claim_ids.append(int(side["key"].removeprefix("claim:")))
            else:
                other_keys.append(side["key"])
        packed = array("q", sorted(claim_ids))
        if sys.byteorder == "big":
            packed.byteswap()
        digest.update(f"\n{low}-{high}=".encode())
        digest.update(packed.tobytes())
        digest.update(",".join(sorted(other_keys)).encode())
    for key in sorted(s["key"] for s in sides if s.get("contradicts")):
        digest.update(f"\n{key}".encode())
    return digest.hexdigest()


def forwards(apps: Any, schema_editor: Any) -> None:
    flags = apps.get_model("claims", "ConflictFlag")
    for flag in flags.objects.only("id", "sides").iterator(chunk_size=500):
        if isinstance(flag.sides, list) and flag.sides:
            flags.objects.filter(pk=flag.pk).update(fingerprint=fingerprint_of(flag.sides))


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_flag_fingerprints_by_interval")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
