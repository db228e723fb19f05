"""`make bench`: every benchmark script in this folder, one after another (the long soak has `make soak`)."""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
SEPARATE = {pathlib.Path(__file__).name, "soak.py"}

for script in sorted(HERE.glob("*.py")):
    if script.name in SEPARATE:
        continue
    print(f"\n== {script.stem} ==", flush=True)
    subprocess.run([sys.executable, str(script)], check=False)
