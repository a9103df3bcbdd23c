import pytest
from django.db import connection


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
