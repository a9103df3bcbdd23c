import os

import pytest
from django.db import connection


def pytest_configure(config):
    # Never talk to anything but loopback; tasks run in-process unless a test starts a worker.
    os.environ.setdefault("Q_SYNC", "1")


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
