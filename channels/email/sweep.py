"""The safety net: messages stored but never processed, replies never sent (a crash between commit and enqueue)."""

from channels.email.processing import messages_process_pending
from channels.email.replies import replies_send_pending


def email_sweep() -> dict:
    return {"processed": messages_process_pending(), "replies": replies_send_pending()}
