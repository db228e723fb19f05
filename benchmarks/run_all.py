"""`make bench`: every benchmark script in this folder, one after another."""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent

for script in sorted(HERE.glob("*.py")):
    if script.name == pathlib.Path(__file__).name:
        continue
    print(f"\n== {script.stem} ==", flush=True)
    subprocess.run([sys.executable, str(script)], check=False)
