"""django-q2 tasks of availability: one-line wrappers around the services.

availability imports Django only, so intake/tasks.py registers these as
periodic tasks (intake may import availability; not the other way round).
"""


def schedules_generate_all_task() -> int:
    from availability.services import schedules_generate_all

    return schedules_generate_all()


def departure_holds_expire_task() -> int:
    from availability.services import departure_holds_expire

    return departure_holds_expire()
