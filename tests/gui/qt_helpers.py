"""Helpers shared by the GUI tests."""


def wait_for_state(qtbot, window, state, timeout=10_000):
    """Wait until the latest snapshot the controller received is in `state`."""
    qtbot.waitUntil(lambda: window.controller.latest.state == state, timeout=timeout)
