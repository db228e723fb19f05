"""scripts/class_sizes.py: it measures classes as the issue does and fails above 400 lines or 30 methods."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "class_sizes.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def write_class(package: Path, methods: int, body_lines: int = 1) -> None:
    package.mkdir(exist_ok=True)
    lines = ["class Big:", "    @property"]
    for index in range(methods):
        lines.append(f"    def m{index}(self):")
        lines += ["        x = 1"] * (body_lines - 1) + ["        return x" if body_lines > 1 else "        return 0"]
    (package / "big.py").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_fcviz_has_no_class_above_the_limits():
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["lines", "methods", "class"]


def test_thirty_one_methods_fail_and_thirty_pass(tmp_path):
    write_class(tmp_path / "pkg", 31)
    result = run("--root", str(tmp_path / "pkg"))
    assert result.returncode == 1 and "class Big has 64 lines and 31 methods" in result.stderr
    write_class(tmp_path / "pkg", 30)
    assert run("--root", str(tmp_path / "pkg")).returncode == 0


def test_lines_count_from_the_decorator_to_the_last_line(tmp_path):
    write_class(tmp_path / "pkg", 10, body_lines=39)   # 2 + 10 * 40 = 402 lines
    result = run("--root", str(tmp_path / "pkg"))
    assert result.returncode == 1 and "class Big has 402 lines and 10 methods" in result.stderr
