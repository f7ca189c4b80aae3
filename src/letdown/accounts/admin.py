from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Baby, Household, Lactation, User


@admin.register(User)
class LetdownUserAdmin(UserAdmin):
    list_display = ("username", "household", "role", "is_staff")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("letdown", {"fields": ("household", "role")}))


admin.site.register(Household)
admin.site.register(Lactation)
admin.site.register(Baby)
