"""How a source's name is compared: the keys a claimant can be known by.

"The Al Qaeda-linked group JNIM" and "JNIM" are one body; so are "the Rapid Support
Forces (RSF)" and "RSF", and "Interior ministry spokesman Saad Maan" and "Saad Maan".
``name_key`` is a name as compared (case, spacing, a leading article and the
"(anonymous)" mark do not count); ``name_keys`` adds the forms a phrase also names: its
proper-name tail after a description, its acronym in brackets, the name without it.
Sources and their aliases are matched on these keys (``claims.services.ingest``).
"""

from __future__ import annotations

import re

_ARTICLE = re.compile(r"^(?:(?:the|a|an|le|la|les|un|une)\s+|l['’](?=\w))", re.IGNORECASE)
_ANONYMOUS_MARK = re.compile(r"\s*\(anonymous\)$", re.IGNORECASE)
_BRACKETED = re.compile(r"\s*\((?P<inner>[^()]{1,40})\)")
_WORD = re.compile(r"[\w'’.&-]+")


def name_key(name: str) -> str:
    """A name as compared: "The  JNIM" -> "jnim", "An official (anonymous)" -> "official"."""
    name = _ANONYMOUS_MARK.sub("", " ".join(name.split()))
    return _ARTICLE.sub("", name).casefold()


def name_keys(name: str) -> list[str]:
    """Every key a phrase can match, the full name first.

    "the Al Qaeda-linked group JNIM" -> ["al qaeda-linked group jnim", "jnim"];
    "Rapid Support Forces (RSF)" -> ["rapid support forces (rsf)", "rapid support forces", "rsf"].
    """
    name = _ANONYMOUS_MARK.sub("", name.strip())
    full = name_key(name)
    keys = [full] if full else []
    bracket = _BRACKETED.search(name)
    if bracket:
        keys += [name_key(_BRACKETED.sub("", name)), name_key(bracket.group("inner"))]
    tail = _proper_tail(_BRACKETED.sub("", name))
    if tail:
        keys.append(name_key(tail))
    return [k for k in dict.fromkeys(keys) if k]


def _proper_tail(name: str) -> str:
    """The capitalised words after the last lower-case one: the name a description leads to."""
    words = _WORD.findall(name)
    if not words:
        return ""
    end = len(words)
    start = end
    while start > 0 and words[start - 1][:1].isupper():
        start -= 1
    if start == 0 or start == end:
        return ""  # all capitalised (already the full key) or no proper name at the end
    return " ".join(words[start:end])
