"""``/api/v1/review-rounds/``: the review rounds of the communes the user sees (annual and
in-year), read through ``review.selectors`` (a village grant sees its commune's rounds, their
household figures limited to its villages, as on the round page). The detail adds the round's
timeline (meetings, postings, complaints, decision, report upward) and its acts from
``review.states.ROUND_ACTS``: which are open in the round's state and which the user may do
now (``selectors.round_actions``, the round page's buttons)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from giamngheo.api.base import AreaCodeField, ScopedViewSet
from giamngheo.areas.models import Level
from giamngheo.review import selectors
from giamngheo.review.models import (
    Complaint,
    Decision,
    Meeting,
    Posting,
    Round,
    RoundKind,
)
from giamngheo.review.states import ROUND_ACTS, EntryState, RoundState


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    class Meta:
        model = Decision
        fields = ["id", "number", "signed_on", "signer_name", "signer_title", "standard", "year"]


class RoundSerializer(serializers.ModelSerializer[Round]):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    decision = serializers.SerializerMethodField(
        help_text="Quyết định công nhận của đợt (null khi chưa có)."
    )

    class Meta:
        model = Round
        fields = [
            "id",
            "kind",
            "year",
            "month",
            "state",
            "state_label",
            "province",
            "commune",
            "commune_name",
            "standard",
            "window_start",
            "window_end",
            "plan_number",
            "plan_date",
            "consulted_on",
            "consultation_reference",
            "decision",
            "updated_at",
        ]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, round_: Round) -> dict[str, Any] | None:
        decision = getattr(round_, "decision", None)
        return None if decision is None else dict(DecisionSerializer(decision).data)


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "village", "village_name", "state", "held_on", "chair_name", "attendees"]


class PostingSerializer(serializers.ModelSerializer[Posting]):
    class Meta:
        model = Posting
        fields = [
            "id",
            "kind",
            "posted_on",
            "working_days",
            "ends_on",
            "complaints_until",
            "places",
        ]


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    household_code = serializers.CharField(source="line.household_code", read_only=True)
    # A household status (registry.Status) or "": plain text, so the schema keeps one status enum.
    result_status = serializers.CharField(read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "state",
            "household_code",
            "complainant",
            "received_on",
            "due_on",
            "result_status",
            "resolved_on",
        ]


class ActSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="Tên việc trong review.states.ROUND_ACTS.")
    moves = serializers.BooleanField(help_text="Đúng: chuyển đợt sang bước sau.")
    permission = serializers.CharField(help_text="officer, field hoặc village.")
    open = serializers.BooleanField(help_text="Việc này mở ở trạng thái hiện tại của đợt.")
    offered = serializers.BooleanField(help_text="Người dùng được làm việc này ngay bây giờ.")


class ProgressSerializer(serializers.Serializer[Any]):
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Số hộ trong danh sách theo bước."
    )
    total = serializers.IntegerField()
    meetings = serializers.IntegerField()
    open_complaints = serializers.IntegerField()
    posting_ends = serializers.DateField(allow_null=True)
    partial = serializers.BooleanField(
        help_text="Đúng khi số liệu chỉ gồm các thôn của người dùng, không phải cả xã."
    )


class RoundDetailSerializer(RoundSerializer):
    progress = serializers.SerializerMethodField()
    meetings = serializers.SerializerMethodField()
    postings = serializers.SerializerMethodField()
    complaints = serializers.SerializerMethodField()
    acts = serializers.SerializerMethodField(
        help_text="Các việc của đợt (ROUND_ACTS), theo thứ tự của trang đợt rà soát."
    )

    class Meta(RoundSerializer.Meta):
        fields = [
            *RoundSerializer.Meta.fields,
            "progress",
            "meetings",
            "postings",
            "complaints",
            "acts",
        ]

    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, round_: Round) -> dict[str, Any]:
        progress = selectors.round_progress(round_, user=self._user())
        return {
            "counts": {state: progress.counts[state] for state in EntryState.values},
            "total": progress.total,
            "meetings": progress.meetings,
            "open_complaints": progress.open_complaints,
            "posting_ends": progress.posting_ends,
            "partial": progress.partial,
        }

    @extend_schema_field(MeetingSerializer(many=True))
    def get_meetings(self, round_: Round) -> list[Any]:
        meetings = selectors.round_meetings(self._user(), round_)
        return list(MeetingSerializer(meetings, many=True).data)

    @extend_schema_field(PostingSerializer(many=True))
    def get_postings(self, round_: Round) -> list[Any]:
        return list(PostingSerializer(selectors.round_postings(round_), many=True).data)

    @extend_schema_field(ComplaintSerializer(many=True))
    def get_complaints(self, round_: Round) -> list[Any]:
        complaints = selectors.round_complaints(self._user(), round_)
        return list(ComplaintSerializer(complaints, many=True).data)

    @extend_schema_field(ActSerializer(many=True))
    def get_acts(self, round_: Round) -> list[dict[str, Any]]:
        user = self._user()
        villages = selectors.changeable_villages(user, round_)
        offered = {a.name for a in selectors.round_actions(user, round_, villages=villages)}
        return [
            {
                "name": act.name,
                "moves": act.moves,
                "permission": act.permission,
                "open": round_.state in act.states,
                "offered": act.name in offered,
            }
            for act in ROUND_ACTS
        ]


class RoundFilter(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False, min_value=2016, max_value=2100, help_text="Năm rà soát."
    )
    area = AreaCodeField(
        required=False, help_text="Mã tỉnh, xã hoặc thôn (thôn: các đợt của xã có thôn đó)."
    )
    kind = serializers.ChoiceField(choices=RoundKind.choices, required=False)
    state = serializers.ChoiceField(choices=RoundState.choices, required=False)


@extend_schema_view(
    list=extend_schema(parameters=[RoundFilter], summary="Các đợt rà soát của các xã"),
    retrieve=extend_schema(
        summary="Một đợt rà soát với tiến độ, họp dân, niêm yết, khiếu nại, quyết định"
    ),
)
class ReviewRoundViewSet(ScopedViewSet):
    filter_class = RoundFilter
    queryset = Round.objects.none()

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer

    def visible(self) -> QuerySet[Round]:
        return selectors.rounds(self.request.user).select_related("province", "commune", "decision")

    def apply_filters(self, queryset: QuerySet[Round], filters: dict[str, Any]) -> QuerySet[Round]:
        if filters.get("year") is not None:
            queryset = queryset.filter(year=filters["year"])
        if filters.get("area"):
            area = self.area_of(filters["area"])
            if area.level == Level.PROVINCE:
                queryset = queryset.filter(province=area)
            elif area.level == Level.COMMUNE:
                queryset = queryset.filter(commune=area)
            else:  # rounds are per commune: a village's are its commune's
                queryset = queryset.filter(commune_id=area.parent_id)
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        if "state" in filters:
            queryset = queryset.filter(state=filters["state"])
        return queryset
