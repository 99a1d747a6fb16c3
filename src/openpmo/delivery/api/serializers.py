from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from openpmo.common import uploads
from openpmo.common.api import VersionedSerializer
from openpmo.delivery.choices import Constraint, LinkType, TaskKind
from openpmo.delivery.models import Interdependency, ScheduleLink, ScheduleTask
from openpmo.portfolio.choices import Stage


class InterdependencySerializer(VersionedSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Interdependency
        fields = [
            "id",
            "reference",
            "type",
            "from_work_package",
            "from_milestone",
            "to_work_package",
            "to_task",
            "description",
            "owner",
            "need_by",
            "status",
            "lag_days",
            "is_illustrative",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_illustrative", "created_at", "updated_at"]
        # The model's clean() checks the pair; the service refuses duplicates and loops.
        validators: list[Any] = []


_KINDS = ", ".join(TaskKind.values)
_STAGES = ", ".join(Stage.values)
_LINKS = ", ".join(LinkType.values)


class ScheduleTaskInputSerializer(VersionedSerializer):
    """A task or milestone to add or change (dates are computed; send them only for manual tasks)."""

    # Plain strings in the schema (checked by the model): the choice sets share names with
    # other apps' fields, which would make the schema's enum names collide.
    kind = serializers.CharField(required=False, help_text=f"One of {_KINDS}")
    gate_stage = serializers.CharField(
        required=False, allow_blank=True, help_text=f"For a stage-gate milestone: one of {_STAGES}"
    )

    class Meta:
        model = ScheduleTask
        fields = [
            "id",
            "uid",
            "parent",
            "position",
            "name",
            "kind",
            "duration_minutes",
            "elapsed",
            "manual",
            "start",
            "finish",
            "constraint",
            "constraint_date",
            "gate_stage",
            "version",
        ]
        extra_kwargs = {"uid": {"required": False}, "position": {"required": False}}
        validators: list[Any] = []


class ScheduleLinkInputSerializer(serializers.ModelSerializer):
    type = serializers.CharField(required=False, help_text=f"One of {_LINKS}")

    class Meta:
        model = ScheduleLink
        fields = [
            "id",
            "predecessor",
            "successor",
            "type",
            "lag_minutes",
            "lag_percent",
            "lag_elapsed",
        ]
        validators: list[Any] = []


class MilestoneAchievedSerializer(serializers.Serializer):
    """The day a milestone was achieved and what shows it (``version``: as you loaded it)."""

    achieved_on = serializers.DateField()
    evidence = serializers.CharField()
    version = serializers.IntegerField(required=False)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$",
        "example": "2024-04-08T09:00",
        "description": "Local time (Europe/London) to the minute, no zone",
    }
)
class LocalMinuteField(serializers.Field):
    """A computed date as the engine gives it (``TaskSchedule.to_dict``): local wall-clock time
    to the minute with no zone, ``2024-04-08T09:00``, as ``openpmo schedule --json`` prints it.
    Not OpenAPI's ``date-time``, which requires a zone."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return str(value)


class WorkingDaysField(serializers.FloatField):
    """Working days as the engine gives them (``TaskSchedule.to_dict``): a JSON number to four
    places, a whole number without a decimal point, as ``openpmo schedule --json`` prints it."""

    def to_representation(self, value: Any) -> Any:
        return value


class ComputedTaskSerializer(serializers.Serializer):
    """A stored task and, from ``uid`` to ``critical``, the engine's own shape of its computed
    schedule (``TaskSchedule.to_dict``: local times to the minute, slack in working days), the
    same keys and values as ``openpmo schedule --json``."""

    id = serializers.IntegerField()
    uid = serializers.IntegerField()
    parent_uid = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    kind = serializers.CharField(help_text=f"One of {_KINDS}")
    duration_minutes = serializers.IntegerField()
    duration_days = serializers.DecimalField(max_digits=12, decimal_places=2)
    manual = serializers.BooleanField()
    constraint = serializers.ChoiceField(choices=Constraint.choices)
    constraint_date = serializers.DateField(allow_null=True)
    gate_stage = serializers.CharField(allow_blank=True)
    early_start = LocalMinuteField(allow_null=True)
    early_finish = LocalMinuteField(allow_null=True)
    late_start = LocalMinuteField(allow_null=True)
    late_finish = LocalMinuteField(allow_null=True)
    achieved_on = serializers.DateField(allow_null=True, help_text="For a milestone achieved")
    achieved_evidence = serializers.CharField(allow_blank=True)
    total_slack_days = WorkingDaysField(allow_null=True)
    free_slack_days = WorkingDaysField(allow_null=True)
    critical = serializers.BooleanField()
    version = serializers.IntegerField()


class ComputedLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    predecessor_uid = serializers.IntegerField()
    successor_uid = serializers.IntegerField()
    type = serializers.CharField(help_text=f"One of {_LINKS}")
    lag_minutes = serializers.IntegerField()
    lag_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    lag_elapsed = serializers.BooleanField()


class WorkPackageScheduleSerializer(serializers.Serializer):
    work_package = serializers.IntegerField()
    reference = serializers.CharField()
    start = serializers.DateField(allow_null=True, help_text="The schedule's start day")
    finish = LocalMinuteField(allow_null=True, help_text="Computed finish, as its tasks' times")
    minutes_per_day = serializers.IntegerField()
    source = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    recalculating = serializers.BooleanField(
        help_text="The inputs changed since these dates were computed: they are out of date "
        "until the recalculation (in the background) finishes"
    )
    tasks = ComputedTaskSerializer(many=True)
    links = ComputedLinkSerializer(many=True)


class CalendarMoveSerializer(serializers.Serializer):
    uid = serializers.IntegerField()
    name = serializers.CharField()
    old_start = serializers.DateTimeField()
    old_finish = serializers.DateTimeField()
    new_start = serializers.DateTimeField()
    new_finish = serializers.DateTimeField()


class ScheduleCalendarSerializer(serializers.Serializer):
    """Which calendar a schedule runs on and what applying the other one moves."""

    work_package = serializers.IntegerField()
    has_own_calendar = serializers.BooleanField(
        help_text="The schedule came from a file and keeps that file's calendar"
    )
    uses_own_calendar = serializers.BooleanField()
    calendar = serializers.CharField(help_text="The calendar it runs on now")
    own_calendar = serializers.ListField(
        child=serializers.CharField(), help_text="The file's calendar, one line a weekday or day"
    )
    programme_calendar = serializers.CharField()
    target = serializers.CharField(
        help_text="What POST would apply: programme, or file (back to the file's own)"
    )
    moves = CalendarMoveSerializer(many=True)
    unchanged = serializers.IntegerField(help_text="Tasks whose dates would not change")
    finish_now = serializers.DateTimeField(allow_null=True)
    finish_after = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class ScheduleCalendarApplySerializer(serializers.Serializer):
    use = serializers.ChoiceField(
        choices=["programme", "file"],
        help_text="programme: apply the programme calendar; file: go back to the file's own",
    )
    version = serializers.IntegerField(required=False, help_text="The schedule version you read")


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="Microsoft Project XML (MSPDI), up to OPENPMO_MAX_SCHEDULE_MB (20 MB by default)"
    )
    version = serializers.IntegerField(required=False, help_text="The schedule version you read")

    def validate_file(self, upload: Any) -> Any:
        return uploads.checked(uploads.SCHEDULE, upload)


class ProgrammeRowSerializer(serializers.Serializer):
    work_package = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField()
    start = serializers.DateTimeField()
    finish = serializers.DateTimeField()
    late_start = serializers.DateTimeField()
    late_finish = serializers.DateTimeField()
    total_slack_days = serializers.DecimalField(max_digits=12, decimal_places=2)
    critical = serializers.BooleanField()
    stand_in = serializers.BooleanField(help_text="No tasks: scheduled from register dates")


class ProgrammeScheduleSerializer(serializers.Serializer):
    programme = serializers.IntegerField()
    start = serializers.DateTimeField(allow_null=True)
    finish = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    recalculating = serializers.BooleanField(
        help_text="The inputs changed since these dates were computed: they are out of date "
        "until the recalculation (in the background) finishes"
    )
    work_packages = ProgrammeRowSerializer(many=True)
    critical_path = serializers.ListField(
        child=serializers.CharField(), help_text="References of the critical work packages"
    )


class MovementSerializer(serializers.Serializer):
    work_package = serializers.IntegerField()
    reference = serializers.CharField()
    old_start = serializers.DateTimeField()
    new_start = serializers.DateTimeField()
    old_finish = serializers.DateTimeField()
    new_finish = serializers.DateTimeField()
    working_days = serializers.DecimalField(max_digits=12, decimal_places=2)
    calendar_days = serializers.IntegerField()


class GateMovementSerializer(serializers.Serializer):
    work_package = serializers.IntegerField()
    milestone = serializers.CharField()
    gate = serializers.CharField()
    old_date = serializers.DateField()
    new_date = serializers.DateField()
    working_days = serializers.DecimalField(max_digits=12, decimal_places=2)
