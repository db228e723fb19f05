PYTHON ?= python3
PYTEST = QT_QPA_PLATFORM=offscreen $(PYTHON) -m pytest

.PHONY: install run test bench clean

# Installs what a fresh machine lacks: Debian libraries for Qt, then fcviz with its test tools.
install:
	bash scripts/install_system_deps.sh
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'

run: install
	$(PYTHON) -m fcviz

# pytest exits 5 when it collects no tests; that is not a failure here.
test: install
	$(PYTEST) -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

bench: install
	$(PYTHON) benchmarks/run_all.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis
