"""The first five minutes: --help, the window form's checks, samples by name, desktop integration."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fcviz import cli, desktop
from fcviz.cli import SUBCOMMANDS, main
from fcviz.display import display_problem
from fcviz.io.samples import samples

REPO = Path(__file__).resolve().parents[2]
SAMPLE_NAMES = ("circles", "clothes_size", "digits", "iris", "linear_regression", "plane_regression", "spiral", "xor")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def fcviz_process(*argv, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "fcviz", *argv], capture_output=True, text=True, timeout=120,
                          env=env, cwd=cwd)


def without_display(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    return {**env, **extra}


def test_help_shows_every_form(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "fcviz [PATH] [--preset NAME] [--lang {en,zh_CN}]" in out
    for form in [*SUBCOMMANDS, "--install-desktop", "--uninstall-desktop"]:
        assert f"fcviz {form}" in out or f"({form})" in out, form


def test_the_window_form_refuses_an_unknown_preset_before_any_window(capsys, monkeypatch):
    monkeypatch.setattr(cli, "display_problem", lambda: pytest.fail("checked the display"), raising=False)
    code, out, err = run(capsys, "--preset", "nope")
    assert code == 2 and out == ""
    assert err.startswith("fcviz: error: unknown preset 'nope'") and len(err.splitlines()) == 1


def test_the_window_form_refuses_a_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "gone.csv")
    assert code == 2 and "gone.csv: no such file or sample" in err and len(err.splitlines()) == 1


def test_no_display_is_one_line_and_exit_2_not_an_abort(tmp_path):
    result = fcviz_process(env=without_display(), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("fcviz: error: cannot open the window: there is no display")
    assert len(result.stderr.splitlines()) == 1 and "fcviz screenshot" in result.stderr
    assert list(tmp_path.iterdir()) == []


def listening_x_socket() -> tuple[socket.socket, int]:
    """A socket where an X server on some unused display :N would listen (abstract namespace), and N."""
    for number in range(900 + os.getpid() % 50, 1000):  # parallel test runs share the namespace
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(f"\0/tmp/.X11-unix/X{number}")
        except OSError:
            server.close()
            continue
        server.listen(1)
        return server, number
    raise RuntimeError("no free display number")


def test_an_x_display_is_usable_only_while_something_answers_there():
    server, number = listening_x_socket()
    with server:
        assert display_problem({"DISPLAY": f":{number}.0"}) is None
    problem = display_problem({"DISPLAY": f":{number}"})
    assert problem.startswith(f"cannot open the window: no X server answers on DISPLAY=:{number};")


def test_wayland_or_an_offscreen_platform_are_left_to_qt():
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}) is not None


def test_samples_lists_every_shipped_table_with_its_path(capsys):
    code, out, _ = run(capsys, "samples")
    rows = [line.split(maxsplit=1) for line in out.splitlines()]
    assert code == 0 and tuple(name for name, _ in rows) == SAMPLE_NAMES
    assert all(Path(path).is_file() and Path(path).stem == name for name, path in rows)


@pytest.mark.parametrize("name", ["clothes_size", "sample:clothes_size", "sample:clothes_size.csv"])
def test_a_sample_name_trains_from_any_directory(capsys, monkeypatch, tmp_path, name):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "train", name, "--epochs", 3, "--quiet")
    assert code == 0
    assert out == "epoch 3 loss 0.796185 accuracy 0.3333\n"  # the table defaults (fcviz.core.tasks)
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_current_directory_wins_over_a_sample_and_unknown_samples_are_one_line(capsys, monkeypatch,
                                                                                             tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "iris").write_text("a,b\n1,0\n2,1\n")
    code, _, err = run(capsys, "train", "iris", "--epochs", 1, "--quiet")
    assert code == 2 and err.startswith('fcviz: error: iris: unsupported file type ""')  # the local file, read
    code, _, err = run(capsys, "train", "sample:nope")
    assert code == 2 and err == "fcviz: error: no sample named 'nope' (see 'fcviz samples')\n"


def test_install_desktop_writes_a_valid_entry_icons_and_file_type_and_uninstall_removes_them(capsys, monkeypatch,
                                                                                            tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    code, out, _ = run(capsys, "--install-desktop")
    written = [Path(line.removeprefix("wrote ")) for line in out.splitlines()]
    assert code == 0 and len(written) == 4 and all(path.is_file() for path in written)
    entry = (tmp_path / "applications" / "fcviz.desktop").read_text()
    assert f"Exec={sys.executable} -m fcviz %f" in entry.splitlines()
    assert "MimeType=application/x-fcviz-session;" in entry and "StartupWMClass=fcviz" in entry
    assert '<glob pattern="*.fcviz"/>' in (tmp_path / "mime" / "packages" / "fcviz.xml").read_text()
    assert (tmp_path / "icons/hicolor/scalable/apps/fcviz.svg").read_bytes().startswith(b"<svg")
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(tmp_path / "applications" / "fcviz.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0 and check.stdout == "", check.stdout
    if shutil.which("update-mime-database"):
        assert "application/x-fcviz-session:*.fcviz" in (tmp_path / "mime" / "globs2").read_text()
    code, out, _ = run(capsys, "--uninstall-desktop")
    assert code == 0 and [Path(line.removeprefix("removed ")) for line in out.splitlines()] == written
    assert not any(path.exists() for path in written)


def test_exec_paths_with_spaces_are_quoted_as_the_desktop_entry_spec_says():
    entry = desktop.desktop_entry('/opt/my envs/py"3/bin/python')
    assert 'Exec="/opt/my envs/py\\\\"3/bin/python" -m fcviz %f' in entry.splitlines()


def test_the_application_has_fcviz_names_its_icon_and_one_autosave_folder(tmp_path):
    code = ("from fcviz.gui.app import application\n"
            "from fcviz.gui.autosave import autosave_directory\n"
            "app = application()\n"
            "print(app.applicationName(), app.desktopFileName(), app.arguments()[0], app.windowIcon().isNull())\n"
            "print(autosave_directory())\n")
    env = without_display(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    names, folder = result.stdout.splitlines()
    assert names == "fcviz fcviz fcviz False"
    assert Path(folder) == tmp_path / "fcviz" / "autosave"


def test_a_screenshot_prints_nothing_on_stderr(tmp_path):
    result = fcviz_process("screenshot", "--preset", "iris", "--out", tmp_path / "iris.png",
                           env=without_display(QT_QPA_PLATFORM="offscreen"), cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert (tmp_path / "iris.png").stat().st_size > 10_000


def test_samples_helper_matches_the_folder():
    assert tuple(samples()) == SAMPLE_NAMES
