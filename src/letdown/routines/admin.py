from django.contrib import admin

from letdown.accounts.admin import HouseholdDataAdmin

from .models import Media, Routine, RoutineRun, RunEvent


@admin.register(Routine)
class RoutineAdmin(HouseholdDataAdmin):
    list_display = ("name", "kind", "household")
    list_filter = ("kind",)


class RunEventInline(admin.TabularInline[RunEvent, RoutineRun]):
    model = RunEvent
    extra = 0
    readonly_fields = ("at_s", "type", "position")


@admin.register(RoutineRun)
class RoutineRunAdmin(HouseholdDataAdmin):
    list_display = ("name", "started_at", "finished_at", "session", "household")
    inlines = [RunEventInline]


@admin.register(Media)
class MediaAdmin(HouseholdDataAdmin):
    list_display = ("name", "kind", "content_type", "size_bytes", "household")
