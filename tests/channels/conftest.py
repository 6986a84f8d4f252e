"""A provider instance per test, pointed at the simulators (parametrize it by name)."""
import pytest

from app.channels.registry import provider_class


@pytest.fixture()
def provider(request, config):
    instance = provider_class(request.param)(config)
    yield instance
    instance.close()
