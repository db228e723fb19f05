"""Shared test setup: Qt renders offscreen, before anything imports it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from fcviz.core import engine  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels():
    """Load (or, on a fresh checkout, compile) the training kernels once, before any test that waits
    a bounded time for training to happen."""
    engine.warm_up()
