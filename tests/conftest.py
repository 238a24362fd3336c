import pytest

from tests.support import plan


@pytest.fixture(scope="session")
def dev_plan():
    return plan("dev")


@pytest.fixture(scope="session")
def prod_plan():
    return plan("prod")


@pytest.fixture(scope="session")
def checkov_report(dev_plan, prod_plan):
    """checkov's findings on the dev, prod and mutated-dev exports (one cached run)."""
    from tests.scanner_support import checkov_findings, mutated

    return checkov_findings([dev_plan, prod_plan, mutated(dev_plan)])


def pytest_terminal_summary(terminalreporter):
    """Say which pinned charts the render tests could not render yet, and what is missing."""
    from tests.render_support import awaiting_report

    lines = awaiting_report()
    if lines:
        terminalreporter.section("pinned charts awaiting their chart in shared/charts (not rendered)")
        for line in lines:
            terminalreporter.write_line(line)
