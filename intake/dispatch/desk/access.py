"""The "Dispatcher" group: exactly the permissions the desk needs, nothing that edits the catalogue."""

from django.contrib.auth.models import Group, Permission

DISPATCHER_GROUP = "Dispatcher"
DISPATCHER_PERMISSIONS = [
    ("intake", "view_reviewitem"), ("intake", "change_reviewitem"),  # the queue and its actions
    ("intake", "view_order"), ("intake", "view_auditevent"), ("intake", "view_rawsource"),
    ("intake", "view_partner"),
    ("intake", "view_delivery"), ("intake", "change_delivery"),  # see deliveries, retry them
    ("intake", "view_connector"), ("intake", "view_webhookconnector"), ("intake", "view_filedropconnector"),
    ("availability", "view_departure"), ("availability", "view_product"),
]


def dispatcher_group_ensure() -> Group:
    """Create the group or reset it to exactly these permissions. Run after migrate (seed_demo does)."""
    group, _ = Group.objects.get_or_create(name=DISPATCHER_GROUP)
    wanted = []
    for app_label, codename in DISPATCHER_PERMISSIONS:
        wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    group.permissions.set(wanted)
    return group
