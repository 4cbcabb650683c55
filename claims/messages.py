"""Pure: the words of each notification about a new conflict flag.

Text from the desk (event titles, group names, explanations quoting sources) goes into
an email header and a Slack message, so it is made safe for each: an email subject is
one line (a newline in a header is refused, and would be a header injection), and
Slack reads ``<...>`` as links and mentions (``<!channel>`` pings everyone) and
``&`` as the start of an entity, so those three characters are escaped as Slack's
message formatting rules ask (only those three: Slack does not decode other entities).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claims.validation import single_line

SUBJECT_MAX = 200
_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Writes already keep names on one line without control or bidi characters (one bidi
# override turns the rest of a subject around: "‮evil.exe" shows as "exe.live"); a row
# from before that, or written past the services, may not, and a message is built from
# whatever the row holds, so it goes through the same ``single_line`` again.


def slack_escape(text: str) -> str:
    return text.translate(_SLACK_ESCAPES)


@dataclass(frozen=True, slots=True)
class FlagFacts:
    """What a notification says about a flag, read once when the flag opens."""

    flag_id: int
    event: str
    measure: str
    measure_label: str
    group: str
    explanation: str


def summary(facts: FlagFacts) -> str:
    return (
        f"Conflict on “{single_line(facts.event)}” ({facts.measure_label} of "
        f"{single_line(facts.group)}): {facts.explanation}"
    )


def email(facts: FlagFacts, recipients: list[str]) -> dict[str, Any]:
    subject = single_line(f"[Verifier] Conflict: {facts.event}")
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return {
        "subject": subject,
        "body": summary(facts) + "\n\nOpen the conflict desk to resolve or dismiss it.",
        "to": recipients,
    }


def webhook(facts: FlagFacts, idempotency_key: str) -> dict[str, Any]:
    """A Slack incoming-webhook body (``text``) with the facts as fields for other tools."""
    return {
        "text": slack_escape(summary(facts)),
        "event": facts.event,
        "measure": facts.measure,
        "group": facts.group,
        "flag_id": facts.flag_id,
        "idempotency_key": idempotency_key,
    }
