"""Forms of the campaign pages; they validate input, services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Team, User
from campaigns.choices import (
    CAMPAIGN_BULK_ACTIONS,
    TASK_BULK_ACTIONS,
    ActivityType,
    BulkAction,
    CalendarEventKind,
    CampaignStatus,
)
from campaigns.models import KPI, Activity, Campaign, Channel, Task
from mrm.bounds import DateFormField, DecimalFormField
from mrm.widgets import QuickSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CampaignForm(forms.ModelForm):
    channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Channels"),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "code",
            "team",
            "owner",
            "sponsor",
            "channels",
            "start_date",
            "end_date",
            "planned_cost",
            "objective",
            "description",
            "parent",
            "tags",
            "confidential",
        ]
        field_classes = {"start_date": DateFormField, "end_date": DateFormField, "planned_cost": DecimalFormField}
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "objective": forms.Textarea(attrs={"rows": 2}),
            "team": QuickSelect(),
            "owner": QuickSelect(),
            "sponsor": QuickSelect(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        teams = Team.objects.filter(is_active=True)
        if not user.is_mrm_admin:
            teams = teams.filter(pk__in=user.team_ids)
        self.fields["team"].queryset = teams
        people = User.objects.filter(is_active=True).order_by("display_name", "username")
        self.fields["owner"].queryset = people
        self.fields["sponsor"].queryset = people
        self.fields["owner"].label_from_instance = lambda u: u.full_name
        self.fields["sponsor"].label_from_instance = lambda u: u.full_name
        parents = Campaign.objects.visible_to(user).only("pk", "code", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["code"].required = False
        if not self.instance.pk and not self.is_bound:
            self._preselect(teams)

    def _preselect(self, teams) -> None:
        """A new campaign starts as the creator's, in the creator's team when exactly one of theirs is offered.

        Set on ``self.initial``: a ModelForm fills ``initial`` from the empty
        instance (``team: None``), which would hide a field's own initial value.
        Values given by the caller (``initial=``) win.
        """
        self.initial.setdefault("owner", None)
        if self.initial["owner"] is None:
            self.initial["owner"] = self.user.pk
        offered = {team.pk for team in teams}
        own = [team_id for team_id in self.user.team_ids if team_id in offered]
        if self.initial.get("team") is None and len(own) == 1:
            self.initial["team"] = own[0]

    def _post_clean(self):
        # Model validation runs in the service (with the acting user); only the
        # field-level cleaning happens here.
        pass

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "channels"}
        data["code"] = (data.get("code") or "").strip()
        return data


class CloneForm(forms.Form):
    """A clone's name, start and team (the teams where the user creates campaigns)."""

    name = forms.CharField(max_length=200, label=_("Name"))
    start_date = DateFormField(label=_("Start date"), widget=DateInput())
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"))

    def __init__(self, *args, user, source, **kwargs):
        """``source`` is the campaign cloned or the template started from (both have a ``team_id`` and a name)."""
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(is_active=True)
        if not user.is_mrm_admin:
            teams = teams.filter(pk__in=user.team_ids)
        self.fields["team"].queryset = teams
        if not self.is_bound:
            own = source.team_id if teams.filter(pk=source.team_id).exists() else None
            self.initial.setdefault("team", own or next(iter(teams.values_list("pk", flat=True)), None))
            if isinstance(source, Campaign):
                self.initial.setdefault("name", _("%(name)s (copy)") % {"name": source.name})
                self.initial.setdefault("start_date", source.start_date)
            else:
                self.initial.setdefault("name", source.name)


class BulkForm(forms.Form):
    """The campaign list's bulk bar: an action and what it needs (the campaigns come as ``ids`` or "all matching")."""

    action = forms.ChoiceField(choices=[(a, BulkAction(a).label) for a in CAMPAIGN_BULK_ACTIONS], label=_("Action"))
    status = forms.ChoiceField(choices=[("", "—"), *CampaignStatus.choices], required=False, label=_("New status"))
    note = forms.CharField(required=False, max_length=2000, label=_("Note"))
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Owner"), widget=QuickSelect)
    sponsor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Sponsor"),
        help_text=_("Empty clears the sponsor."),
        widget=QuickSelect,
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label=_("Team"))
    add_tags = forms.CharField(required=False, max_length=255, label=_("Add tags"), help_text=_("Comma-separated."))
    remove_tags = forms.CharField(required=False, max_length=255, label=_("Remove tags"))
    days = forms.IntegerField(required=False, min_value=-3660, max_value=3660, label=_("Shift by days"))
    all_matching = forms.BooleanField(required=False, label=_("All campaigns matching the filters"))
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        # Its own ids: the list's filter bar has an Owner, a Status and a Team too (a label, a searchable
        # select's combobox, finds its field by id).
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("display_name", "username")
        teams = Team.objects.filter(is_active=True)
        self.fields["team"].queryset = teams if user.is_mrm_admin else teams.filter(pk__in=user.team_ids)
        for name in ("owner", "sponsor"):
            self.fields[name].queryset = people
        if not self.is_bound:
            # The owner and sponsor lists are the same people: read once for both selects.
            listed = [("", "---------"), *((person.pk, person.full_name) for person in people)]
            for name in ("owner", "sponsor"):
                self.fields[name].widget.choices = listed
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif not isinstance(field.widget, (forms.HiddenInput, forms.CheckboxInput)):
                field.widget.attrs["class"] = "form-control"

    def service_params(self) -> dict:
        """The parameters the chosen action takes, as the bulk service reads them."""
        data, action = self.cleaned_data, self.cleaned_data["action"]
        split = lambda text: [t.strip() for t in (text or "").split(",") if t.strip()]  # noqa: E731
        return {
            BulkAction.STATUS: {"status": data["status"], "note": data["note"]},
            BulkAction.OWNER: {"owner": data["owner"]},
            BulkAction.SPONSOR: {"sponsor": data["sponsor"]},
            BulkAction.TEAM: {"team": data["team"]},
            BulkAction.TAGS: {"add_tags": split(data["add_tags"]), "remove_tags": split(data["remove_tags"])},
            BulkAction.SHIFT_DATES: {"days": data["days"]},
        }[action]


