"""README's examples work as printed: its Python blocks and its command-line example, from a fresh directory."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
EXPECTED = re.compile(r"#\s*→\s*(.+)$", re.MULTILINE)  # `print(x)  # → what it prints`


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.MULTILINE | re.DOTALL)


def test_every_python_block_runs_and_prints_what_its_comments_say(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert blocks("python")
    for block in blocks("python"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
        printed = [line.strip() for line in out.getvalue().splitlines()]
        for expected in EXPECTED.findall(block):
            assert any(expected.strip() in line for line in printed), (expected, printed)
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_example_prints_its_last_line_and_leaves_the_checkout_alone(tmp_path):
    example = next(block for block in blocks("sh") if "fcviz train" in block)
    expected = example.strip().splitlines()[-1].removeprefix("# ")
    shim = f'fcviz() {{ "{sys.executable}" -m fcviz "$@"; }}\n'
    before = sorted(path.name for path in REPO.iterdir())
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    result = subprocess.run(["bash", "-euc", shim + example], capture_output=True, text=True, cwd=REPO, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
    assert sorted(path.name for path in REPO.iterdir()) == before
    assert [path.name for path in next(tmp_path.iterdir()).iterdir()] == ["lab-weights.json"]


def test_make_docs_draws_every_picture_the_readme_shows_and_docs_holds_no_other():
    sys.path.insert(0, str(REPO / "scripts"))
    import make_docs

    shown = make_docs.shown_in_readme()
    assert "window.png" in shown and "clothes_zh_CN.png" in shown
    assert set(shown) <= set(make_docs.recipes())
    assert sorted(path.name for path in (REPO / "docs").glob("*.png")) == shown
