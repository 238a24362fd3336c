import pytest

from tests.support import plan


@pytest.fixture(scope="session")
def dev_plan():
    return plan("dev")


@pytest.fixture(scope="session")
def prod_plan():
    return plan("prod")
