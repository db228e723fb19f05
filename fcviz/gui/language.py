"""The window's language: fcviz's and Qt's translations, and the View ▸ Language menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu

from fcviz.io.samples import resources_dir

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}  # each in its own language, never translated
LANGUAGE_KEY = "language"  # QSettings key of the language chosen in View ▸ Language
_translators: list[QTranslator] = []
_language = "en"


def translations_dir() -> Path | None:
    folder = resources_dir() / "translations"  # inside the package in a wheel, at the top in a checkout
    return folder if folder.is_dir() else None


def set_language(language: str | None) -> str:
    """Translate widgets created from now on into `language` (None: the system's); returns the one in use."""
    global _language
    app = QCoreApplication.instance()
    for translator in _translators:
        app.removeTranslator(translator)
    _translators.clear()
    locale = QLocale.system() if language is None else QLocale(language)
    _language = "en"
    for directory, prefix in ((translations_dir(), "fcviz"),
                              (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), "qtbase")):
        translator = QTranslator(app)
        if directory is not None and translator.load(locale, prefix, "_", str(directory)):
            app.installTranslator(translator)
            _translators.append(translator)
            if prefix == "fcviz":
                _language = Path(translator.filePath()).stem.removeprefix("fcviz_")
    return _language


def language_menu(parent: QMainWindow, settings: QSettings | None) -> QMenu:
    """View ▸ Language: the choice is saved in `settings` and takes effect at the next start."""
    menu = QMenu(QCoreApplication.translate("app", "Language"), parent)
    group = QActionGroup(menu)
    for code, name in LANGUAGES.items():
        action = group.addAction(name)
        action.setData(code)
        action.setCheckable(True)
        action.setChecked(code == _language)
        menu.addAction(action)

    def choose(action) -> None:
        if settings is not None:
            settings.setValue(LANGUAGE_KEY, action.data())
        parent.statusBar().showMessage(QCoreApplication.translate(
            "app", "The language changes when fcviz starts again."))

    group.triggered.connect(choose)
    return menu
