"""Periodic django-q2 tasks, declared by each room and installed by `install_schedules`.

Rooms call `register()` at import time of their tasks module; the command
creates or updates one django_q Schedule row per task, so the worker runs them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str  # dotted path of a one-line task function
    minutes: int


_registry: dict[str, Periodic] = {}


def register(*, name: str, func: str, minutes: int) -> None:
    _registry[name] = Periodic(name=name, func=func, minutes=minutes)


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda p: p.name)
