"""The mail as a person reads it: headers and the text (HTML reduced to text), for admin pages."""

import email
from email import policy

from django.utils.html import strip_tags


def mail_text(raw: bytes, *, limit: int = 20000) -> str:
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        head = "\n".join(f"{name}: {message.get(name, '')}" for name in ("From", "To", "Date", "Subject"))
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return head + "\n\n(no text part)"
        text = part.get_content()
        if part.get_content_type() == "text/html":
            text = strip_tags(text)
        attachments = [a.get_filename() or a.get_content_type() for a in message.iter_attachments()]
        tail = f"\n\nattachments: {', '.join(attachments)}" if attachments else ""
        return (head + "\n\n" + text.strip() + tail)[:limit]
    except Exception as exc:  # a broken mail is shown raw rather than not at all
        return f"(cannot be decoded: {exc})\n\n" + raw[:limit].decode("utf-8", "replace")
