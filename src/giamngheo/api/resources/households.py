"""``/api/v1/households/`` and ``/api/v1/members/``: the registry, scoped by
``registry.selectors`` (the list and detail pages' reads) and masked by
``access.personal_data_reach`` as on the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from giamngheo.api.base import AreaCodeField, MaskingSerializer, ScopedViewSet, area_column
from giamngheo.lib.masking import mask_citizen_id, mask_phone
from giamngheo.registry import selectors
from giamngheo.registry.models import Household, Membership, Person, Status


class PersonSerializer(MaskingSerializer, serializers.ModelSerializer[Person]):
    citizen_id = serializers.SerializerMethodField(
        help_text="Số định danh cá nhân; che bớt (********1234) nếu không có quyền xem đầy đủ."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "sex",
            "birth_date",
            "birth_year",
            "ethnicity",
            "citizen_id",
            "employment",
            "education",
            "disability",
            "has_health_insurance",
            "receives_social_allowance",
        ]

    @extend_schema_field(serializers.CharField())
    def get_citizen_id(self, person: Person) -> str:
        household = self.context["household"]
        return self.personal(
            person.citizen_id,
            mask_citizen_id,
            province_id=household.province_id,
            commune_id=household.commune_id,
            village_id=household.village_id,
        )


class MemberSerializer(serializers.ModelSerializer[Membership]):
    """A current member of a household: the membership and its person."""

    household = serializers.PrimaryKeyRelatedField(read_only=True)
    person = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "household", "relation", "is_head", "is_main_earner", "joined_on", "person"]

    @extend_schema_field(PersonSerializer)
    def get_person(self, membership: Membership) -> dict[str, Any]:
        context = {**self.context, "household": membership.household}
        return dict(PersonSerializer(membership.person, context=context).data)


class HouseholdSerializer(MaskingSerializer, serializers.ModelSerializer[Household]):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    phone = serializers.SerializerMethodField(
        help_text="Điện thoại; che bớt (091****678) nếu không có quyền xem đầy đủ."
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "province",
            "commune",
            "village",
            "village_name",
            "head_name",
            "address",
            "phone",
            "area_kind",
            "status",
            "status_standard",
            "status_year",
            "member_count",
            "is_ethnic_minority",
            "is_merit_family",
            "has_social_assistance_member",
            "has_no_labour_capacity",
            "version",
            "updated_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_phone(self, household: Household) -> str:
        return self.personal(
            household.phone,
            mask_phone,
            province_id=household.province_id,
            commune_id=household.commune_id,
            village_id=household.village_id,
        )


class HouseholdDetailSerializer(HouseholdSerializer):
    members = serializers.SerializerMethodField()

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, household: Household) -> list[dict[str, Any]]:
        memberships = household.current_memberships  # type: ignore[attr-defined]
        for membership in memberships:
            membership.household = household  # the page's prefetch: no query per member
        return list(MemberSerializer(memberships, many=True, context=self.context).data)


class HouseholdFilter(serializers.Serializer[Any]):
    area = AreaCodeField(required=False, help_text="Mã tỉnh, xã hoặc thôn.")
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Năm rà soát của tình trạng."
    )
    code = serializers.CharField(required=False, max_length=30, help_text="Mã hộ.")


@extend_schema_view(
    list=extend_schema(parameters=[HouseholdFilter], summary="Danh sách hộ trong địa bàn"),
    retrieve=extend_schema(summary="Một hộ với các thành viên hiện tại"),
)
class HouseholdViewSet(ScopedViewSet):
    filter_class = HouseholdFilter
    queryset = Household.objects.none()

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    def visible(self) -> QuerySet[Household]:
        return selectors.households_visible_to(self.request.user).select_related(
            "province", "commune", "village"
        )

    def apply_filters(
        self, queryset: QuerySet[Household], filters: dict[str, Any]
    ) -> QuerySet[Household]:
        if filters.get("area"):
            queryset = queryset.filter(**area_column(self.area_of(filters["area"])))
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        if filters.get("year") is not None:
            queryset = queryset.filter(status_year=filters["year"])
        if filters.get("code"):
            queryset = queryset.filter(code=filters["code"])
        return queryset

    def get_object(self) -> Household:
        pk = super().get_object().pk  # 404 outside the reach
        return selectors.household_for(self.request.user, pk)


class MemberFilter(serializers.Serializer[Any]):
    household = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    area = AreaCodeField(required=False, help_text="Mã tỉnh, xã hoặc thôn của hộ.")


@extend_schema_view(
    list=extend_schema(parameters=[MemberFilter], summary="Thành viên hiện tại của các hộ"),
    retrieve=extend_schema(summary="Một thành viên (tư cách thành viên hộ)"),
)
class MemberViewSet(ScopedViewSet):
    serializer_class = MemberSerializer
    filter_class = MemberFilter
    queryset = Membership.objects.none()

    def visible(self) -> QuerySet[Membership]:
        # The households the user sees (the registry's selector), their current members.
        households = selectors.households_visible_to(self.request.user)
        return (
            Membership.objects.filter(left_on__isnull=True, household__in=households)
            .select_related("person")
            .prefetch_related(
                Prefetch(
                    "household",
                    queryset=Household.objects.only(
                        "id", "province_id", "commune_id", "village_id"
                    ),
                )
            )
        )

    def apply_filters(
        self, queryset: QuerySet[Membership], filters: dict[str, Any]
    ) -> QuerySet[Membership]:
        if filters.get("household") is not None:
            queryset = queryset.filter(household_id=filters["household"])
        if filters.get("area"):
            queryset = queryset.filter(**area_column(self.area_of(filters["area"]), "household__"))
        return queryset
