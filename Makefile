# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LINTED := $(wildcard src tests benchmarks experiments scripts)

.PHONY: demo test test-narrow-simd lint bench-image clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/augkit demo

# loadgroup: tests marked xdist_group (the Ray engine's) share one worker, so one Ray starts
test: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(PY) -m pytest -q -n 2 --dist loadgroup

# The image tests again with OpenCV's wider SIMD dispatch switched off (SSE3 baseline only),
# so results that hold only on this CPU's AVX-512 / AVX2 kernels show up on one machine.
# Names as cv2.getCPUFeaturesLine() spells them; ones a build does not dispatch are ignored.
OPENCV_NARROW := SSE4.1,SSE4.2,SSSE3,POPCNT,AVX,FP16,FMA3,AVX2,AVX_VNNI,AVX512F,AVX512-COMMON,AVX512-SKX,AVX512-CLX,AVX512-CNL,AVX512-ICL
test-narrow-simd: $(STAMP)
	OPENCV_CPU_DISABLE=$(OPENCV_NARROW) $(PY) -c "import cv2; print('OpenCV dispatch (? = off):', cv2.getCPUFeaturesLine())"
	OPENCV_CPU_DISABLE=$(OPENCV_NARROW) $(PY) -m pytest -q -n 2 tests/test_image_*.py

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)

# Image speed against peers; each peer in its own venv (albumentations and albumentationsx
# share an import name). Writes benchmarks/results/image_speed.{md,json}.
BENCH_VENV := benchmarks/.venv
bench-image: $(STAMP)
	test -x $(BENCH_VENV)-albumentations/bin/python || ($(PYTHON) -m venv $(BENCH_VENV)-albumentations && $(BENCH_VENV)-albumentations/bin/pip install --quiet "albumentations==2.0.8" tqdm)
	test -x $(BENCH_VENV)-albumentationsx/bin/python || ($(PYTHON) -m venv $(BENCH_VENV)-albumentationsx && $(BENCH_VENV)-albumentationsx/bin/pip install --quiet "torch==2.13.0" && $(BENCH_VENV)-albumentationsx/bin/pip install --quiet albumentationsx opencv-python-headless tqdm)
	test -x $(BENCH_VENV)-kornia/bin/python || ($(PYTHON) -m venv $(BENCH_VENV)-kornia && $(BENCH_VENV)-kornia/bin/pip install --quiet "torch==2.13.0" && $(BENCH_VENV)-kornia/bin/pip install --quiet kornia)
	$(PY) benchmarks/image_speed.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache augkit-demo
