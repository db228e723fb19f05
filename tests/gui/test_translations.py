"""The Chinese UI: every string of the GUI is translated, the .qm is current, zh_CN switches the window."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTranslator
from PySide6.QtGui import QAction

from fcviz.cli import build_gui_parser, main
from fcviz.core.presets import build_preset
from fcviz.gui.language import LANGUAGE_KEY, set_language, translations_dir
from fcviz.gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = ROOT / "resources" / "translations" / "fcviz_zh_CN.ts"
CLASSIC_PANELS = {"scatter": "散点输入", "parameters": "参数初始化", "backprop": "反向传播",
                  "display_frequency": "显示频率设置", "training": "梯度下降显示"}


def messages(ts_file: Path) -> dict[tuple[str, str, str], ET.Element]:
    """(context, source, comment) -> the <translation> element."""
    root = ET.parse(ts_file).getroot()
    return {(context.findtext("name"), message.findtext("source"), message.findtext("comment") or ""):
            message.find("translation")
            for context in root.iter("context") for message in context.iter("message")}


def finished(translation: ET.Element | None) -> bool:
    return translation is not None and translation.get("type") is None and bool(translation.text)


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}", text))


@pytest.fixture
def chinese():
    set_language("zh_CN")
    yield
    set_language("en")


def test_every_ui_string_has_a_finished_translation(tmp_path):
    scan = tmp_path / "scan.ts"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "update_translations.py"), "--scan", str(scan)],
                   check=True)
    current, committed = messages(scan), messages(TS_FILE)
    assert len(current) > 300  # the scan saw the GUI, the presets and the lessons
    untranslated = [key for key in current if not finished(committed.get(key))]
    assert not untranslated, f"{len(untranslated)} strings lack a translation (make translations): {untranslated[:5]}"
    wrong = [key for key in current if placeholders(key[1]) != placeholders(committed[key].text)]
    assert not wrong, f"translations whose {{placeholders}} differ from the source: {wrong[:5]}"


def test_the_compiled_qm_holds_every_translation_of_the_ts():
    translator = QTranslator()
    assert translator.load(str(TS_FILE.with_suffix(".qm")))
    stale = [(context, source) for (context, source, comment), translation in messages(TS_FILE).items()
             if finished(translation)
             and translator.translate(context, source, comment or None) != translation.text]
    assert not stale, f"run 'make translations' to compile the .ts: {stale[:5]}"


def test_translations_are_found_in_this_installation():
    assert (translations_dir() / "fcviz_zh_CN.qm").is_file()


def test_zh_CN_translates_the_menus_and_the_classic_panel_names(qtbot, chinese, open_window):
    window = open_window()
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[:2] == ["文件(&F)", "编辑(&E)"]
    assert all(re.search(r"[\u4e00-\u9fff]", title) for title in titles), titles
    assert {key: window.docks[key].windowTitle() for key in CLASSIC_PANELS} == CLASSIC_PANELS
    assert window.toolbar.play_action.text() == "开始"
    assert "衣服尺码" in window.lessons.heading.text()


def test_english_is_back_after_switching(qtbot, open_window):
    set_language("zh_CN")
    assert set_language("en") == "en"
    assert open_window().menuBar().actions()[0].text() == "&File"


def test_language_menu_saves_the_choice_for_the_next_start(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "fcviz.ini"), QSettings.Format.IniFormat)
    window = MainWindow(build_preset("clothes"), settings=settings)
    qtbot.addWidget(window)
    try:
        chinese = next(action for action in window.findChildren(QAction) if action.data() == "zh_CN")
        chinese.trigger()
        assert settings.value(LANGUAGE_KEY) == "zh_CN"
        assert chinese.isChecked()
        assert window.statusBar().currentMessage() == "The language changes when fcviz starts again."
    finally:
        window.close()


def test_lang_option_accepts_only_shipped_languages(capsys):
    assert build_gui_parser().parse_args(["--lang", "zh_CN"]).lang == "zh_CN"
    assert main(["screenshot", "--preset", "clothes", "--lang", "fr", "--out", "x.png"]) == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
