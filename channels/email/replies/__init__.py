"""Replies by SMTP, in the sender's language, threaded, written in the processing transaction and sent after commit."""

from channels.email.replies.compose import reply_plan
from channels.email.replies.policy import reply_blocker
from channels.email.replies.send import reply_send, replies_send_pending

__all__ = ["replies_send_pending", "reply_blocker", "reply_plan", "reply_send"]
