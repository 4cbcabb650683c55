"""The claim page's forms: the claim itself, a new attribution, and its buttons' POSTs.

Every button posts a small form that is validated here before a service is called,
so that a value of the wrong kind ("²" for a version, an unknown person) is answered
with a message, never with a server error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from claims import services
from claims.models import Attribution, Claim, Credibility
from claims.workflow import TRANSITIONS, Verdict

from .forms import DeskForm, VersionedForm

CLAIM_FORM_FIELDS = list(services.CLAIM_FIELDS)  # the service's own list, in its order
# Help that reads as help, never as this claim's data (it sits under the inputs).
HELP = {
    "text": "Type or paste the statement as the claimant made it.",
    "group": "Type who was counted, as the source put it (e.g. “Wagner fighters”).",
    "group_class_override": "Leave empty: the class comes from the group's words.",
    "count_text": "Type the figure as written (e.g. “at least six”): the desk reads its interval.",
    "made_at": "When the claimant made the statement, if known.",
}


def assignable_users() -> QuerySet[Any]:
    """Active users who can see claims: the people a claim can be given to."""
    perm = Permission.objects.filter(
        codename="view_claim", content_type__app_label="claims"
    ).values("pk")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
        )
        .distinct()
        .order_by("username")
    )


# --- Forms ----------------------------------------------------------------------------------
class ClaimForm(VersionedForm):
    # Only when adding: the claimant's own statement becomes its "asserts" attribution.
    url = forms.URLField(required=False, label="Link to the statement", max_length=500)
    quote = forms.CharField(required=False, label="Quote", widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Claim
        fields = CLAIM_FORM_FIELDS
        labels = {"count_text": "Count as written", "made_at": "Made at"}
        help_texts = HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields.pop("url")
            self.fields.pop("quote")
        if "text" in self.fields:
            self.fields["text"].widget.attrs["rows"] = 3


class NewAttributionForm(DeskForm):
    class Meta:
        model = Attribution
        fields = ["source", "stance", "disputes", "count_text", "quote", "url"]
        labels = {"count_text": "Count as written", "disputes": "Disputes"}
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 2, "cols": 30}),
            "count_text": forms.TextInput(attrs={"size": 14}),
            "url": forms.URLInput(attrs={"size": 26}),
        }


class ReviewForm(forms.Form):
    """A review button's POST: which step, on which version, with what."""

    action = forms.ChoiceField(choices=[(name, t.label) for name, t in TRANSITIONS.items()])
    version = forms.IntegerField(min_value=1)
    verdict = forms.ChoiceField(
        required=False, choices=[("", "—"), *[(v.value, v.value) for v in Verdict]]
    )
    override_reason = forms.CharField(required=False, max_length=500)
    note = forms.CharField(required=False, max_length=200)


class CredibilityForm(forms.Form):
    credibility = forms.TypedChoiceField(
        choices=[("", "as proposed"), *Credibility.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(max_length=500)
    version = forms.IntegerField(min_value=1)


class AssignForm(forms.Form):
    """The page's assignment buttons: "me", "" (nobody) or a person's id."""

    assignee = forms.CharField(required=False, max_length=20)
    version = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_assignee(self) -> Any:
        value = self.cleaned_data["assignee"]
        if value == "me":
            return self.user
        if value == "":
            return None
        person = forms.ModelChoiceField(queryset=assignable_users())
        person.error_messages["invalid_choice"] = "Choose someone who can see claims."
        return person.clean(value)


class BulkAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Nobody (unassign)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]
