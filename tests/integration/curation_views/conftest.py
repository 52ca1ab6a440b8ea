"""Fixtures shared by the curation view tests."""

import pytest


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