class TaskBulkForm(forms.Form):
    """The bulk bar of "my tasks": mark done or open, change the assignee, shift due dates."""

    action = forms.ChoiceField(choices=[(a, BulkAction(a).label) for a in TASK_BULK_ACTIONS], label=_("Action"))
    status = forms.ChoiceField(
        choices=[("done", _("Done")), ("open", pgettext_lazy("task status", "Open"))],
        required=False,
        label=_("New status"),
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Assignee"),
        help_text=_("Empty unassigns."),
        widget=QuickSelect,
    )
    days = forms.IntegerField(required=False, min_value=-3660, max_value=3660, label=_("Shift by days"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(is_active=True).order_by("display_name", "username")
        self.fields["assignee"].label_from_instance = lambda u: u.full_name
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def service_params(self) -> dict:
        data, action = self.cleaned_data, self.cleaned_data["action"]
        return {
            BulkAction.STATUS: {"status": data["status"]},
            BulkAction.ASSIGNEE: {"assignee": data["assignee"]},
            BulkAction.SHIFT_DATES: {"days": data["days"]},
        }[action]


class ChecklistItemForm(forms.Form):
    text = forms.CharField(max_length=300, label=_("New step"))


class TemplateForm(forms.Form):
    """Saving a campaign's plan to the gallery."""

    name = forms.CharField(max_length=200, label=_("Template name"))
    description = forms.CharField(
        required=False,
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When to use it: the gallery shows this."),
    )


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=CampaignStatus.choices, label=_("New status"))
    note = forms.CharField(required=False, max_length=2000, label=_("Note"))


class ShareForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), label=_("Share with"), widget=QuickSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda u: u.full_name


class ActivityForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), required=False, assume_scheme="https")

    class Meta:
        model = Activity
        field_classes = {"start_date": DateFormField, "end_date": DateFormField}
        fields = [
            "name",
            "type",
            "channel",
            "status",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "owner",
            "location",
            "url",
            "public",
            "description",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "owner": QuickSelect(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        self.fields["owner"].label_from_instance = lambda u: u.full_name

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "activity", "assignee", "due_date", "done", "depends_on"]
        field_classes = {"due_date": DateFormField}
        widgets = {"due_date": DateInput(), "assignee": QuickSelect()}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = campaign.activities.all()
        others = Task.objects.filter(campaign=campaign).order_by("due_date", "pk")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = others
        self.fields["depends_on"].label = _("After (depends on)")
        self.fields["assignee"].queryset = User.objects.filter(is_active=True)
        self.fields["assignee"].label_from_instance = lambda u: u.full_name

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class KPIForm(forms.ModelForm):
    class Meta:
        model = KPI
        fields = ["metric", "custom_name", "target", "actual"]
        field_classes = {"target": DecimalFormField, "actual": DecimalFormField}

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CalendarFeedForm(forms.Form):
    """A saved calendar filter for an ICS subscription."""

    name = forms.CharField(max_length=120, label=_("Name"))
    team = forms.ModelMultipleChoiceField(
        queryset=Team.objects.filter(is_active=True), required=False, label=_("Teams")
    )
    channel = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.filter(is_active=True), required=False, label=_("Channels")
    )
    type = forms.MultipleChoiceField(choices=ActivityType.choices, required=False, label=_("Activity types"))
    status = forms.MultipleChoiceField(choices=CampaignStatus.choices, required=False, label=_("Campaign statuses"))
    kind = forms.MultipleChoiceField(
        choices=CalendarEventKind.choices,
        required=False,
        label=_("Show"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for both activities and campaigns."),
    )

    FILTERS = ("team", "channel", "type", "status", "kind")

    @classmethod
    def initial_from(cls, params) -> dict:
        """The filters a link brought (the calendar's of the moment), to start the new feed from them."""
        return {name: params.getlist(name) for name in cls.FILTERS if params.getlist(name)}

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "team": [str(t.pk) for t in data["team"]],
            "channel": [str(c.pk) for c in data["channel"]],
            "type": list(data["type"]),
            "status": list(data["status"]),
            "kind": list(data["kind"]),
        }
