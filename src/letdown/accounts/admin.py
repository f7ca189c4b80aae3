from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .models import Baby, Household, Lactation, User
from .services import changing


class HouseholdDataAdmin(admin.ModelAdmin[Any]):
    """An admin for family data: each edit or delete bumps the household's data version in the
    same transaction, as the app's own writes do, so caches and phones see it."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with changing(obj.household_id):
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with changing(obj.household_id):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Model]) -> None:
        households = set(queryset.values_list("household_id", flat=True))
        for household_id in households:
            with changing(household_id):
                super().delete_queryset(request, queryset.filter(household_id=household_id))


@admin.register(User)
class LetdownUserAdmin(UserAdmin[User]):
    list_display = ("username", "household", "role", "is_staff")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("letdown", {"fields": ("household", "role")}))


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin[Household]):
    exclude = ("data_version",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Her version as loaded with the form may be behind by now: never write it back.
        fields = [f.name for f in obj._meta.concrete_fields if f.name not in ("id", "data_version")]
        with changing(obj):
            obj.save(update_fields=fields)


admin.site.register(Lactation, HouseholdDataAdmin)
admin.site.register(Baby, HouseholdDataAdmin)
