"""django-q2 tasks of availability: one-line wrappers around the services, registered as periodic.

The registry lives in intake.periodic (a plain list of names, no models), so
`manage.py install_schedules` finds these tasks like every other room's.
"""

from intake.periodic import register


def schedules_generate_all_task() -> int:
    from availability.services import schedules_generate_all

    return schedules_generate_all()


def departure_holds_expire_task() -> int:
    from availability.services import departure_holds_expire

    return departure_holds_expire()


register(name="availability.schedules_generate_all", func="availability.tasks.schedules_generate_all_task",
         minutes=24 * 60)
register(name="availability.departure_holds_expire", func="availability.tasks.departure_holds_expire_task", minutes=1)
