"""The one door for orders. Channels call these; nothing else creates or changes an Order."""

from intake.services.order_changes import (
    order_amend,
    order_cancel,
    order_confirm,
    order_extend_hold,
    orders_expire_holds,
)
from intake.services.orders import SubmitResult, order_submit
from intake.services.raw import raw_source_mark, raw_source_store

submit = order_submit  # the name the architecture uses
cancel = order_cancel
amend = order_amend

__all__ = [
    "SubmitResult",
    "amend",
    "cancel",
    "order_amend",
    "order_cancel",
    "order_confirm",
    "order_extend_hold",
    "order_submit",
    "orders_expire_holds",
    "raw_source_mark",
    "raw_source_store",
    "submit",
]
