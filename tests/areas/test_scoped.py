"""Every area-scoped model takes its area columns from one of the ``areas.models`` bases."""

from __future__ import annotations

from django.apps import apps

from giamngheo.areas.models import (
    AdministrativeUnit,
    CommuneScoped,
    ProvinceOrCommuneScoped,
    ProvinceScoped,
    VillageScoped,
)

# Models whose province column is not an area scope: NULL means national or "no area".
NOT_SCOPED = {
    "areas.AdministrativeUnit",  # a province's own province is NULL
    "audit.AuditEvent",  # an event may concern no area
    "jobs.Job",  # a job may concern no area
    "review.RuleSet",  # NULL: the national parameters
    "training.Question",  # NULL: the national question bank
    "training.HandbookPage",  # NULL: the national handbook
    "workforce.ProvinceRule",  # one row per province (a one-to-one key)
}


def test_it_gives_every_area_scoped_model_a_scoped_base() -> None:
    scoped = []
    for model in apps.get_models():
        field = next(
            (f for f in model._meta.local_fields if f.name == "province" and f.is_relation), None
        )
        if field is None or field.related_model is not AdministrativeUnit:
            continue
        if model._meta.label in NOT_SCOPED:
            continue
        assert issubclass(model, ProvinceScoped), model._meta.label
        scoped.append(model)
    # Not a vacuous loop: the registry, review, workforce and training models are all found (the
    # count grows with every area-scoped model an app adds; each must pass the check above).
    assert len(scoped) >= 39
    assert {"registry.Household", "registry.LifeEvent", "programmes.SupportRecord"} <= {
        m._meta.label for m in scoped
    }
    commune_level = [m for m in scoped if issubclass(m, CommuneScoped)]
    assert all(not m._meta.get_field("commune").null for m in commune_level)
    village_level = [m for m in scoped if issubclass(m, VillageScoped)]
    assert all(not m._meta.get_field("village").null for m in village_level)
    provincial = [m for m in scoped if issubclass(m, ProvinceOrCommuneScoped)]
    assert all(m._meta.get_field("commune").null for m in provincial)
