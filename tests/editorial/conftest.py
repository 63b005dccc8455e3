import pytest

from tests.editorial.factories import editor
from tests.factories import UserFactory


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def editor_user(db):
    return editor()


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client
