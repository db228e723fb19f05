PYTHON ?= python3
PYTEST = QT_QPA_PLATFORM=offscreen $(PYTHON) -m pytest

.PHONY: install run test lint bench clean translations fuzz soak

# Installs what a fresh machine lacks: Debian libraries for Qt, then fcviz with its test tools.
install:
	bash scripts/install_system_deps.sh
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'

run: install
	$(PYTHON) -m fcviz

# pytest exits 5 when it collects no tests; that is not a failure here.
test: install
	$(PYTEST) -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

# Style (ruff), types of the core and io layers (mypy) and the layer contracts (import-linter, pyproject.toml).
lint:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[lint]'
	$(PYTHON) -m ruff check fcviz tests benchmarks scripts
	$(PYTHON) -m mypy
	lint-imports

bench: install
	$(PYTHON) benchmarks/run_all.py

# The fuzz targets of tests/fuzz with many more inputs than `make test` gives them; prints the counts.
FUZZ_EXAMPLES ?= 2000
fuzz: install
	FCVIZ_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTEST) -q -p no:cacheprovider tests/fuzz

# The window trains offscreen for 30 minutes (the lab, then the spiral drawn every epoch) and fails
# if memory or object counts grow or the event loop lags; CI runs 60 s and only reports the lag.
SOAK_SECONDS ?= 1800
SOAK_FLAGS ?= --strict-latency
soak: install
	QT_QPA_PLATFORM=offscreen $(PYTHON) benchmarks/soak.py --seconds $(SOAK_SECONDS) $(SOAK_FLAGS)

# Collects the GUI strings into resources/translations/*.ts (translate the unfinished ones),
# then compiles the .qm files that fcviz loads; both are committed, so installing needs no build step.
translations:
	$(PYTHON) scripts/update_translations.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis
