"""Every write in Verifier goes through a function here, in one transaction.

Admin actions, API views, management commands and Celery tasks call these; none of
them saves a model directly. Functions are named ``<entity>_<action>``, take
keyword arguments, check the actor's permission (``by``; ``None`` is the system),
record who and why in the history, and mark the events whose conflicts may have
changed so that a recheck runs after commit.
"""

from .common import (
    Actor,
    ServiceError,
    StaleEdit,
    TransitionNotAllowed,
    clean_input,
    parse_count_field,
)
from .editing import (
    ATTRIBUTION_FIELDS,
    CLAIM_FIELDS,
    EVENT_FIELDS,
    GROUP_TERM_FIELDS,
    SOURCE_FIELDS,
    attribution_create,
    attribution_update,
    claim_create,
    claim_update,
    event_create,
    event_request_recheck,
    event_update,
    group_term_create,
    group_term_update,
    source_create,
    source_update,
)
from .ingest import (
    ArticlePreview,
    IngestResult,
    article_drafts,
    article_ingest,
    find_sources,
    match_sources,
    propose_events,
)
from .recheck import RecheckResult, mark_for_recheck, recheck_event, requeue_stale_rechecks
from .review import (
    attribution_reject,
    attribution_verify,
    claim_assign,
    claim_set_credibility,
    claim_transition,
    corroboration_now,
    flag_dismiss,
    flag_resolve,
    toll_confirm,
    toll_override,
)

__all__ = [
    "ATTRIBUTION_FIELDS",
    "CLAIM_FIELDS",
    "EVENT_FIELDS",
    "GROUP_TERM_FIELDS",
    "SOURCE_FIELDS",
    "Actor",
    "ArticlePreview",
    "IngestResult",
    "RecheckResult",
    "ServiceError",
    "StaleEdit",
    "TransitionNotAllowed",
    "article_drafts",
    "article_ingest",
    "attribution_create",
    "attribution_reject",
    "attribution_update",
    "attribution_verify",
    "claim_assign",
    "claim_create",
    "claim_set_credibility",
    "claim_transition",
    "claim_update",
    "clean_input",
    "corroboration_now",
    "event_create",
    "event_request_recheck",
    "event_update",
    "find_sources",
    "flag_dismiss",
    "flag_resolve",
    "group_term_create",
    "group_term_update",
    "mark_for_recheck",
    "match_sources",
    "parse_count_field",
    "propose_events",
    "recheck_event",
    "requeue_stale_rechecks",
    "source_create",
    "source_update",
    "toll_confirm",
    "toll_override",
]
