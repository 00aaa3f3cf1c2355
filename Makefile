# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LINTED := $(wildcard src tests benchmarks experiments scripts)

.PHONY: demo test lint bench-image clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/augkit demo

test: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(PY) -m pytest -q -n 2

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)

# Image speed against peers; each peer in its own venv (albumentations and albumentationsx
# share an import name). Writes benchmarks/results/image_speed.{md,json}.
BENCH_VENV := benchmarks/.venv
bench-image: $(STAMP)
	test -x $(BENCH_VENV)-albumentations/bin/python || ($(PYTHON) -m venv $(BENCH_VENV)-albumentations && $(BENCH_VENV)-albumentations/bin/pip install --quiet "albumentations==2.0.8")
	test -x $(BENCH_VENV)-albumentationsx/bin/python || ($(PYTHON) -m venv $(BENCH_VENV)-albumentationsx && $(BENCH_VENV)-albumentationsx/bin/pip install --quiet "torch==2.13.0" && $(BENCH_VENV)-albumentationsx/bin/pip install --quiet albumentationsx)
	test -x $(BENCH_VENV)-kornia/bin/python || ($(PYTHON) -m venv $(BENCH_VENV)-kornia && $(BENCH_VENV)-kornia/bin/pip install --quiet "torch==2.13.0" && $(BENCH_VENV)-kornia/bin/pip install --quiet kornia)
	$(PY) benchmarks/image_speed.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache augkit-demo
