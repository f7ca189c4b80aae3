from __future__ import annotations

from letdown.reminders import services
from letdown.reminders.models import PushSubscription, Reminder

from .push_service import Browser


def subscribe(user, browser: Browser, name: str = "Phone") -> PushSubscription:  # type: ignore[no-untyped-def]
    return services.save_subscription(
        household=user.household,
        user=user,
        endpoint=browser.endpoint,
        p256dh=browser.p256dh,
        auth=browser.auth,
        name=name,
    )


def remind(user, devices=(), **values: object) -> Reminder:  # type: ignore[no-untyped-def]
    values.setdefault("kind", "pump_at")
    if values["kind"] == "pump_at":
        values.setdefault("times", ["07:00"])
    return services.save_reminder(
        household=user.household, user=user, reminder=None, values=values, devices=list(devices)
    )
