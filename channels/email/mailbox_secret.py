"""A mailbox password: from an environment variable (preferred) or encrypted at rest.

The encryption key is derived from SECRET_KEY, so a database dump alone does
not reveal the password; rotating SECRET_KEY means re-entering the passwords.
"""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class MailboxSecretMissing(Exception):
    pass


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"channel-email-mailbox:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def mailbox_password(mailbox) -> str:
    if mailbox.password_env:
        value = os.environ.get(mailbox.password_env)
        if value is None:
            raise MailboxSecretMissing(f"environment variable {mailbox.password_env} is not set")
        return value
    if mailbox.password_encrypted:
        try:
            return _fernet().decrypt(mailbox.password_encrypted.encode()).decode()
        except InvalidToken:
            raise MailboxSecretMissing("the stored password cannot be decrypted (SECRET_KEY changed?)") from None
    raise MailboxSecretMissing("the mailbox has no password configured")
