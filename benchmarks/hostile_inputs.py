"""Every failure class of issue 18, built and run: the evidence table of its closing note.

    python3 benchmarks/hostile_inputs.py [--only WORD] [--with-10m-run]

Each case builds its input in a temporary folder, runs the command in a child process and prints
one row: the input, the command, the child's last line (a refusal, a dialog's text, or what
opened), its exit code, its peak RSS (from wait4) and, for the window, the longest time the event
loop did not answer while opening the file and drawing its first frames (a 10 ms heartbeat).
Window cases open the file through the window's File actions as a person does; the dataset dialog is
accepted as proposed and an error dialog is read, not clicked. `--with-10m-run` also trains the
lab for 10,000,000 epochs headlessly (~10 minutes) and reports its history's memory.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLOTHES = ROOT / "samples" / "clothes_size.csv"
TIMEOUT_SECONDS = 180.0
SETTLE_SECONDS = 2.0      # the window draws its first frames after a file opened
MB = 1024 ** 2
PEAK_STARTER = """
import os, resource, signal, subprocess, sys
code = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)  # end as the command ended: by its signal
sys.exit(code)
"""


# --- children ------------------------------------------------------------------------------------

def run_child(argv: list[str], seconds: float = TIMEOUT_SECONDS) -> tuple[str, str, float, str]:
    """(last stderr/stdout line, exit code, peak RSS in MB, stdout) of `argv`, killed after `seconds`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak_file:
        # a small starter process runs the command and writes its peak RSS: a child forked from this
        # (large) builder would count the builder's pages in its own peak
        process = subprocess.Popen([sys.executable, "-c", PEAK_STARTER, peak_file.name, *argv], stdout=out,
                                   stderr=err, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the starter and the command
            process.wait()
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
        peak_kb = float(peak_file.read().strip() or 0)
    code = process.returncode
    exit_text = f"killed after {seconds:.0f} s" if code == -9 else (f"signal {-code}" if code < 0 else str(code))
    lines = (stderr.strip() or stdout.strip()).splitlines()
    return (lines[-1] if lines else ""), exit_text, peak_kb / 1024, stdout


def fcviz(*args) -> list[str]:
    return [sys.executable, "-m", "fcviz", *map(str, args)]


def window_child(path: str) -> None:
    """Open `path` in a window of the clothes lab; print {"result", "gap", "opened"} as JSON."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from fcviz.gui import dataset_dialog
    from fcviz.gui.app import application
    from fcviz.gui.main_window import MainWindow
    from fcviz.io.samples import open_preset

    app = application()
    window = MainWindow(open_preset("clothes"), settings=None)
    window.show()
    errors: list[str] = []
    sys.excepthook = lambda kind, value, tb: errors.append(f"{kind.__name__}: {value}")

    def accept_as_proposed(dialog) -> int:
        while dialog.loading():  # a big table's columns load in a pool thread while the dialog answers
            app.processEvents()
            time.sleep(0.002)
        if dialog.error.text():
            errors.append(f"dataset dialog: {dialog.error.text()}")
        dialog.accept()
        return dialog.result()
    dataset_dialog.DatasetDialog.exec = accept_as_proposed

    def pump(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)
    pump(1.0)
    ticks = [(time.perf_counter(), time.thread_time())]  # the GUI thread's clock and CPU time at each beat
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    if path.endswith(".fcviz"):
        window.files.open_session(path)
    else:
        window.files.open_dataset_dialog(path)  # File > Open of a table: read with progress, then the dialog
    opened = time.perf_counter() - ticks[0][0]
    pump(SETTLE_SECONDS)
    ticks.append((time.perf_counter(), time.thread_time()))
    boxes = [w.text() for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    result = ("; ".join(f"dialog: {text}" for text in boxes) or "; ".join(errors)
              or f"opened: {window.statusBar().currentMessage()}")
    # the longest pause, and how much of it the GUI thread computed (the rest: waiting for a busy CPU)
    gap, cpu = max((b - a, b_cpu - a_cpu) for (a, a_cpu), (b, b_cpu) in zip(ticks, ticks[1:]))
    print(json.dumps({"result": result.replace("\n", " "), "gap": gap, "gap_cpu": cpu, "opened": opened}),
          flush=True)
    window.close()


def run_window(path: Path) -> tuple[str, str, float, str]:
    line, code, peak, stdout = run_child([sys.executable, __file__, "--window", str(path)])
    try:
        answer = json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return line, code, peak, "-"
    return answer["result"], code, peak, (f"{answer['gap']:.2f} s, {answer['gap_cpu']:.2f} s of it GUI CPU "
                                          f"(open {answer['opened']:.2f} s)")


# --- inputs ---------------------------------------------------------------------------------------

def clothes_session(folder: Path, edit=None, arrays_member: bytes | None = None) -> Path:
    """The clothes lab saved as a session; `edit(document)` changes session.json in place."""
    from fcviz.io.samples import open_preset
    from fcviz.io.session import save_session
    base = folder / "base.fcviz"
    if not base.exists():
        save_session(base, open_preset("clothes"))
    with zipfile.ZipFile(base) as archive:
        document = json.loads(archive.read("session.json"))
        arrays = archive.read("arrays.npz")
    if edit is not None:
        edit(document)
    path = folder / f"s{len(list(folder.glob('s*.fcviz')))}.fcviz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("session.json", json.dumps(document))
        archive.writestr("arrays.npz", arrays if arrays_member is None else arrays_member)
    return path


def setting(section: str, key: str, value, sub: str | None = None):
    def edit(document: dict) -> None:
        (document[section][sub] if sub else document[section])[key] = value
    return edit


def npz_with_long_history(entries: int) -> bytes:
    """The clothes lab's arrays with a loss history of `entries` epochs, written in chunks."""
    import numpy as np

    from fcviz.io.samples import open_preset
    from fcviz.io.session import save_session
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "b.fcviz"
        save_session(base, open_preset("clothes"))
        with zipfile.ZipFile(base) as archive:
            original = zipfile.ZipFile(io.BytesIO(archive.read("arrays.npz")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as npz:
        for name in original.namelist():
            if name != "history.loss.npy":
                npz.writestr(name, original.read(name))
        with npz.open("history.loss.npy", "w", force_zip64=True) as member:
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                          "shape": (entries,)})
            member.write(header.getvalue())
            chunk = np.full(1_000_000, 0.5).tobytes()
            for _ in range(entries // 1_000_000):
                member.write(chunk)
    return out.getvalue()


def zip_bomb_member(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as npz:
        with npz.open("net.params.npy", "w", force_zip64=True) as member:
            zeros = bytes(MB)
            for _ in range(size // MB):
                member.write(zeros)
    return out.getvalue()


def xlsx(folder: Path, name: str, rows: int = 3, last_cell: bool = False, columns: int = 2) -> Path:
    """A workbook of `rows` x `columns` numbers (sheet XML written directly: millions of cells in seconds)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    path = folder / name
    if last_cell:
        book = Workbook()
        sheet = book.active
        sheet.append(["x", "y"])
        for k in range(rows):
            sheet.append([k, k % 2])
        sheet["XFD1048576"] = 1
        book.save(path)
        return path
    book = Workbook()
    book.active.append(["x"])
    template = io.BytesIO()
    book.save(template)
    letters = [get_column_letter(c + 1) for c in range(columns)]
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{letter}{r}"><v>{r % 7}</v></c>' for letter in letters)
                   + "</row>" for r in range(1, rows + 1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>')
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.namelist():
            data = sheet.encode() if item == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return path


def text(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def many_classes(folder: Path, classes: int, rows: int = 5000) -> Path:
    lines = ["a,b,label"] + [f"{k % 13},{k % 7},kind{k % classes}" for k in range(rows)]
    return text(folder, f"classes{classes}.csv", "\n".join(lines) + "\n")


def wide_session(folder: Path, hidden: str) -> Path:
    path = folder / f"wide{hidden.replace(',', '_')}.fcviz"
    line, code, _, _ = run_child(fcviz("train", CLOTHES, "--hidden", hidden, "--epochs", 1, "--quiet", "--save", path))
    assert code == "0", line
    return path


def size(path: Path) -> str:
    count = path.stat().st_size if path.exists() and stat.S_ISREG(path.stat().st_mode) else 0
    return f"{count / MB:.1f} MB" if count >= MB else (f"{count / 1024:.1f} KB" if count >= 1024 else f"{count} B")


# --- the cases ------------------------------------------------------------------------------------

def cases(folder: Path):
    """(failure class, input description, how to run it) for every failure the issue lists."""
    last_cell = xlsx(folder, "last_cell.xlsx", last_cell=True)
    yield "crash", f"{last_cell.name} ({size(last_cell)}, one cell at XFD1048576)", ("cli", "train", last_cell,
                                                                                  "--epochs", 1, "--quiet")
    yield "crash", f"{last_cell.name} in the window", ("window", last_cell)
    shot = folder / "shot.png"
    yield "crash", "screenshot 100000x100000", ("cli", "screenshot", "--preset", "clothes", "--out", shot,
                                                "--size", "100000x100000")
    yield "crash", "screenshot 99999999999x1", ("cli", "screenshot", "--preset", "clothes", "--out", shot,
                                                "--size", "99999999999x1")

    big = text(folder, "big.csv", "x,y\n1e308,1\n0,0\n-1e308,1\n1,0\n")
    yield "valid numbers", f"{big.name} ({size(big)}, 1e308 values)", ("window", big)
    yield "valid numbers", f"{big.name} ({size(big)}, 1e308 values)", ("cli", "train", big, "--epochs", 5, "--quiet")
    for label, edit in [("epochs 1e30", setting("experiment", "epochs", 1e30)),
                        ("display_every 1e30", setting("experiment", "display_every", 1e30)),
                        ("batch_size 1e308", setting("trainer", "batch_size", 1e308)),
                        ("max_redraw_hz inf", setting("experiment", "max_redraw_hz", float("inf"), "ui_state")),
                        ("epochs a 4000-digit int", setting("experiment", "epochs", 10 ** 4000)),
                        ("transforms a string", setting("dataset", "transforms", "x", "meta")),
                        ("window_layout named 布局", setting("experiment", "window_layout", "布局", "ui_state"))]:
        path = clothes_session(folder, edit)
        yield "valid numbers", f"session, {label} ({size(path)})", ("window", path)

    bomb = clothes_session(folder, arrays_member=zip_bomb_member(600 * MB))
    yield "memory bomb", f"session {size(bomb)} expanding to 600 MB", ("cli", "train", bomb, "--epochs", 1,
                                                                         "--quiet")
    yield "memory bomb", f"session {size(bomb)} expanding to 600 MB", ("window", bomb)
    long_history = clothes_session(folder, arrays_member=npz_with_long_history(100_000_000))
    yield "memory bomb", f"session {size(long_history)}, a 100M-epoch history", ("cli", "train", long_history,
                                                                                  "--epochs", 1, "--quiet")
    base_features = clothes_session(folder, setting("dataset", "base_features", 10 ** 8, "meta"))
    yield "memory bomb", f"session, base_features 1e8 ({size(base_features)})", ("window", base_features)
    cells = xlsx(folder, "cells.xlsx", rows=500_000, columns=5)
    yield "memory bomb", f"{cells.name} ({size(cells)}, 2.5M cells)", ("cli", "train", cells, "--epochs", 1,
                                                                        "--quiet")
    weights = text(folder, "w100.json", b'{"format": "fcviz-weights", "version": 1, "input_dim": 1, "layers": ['
                   + b'{"units": 1, "kernel": [[0.5]]}, ' * 3_300_000 + b'{"units": 1, "kernel": [[0.5]]}]}')
    yield "memory bomb", f"{weights.name} ({size(weights)} weights JSON)", ("cli", "train", CLOTHES, "--weights-in",
                                                                            weights, "--epochs", 1, "--quiet")

    sniffer = text(folder, "one_line.csv", ',"a' * 350_000)
    yield "freeze", f"{sniffer.name} ({size(sniffer)}, one line)", ("cli", "train", sniffer, "--epochs", 1,
                                                                    "--quiet")
    yield "freeze", f"{sniffer.name} ({size(sniffer)}, one line)", ("window", sniffer)
    wide_table = text(folder, "cols100k.csv", ",".join(f"c{k}" for k in range(100_000)) + "\n"
                      + ",".join("1" for _ in range(100_000)) + "\n")
    yield "freeze", f"{wide_table.name} ({size(wide_table)}, 100k columns)", ("cli", "train", wide_table,
                                                                               "--epochs", 1, "--quiet")
    yield "freeze", f"{wide_table.name} ({size(wide_table)}, 100k columns)", ("window", wide_table)
    thousand = many_classes(folder, 1000)
    yield "freeze", f"{thousand.name} ({size(thousand)}, 1000 text classes)", ("window", thousand)
    yield "freeze", f"{thousand.name} ({size(thousand)}, 1000 text classes)", ("cli", "train", thousand, "--epochs",
                                                                                5, "--quiet")
    fitting = many_classes(folder, 1000, rows=1999)
    fitting = fitting.rename(folder / "classes1000_fits.csv")
    yield "freeze", f"{fitting.name} ({size(fitting)}, 1000 text classes x 1999 rows: within the limits)", \
        ("window", fitting)
    hundred_k = many_classes(folder, 100_000, rows=100_000)
    yield "freeze", f"{hundred_k.name} ({size(hundred_k)}, 100k class names)", ("window", hundred_k)
    yield "freeze", "1-30000-1 network", ("cli", "train", CLOTHES, "--hidden", 30000, "--epochs", 1, "--quiet")
    for hidden in ("1000", "4096", "4096,2000"):
        wide = wide_session(folder, hidden)
        shape = f"1-{hidden.replace(',', '-')}-1"
        yield "freeze", f"{wide.name} ({shape} network; layers of at most 4096, 10M parameters)", ("window", wide)
    fifo_session, fifo_weights = folder / "x.fcviz", folder / "w.json"
    os.mkfifo(fifo_session), os.mkfifo(fifo_weights)
    yield "freeze", "FIFO x.fcviz", ("cli", "train", fifo_session, "--epochs", 1, "--quiet")
    yield "freeze", "FIFO x.fcviz", ("window", fifo_session)
    yield "freeze", "FIFO w.json", ("cli", "train", CLOTHES, "--weights-in", fifo_weights, "--epochs", 1, "--quiet")

    deep = text(folder, "deep.json", b"[" * 100_000 + b"]" * 100_000)
    yield "recursion", f"{deep.name} (nested 100k deep)", ("cli", "train", CLOTHES, "--weights-in", deep, "--epochs",
                                                            1, "--quiet")
    yield "recursion", f"{deep.name} (nested 100k deep)", ("cli", "export", deep, "--to", "numpy", "-o",
                                                            folder / "deep.npz")
    yield from data_safety(folder)

    yield "cli", "--hidden 1000000,1000000", ("cli", "train", CLOTHES, "--hidden", "1000000,1000000", "--epochs", 1)
    yield "cli", "summary of a 4096-4096-4096-4096 net", ("cli", "summary", "--inputs", 4096, "--hidden",
                                                           "4096,4096", "--outputs", 4096)
    yield "cli", "--epochs 1e4000", ("cli", "train", CLOTHES, "--epochs", "1" + "0" * 4000)
    yield "history", "10M epochs recorded by the lab's history", ("history",)


def data_safety(folder: Path):
    device = folder / "null"
    device.symlink_to("/dev/null")  # a regression replaces the link, never /dev/null itself
    for flag in ("--save", "--weights-out", "--history-out"):
        yield "data safety", f"{flag} onto a character device", ("cli", "train", CLOTHES, "--epochs", 1, "--quiet",
                                                                 flag, device)
    lab = folder / "lab.fcviz"
    run_child(fcviz("train", CLOTHES, "--epochs", 1, "--quiet", "--save", lab))
    yield "data safety", "export -o onto a character device", ("cli", "export", lab, "--to", "numpy", "-o", device)
    table = folder / "data.csv"
    table.write_bytes(CLOTHES.read_bytes())
    yield "data safety", "--save data.csv, the input table", ("cli", "train", table, "--epochs", 1, "--quiet",
                                                              "--save", table)
    locked = folder / "locked.json"
    locked.write_text("{}")
    locked.chmod(0o444)
    yield "data safety", "--weights-out onto a 0444 file", ("cli", "train", CLOTHES, "--epochs", 1, "--quiet",
                                                            "--weights-out", locked)
    stale = folder / ".out.fcviz.0123456789ab.tmp"
    stale.write_bytes(b"x" * 1000)
    os.utime(stale, (time.time() - 7200,) * 2)
    yield "data safety", "a stale .out.fcviz.<hex>.tmp of a killed save", ("cli", "train", CLOTHES, "--epochs", 1,
                                                                           "--quiet", "--save", folder / "out.fcviz")
    yield "data safety", "--history-out onto an existing file on a full disk", ("full-disk",)


# --- running them ---------------------------------------------------------------------------------

def after_effects(folder: Path, how: tuple) -> str:
    """What a data-safety case left behind."""
    notes = []
    if folder / "null" in how:
        notes.append("/dev/null still a device" if stat.S_ISCHR(os.stat(folder / "null").st_mode)
                     else "DEVICE REPLACED")
    if "--save" in how and folder / "data.csv" in how:
        notes.append("input unchanged" if (folder / "data.csv").read_bytes() == CLOTHES.read_bytes()
                     else "INPUT OVERWRITTEN")
    if folder / "locked.json" in how:
        notes.append("0444 file unchanged" if (folder / "locked.json").read_text() == "{}" else "0444 FILE REPLACED")
    if folder / "out.fcviz" in how:
        notes.append("stale temp file removed" if not (folder / ".out.fcviz.0123456789ab.tmp").exists()
                     else "STALE TEMP FILE LEFT")
    return f" [{'; '.join(notes)}]" if notes else ""


def full_disk_case(folder: Path) -> tuple[str, str, float, str]:
    """--history-out onto an existing file of a 64 KB tmpfs (needs root): the old file must survive."""
    disk = folder / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True).returncode:
        return "not built: mounting a small tmpfs needs root", "-", 0.0, "-"
    try:
        old = disk / "history.csv"
        old.write_text("epoch,loss\n1,0.5\n")
        (disk / "filler").write_bytes(b"\0" * (64 * 1024 - 8192))
        line, code, peak, _ = run_child(fcviz("train", CLOTHES, "--epochs", 3000, "--quiet", "--history-out", old))
        kept = old.read_text() == "epoch,loss\n1,0.5\n"
        return line + (" [old history.csv intact]" if kept else " [OLD FILE TRUNCATED]"), code, peak, "-"
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def history_case(ten_million_run: bool) -> tuple[str, str, float, str]:
    code = ("import resource, numpy as np\n"
            "from fcviz.io.samples import open_preset\n"
            "history = open_preset('clothes').trainer.history\n"
            "for k in range(100):\n"
            "    history.loss.extend(np.full(100_000, 0.5 + k))\n"
            "print(f'{len(history.loss):,} epochs recorded, {history.loss.nbytes / 2**20:.1f} MB kept, '\n"
            "      f'exact: the last {history.loss.exact:,}')\n")
    line, exit_code, peak, _ = run_child([sys.executable, "-c", code])
    if ten_million_run:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "h.csv"
            real, exit_code, peak, _ = run_child(fcviz("train", CLOTHES, "--epochs", 10_000_000, "--quiet",
                                                       "--history-out", out), seconds=3600)
            rows = sum(1 for _ in out.open()) - 1 if out.exists() else 0
            line += f"; fcviz train --epochs 10000000: {real} ({rows:,} history rows written)"
    return line, exit_code, peak, "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the cases whose class or input contains this")
    parser.add_argument("--with-10m-run", action="store_true", help="also train the lab for 10M epochs")
    parser.add_argument("--window", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.window:
        return window_child(args.window)
    print("| failure class | input | command | result | exit | peak RSS | window answers within |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for failure, description, how in cases(folder):
            if args.only and args.only not in failure and args.only not in description:
                continue
            if how[0] == "cli":
                command = "fcviz " + " ".join(str(a).replace(str(folder) + "/", "").replace(
                    str(CLOTHES.parent) + "/", "")[:40] for a in how[1:])
                line, code, peak, _ = run_child(fcviz(*how[1:]))
                answer = "-"
                line += after_effects(folder, how)
            elif how[0] == "window":
                command = f"fcviz {Path(how[1]).name} (window)"
                line, code, peak, answer = run_window(Path(how[1]))
            elif how[0] == "full-disk":
                command = "fcviz train clothes_size.csv --epochs 3000 --history-out disk/history.csv"
                line, code, peak, answer = full_disk_case(folder)
            else:
                command = "LossSeries.extend x100 of 100k epochs" + (" + fcviz train --epochs 10000000"
                                                                     if args.with_10m_run else "")
                line, code, peak, answer = history_case(args.with_10m_run)
            line = line.replace("|", "/").replace(str(folder) + "/", "")
            command = command.replace(str(CLOTHES.parent) + "/", "")
            print(f"| {failure} | {description} | `{command}` | {line[:300]} | {code} | {peak:.0f} MB | {answer} |",
                  flush=True)


if __name__ == "__main__":
    main()
