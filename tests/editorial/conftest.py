import pytest

from tests.editorial.factories import editor


@pytest.fixture
def editor_user(db):
    return editor()


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client
