"""fcviz as a desktop application: a freedesktop menu entry, its icon and the .fcviz file type.

`fcviz --install-desktop` writes them under the user's data folder ($XDG_DATA_HOME, else
~/.local/share), so fcviz appears among the applications and a double-click on a .fcviz file
opens the session; `fcviz --uninstall-desktop` removes exactly those files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fcviz.io.samples import resources_dir

APP_ID = "fcviz"  # desktop file name, icon name and WM_CLASS (fcviz.gui.app sets the same)
MIME_TYPE = "application/x-fcviz-session"
ICON = "icons/fcviz.svg"  # inside the shipped resources
TOOL_SECONDS = 30  # update-desktop-database / update-mime-database finish in well under this


def data_home(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def installed_files(home: Path) -> dict[str, Path]:
    """What --install-desktop writes, by kind."""
    return {
        "entry": home / "applications" / f"{APP_ID}.desktop",
        "icon": home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        "file icon": home / "icons" / "hicolor" / "scalable" / "mimetypes" / f"{MIME_TYPE.replace('/', '-')}.svg",
        "file type": home / "mime" / "packages" / f"{APP_ID}.xml",
    }


def _exec_argument(text: str) -> str:
    """`text` quoted for a desktop entry's Exec key (spec: reserved characters inside double quotes)."""
    if text and not any(c in text for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return text
    quoted = "".join("\\" + c if c in '"`$\\' else c for c in text)
    return '"' + quoted.replace("\\", "\\\\") + '"'  # the value itself escapes backslashes again


def desktop_entry(python: str) -> str:
    command = " ".join(_exec_argument(part) for part in (python, "-m", "fcviz"))
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=fcviz",
        "GenericName=Neural network lab",
        "GenericName[zh_CN]=神经网络实验室",
        "Comment=Watch fully-connected neural networks learn",
        "Comment[zh_CN]=观察全连接神经网络的学习过程",
        f"Exec={command} %f",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;ArtificialIntelligence;",
        "Keywords=neural network;machine learning;backpropagation;gradient descent;",
        f"MimeType={MIME_TYPE};",
        f"StartupWMClass={APP_ID}",
        "",
    ])


def mime_package() -> str:
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">',
        f'  <mime-type type="{MIME_TYPE}">',
        "    <comment>fcviz session</comment>",
        '    <comment xml:lang="zh_CN">fcviz 会话</comment>',
        '    <sub-class-of type="application/zip"/>',
        f'    <icon name="{MIME_TYPE.replace("/", "-")}"/>',
        '    <glob pattern="*.fcviz"/>',
        "  </mime-type>",
        "</mime-info>",
        "",
    ])


def install_desktop(home: Path | None = None, python: str | None = None) -> list[Path]:
    """Write the entry, icons and file type under `home` (the data home); returns the files written."""
    files = installed_files(data_home() if home is None else home)
    icon = (resources_dir() / ICON).read_bytes()
    contents = {"entry": desktop_entry(python or sys.executable).encode(), "icon": icon, "file icon": icon,
                "file type": mime_package().encode()}
    for kind, path in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(contents[kind])
    _refresh_caches(files)
    return list(files.values())


def uninstall_desktop(home: Path | None = None) -> list[Path]:
    """Remove what install_desktop wrote; returns the files that were there."""
    files = installed_files(data_home() if home is None else home)
    removed = [path for path in files.values() if path.is_file()]
    for path in removed:
        path.unlink()
    _refresh_caches(files)
    return removed


def _refresh_caches(files: dict[str, Path]) -> None:
    """The desktop's caches of entries and file types, when their tools are installed."""
    for tool, folder in (("update-desktop-database", files["entry"].parent),
                         ("update-mime-database", files["file type"].parents[1])):
        if shutil.which(tool) and folder.is_dir():
            subprocess.run([tool, str(folder)], check=False, timeout=TOOL_SECONDS,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
