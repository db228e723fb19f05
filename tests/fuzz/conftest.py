"""Report, per fuzz target, how many inputs it tried and how many of them failed."""

from collections import Counter

import pytest
from fuzzing import EXAMPLES, tried

failed: Counter = Counter()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """A failing test counts its falsifying examples (Hypothesis reports each distinct one) against its targets."""
    before = Counter(tried)
    outcome = yield
    if outcome.excinfo is not None:
        error = outcome.excinfo[1]
        examples = len(getattr(error, "exceptions", ())) or 1  # an exception group: one per example
        for target in (tried - before) or {item.name: 0}:
            failed[target] += examples


def pytest_terminal_summary(terminalreporter):
    if tried or failed:
        terminalreporter.write_sep("-", f"fuzz: inputs per target (FCVIZ_FUZZ_EXAMPLES={EXAMPLES})")
        terminalreporter.write_line(f"{'target':<24} {'tried':>7} {'failed':>7}")
        for target in sorted(set(tried) | set(failed)):
            terminalreporter.write_line(f"{target:<24} {tried[target]:>7} {failed[target]:>7}")
        terminalreporter.write_line(f"{'total':<24} {sum(tried.values()):>7} {sum(failed.values()):>7}")
