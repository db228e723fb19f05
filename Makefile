# The Python that runs fcviz: an active virtual environment or conda environment when there is
# one, else the project's own .venv, made with the system python3 (Debian's python3 refuses
# `pip install`: PEP 668). `make test PYTHON=python3` uses a given interpreter as it is.
ifdef VIRTUAL_ENV
ENV_DIR := $(VIRTUAL_ENV)
else ifdef CONDA_PREFIX
ENV_DIR := $(CONDA_PREFIX)
else
ENV_DIR := .venv
endif
ifeq ($(origin PYTHON),undefined)
PYTHON := $(ENV_DIR)/bin/python
else  # given on the command line or in the environment: its own prefix holds the stamp
ENV_DIR := $(shell $(PYTHON) -c 'import sys; print(sys.prefix)')
endif
PYTEST = QT_QPA_PLATFORM=offscreen $(PYTHON) -m pytest
# The environment's scripts (pyside6-lupdate, lint-imports, fcviz) come first, as if it were activated.
export PATH := $(abspath $(ENV_DIR))/bin:$(PATH)
# Written inside the environment after installing this checkout into it; holds the checkout's path,
# so pip runs again only when pyproject.toml changes or another checkout was installed there last.
STAMP := $(ENV_DIR)/.fcviz-installed

.PHONY: install run test lint bench clean translations fuzz soak docs wheel-check

ifneq ($(shell cat $(STAMP) 2>/dev/null),$(CURDIR))
.PHONY: $(STAMP)
endif

# Installs what a fresh machine lacks: Debian libraries for Qt (and python3-venv), the .venv,
# then fcviz with its test and lint tools (editable: the checkout's code is what runs).
install: $(STAMP)

$(STAMP): pyproject.toml
ifeq ($(ENV_DIR),.venv)
	bash scripts/install_system_deps.sh --venv
	[ -x .venv/bin/python ] || python3 -m venv .venv
else
	bash scripts/install_system_deps.sh
endif
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test,lint]'
	$(PYTHON) -c "from fcviz.core import engine; engine.warm_up()"   # compile the training kernels now, not at first Play
	@echo "$(CURDIR)" > $@

run: install
	$(PYTHON) -m fcviz

# pytest exits 5 when it collects no tests; that is not a failure here.
test: install
	$(PYTEST) -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

# Style (ruff), types of the core and io layers (mypy), the layer contracts (import-linter, pyproject.toml)
# and class sizes (scripts/class_sizes.py: none above 400 lines or 30 methods).
lint: install
	$(PYTHON) -m ruff check fcviz tests benchmarks scripts
	$(PYTHON) -m mypy
	lint-imports
	$(PYTHON) scripts/class_sizes.py

bench: install
	$(PYTHON) benchmarks/run_all.py

# The fuzz targets of tests/fuzz with many more inputs than `make test` gives them; ends with a table of
# inputs tried and failed per target. 2000 per target (workbooks 1000, windows 200: ~1 s each) take
# about 40 minutes on 2 busy cores.
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

# Every docs/*.png the README shows, drawn offscreen from the presets (English and Chinese).
docs: install
	QT_QPA_PLATFORM=offscreen $(PYTHON) scripts/make_docs.py

# Builds the wheel, installs it into a fresh venv and runs fcviz from outside the checkout.
wheel-check: install
	bash scripts/check_wheel.sh $(PYTHON)

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis
