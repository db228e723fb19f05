"""`make bench`: issue 14's engine table first (quiet and with a busy process per core), then cold start
and the window's frame rate, then every other benchmark script in this folder; each with its wall time.
The long soak has `make soak`."""

import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
FIRST = [("engine_speed.py", "--hog"), ("startup.py", "--rounds", "1"), ("window_speed.py", "--hog")]
SEPARATE = {pathlib.Path(__file__).name, "soak.py", "cpu_hogs.py"}   # cpu_hogs is a helper, not a benchmark


def run(script: str, *options: str) -> None:
    load = os.getloadavg()[0]
    print(f"\n== {pathlib.Path(script).stem} {' '.join(options)} (load average {load:.2f}) ==", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / script), *options], check=False)
    print(f"({pathlib.Path(script).stem}: {time.perf_counter() - started:.0f} s)", flush=True)


started = time.perf_counter()
for script, *options in FIRST:
    run(script, *options)
for path in sorted(HERE.glob("*.py")):
    if path.name not in SEPARATE and path.name not in {script for script, *_ in FIRST}:
        run(path.name)
print(f"\nmake bench: {time.perf_counter() - started:.0f} s in all", flush=True)
