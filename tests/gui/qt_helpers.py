"""Helpers shared by the GUI tests."""


def wait_for_state(qtbot, window, state, timeout=10_000):
    """Wait until a snapshot taken after every command sent so far shows `state`."""
    controller = window.controller

    def reached() -> bool:
        latest = controller.latest
        return controller.reflects_all_commands(latest) and latest.state == state

    qtbot.waitUntil(reached, timeout=timeout)


def saved(qtbot, future, timeout=10_000) -> bool:
    """Wait for a save started by `FileActions.save_session_to` (window.files) and return whether it succeeded."""
    qtbot.waitUntil(future.done, timeout=timeout)
    return future.result()
