# Cross-Entropy, Executable — every command creates .venv and installs what it needs.
#   make book           build the HTML book: English in _build/html, Chinese in
#                       _build/html/zh_CN (from the same executed notebooks), and the PDFs
#   make test           everything below (and lint), as CI runs it
#   make test-lib       xentlib tests + doctests, student notebooks
#   make test-notebooks nbval (strict) over every chapter, on this machine's numeric path
#   make test-portable  nbval again on numpy's baseline SIMD + a generic BLAS kernel,
#                       and single-threaded
#   make test-book      strict book build;  make test-site  browser test of the book it builds
#   make test-pip       the pip / Colab route: a bare venv, `pip install .[notebooks]`,
#                       every chapter notebook run from an empty folder
#   make pdf            the printed book: _build/pdf/book.pdf and book-student.pdf (needs TeX)
#   make test-pdf       make pdf and check both PDFs (says so and skips where TeX is absent)
#   make execute        re-run every chapter notebook in place (refreshes committed outputs)
#   make translations   extract the English prose and merge it into locale/zh_CN (new and
#                       changed messages arrive untranslated or fuzzy: translate them)
#   make lock           regenerate requirements.txt from requirements.in (UPGRADE=name ...)
#   make lab            JupyterLab with jupyterlab-myst, on the chapters
#   make mutation       mutation testing of xentlib (mutmut; slow, not part of make test)
#   make lighthouse     Lighthouse (npm, pinned) on the built book, phone and desktop, served
#                       gzipped; writes benchmarks/lighthouse.json (slow, not part of make test)
#   make lint | serve | bench | student | clean

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LAB_STAMP := $(VENV)/.lab-stamp
# the book's notebooks: the chapters and appendix pages of _toc.yml that are notebooks
NOTEBOOKS := $(wildcard $(patsubst %,%.ipynb,$(shell sed -n 's/^ *- file: *//p' _toc.yml)))
NBVAL = $(BIN)/python -m pytest --nbval $(NOTEBOOKS)
# numpy's SIMD dispatch targets above the build's baseline, whatever the CPU family
NPY_ABOVE_BASELINE = $(shell $(BIN)/python -c \
        "from numpy._core._multiarray_umath import __cpu_dispatch__ as d; print(' '.join(d))")
MIN_PYTHON := 3.11
CHECK_PYTHON = import sys; sys.exit(0 if sys.version_info >= ($(subst .,$(comma),$(MIN_PYTHON)),) else \
        "Python $(MIN_PYTHON) or newer is needed, and $(1) is Python " + sys.version.split()[0] + \
        ". Run make with PYTHON=python3.11 (or newer), after removing $(VENV) if it exists.")
comma := ,
export PYTHONHASHSEED := 0

.PHONY: install book test test-lib test-notebooks test-portable test-book test-site test-pip pdf test-pdf \
        execute translations student lint serve bench mutation lighthouse lock lab print-notebooks clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c '$(call CHECK_PYTHON,$(PYTHON))'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c '$(call CHECK_PYTHON,$(BIN)/python)'
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (xentlib)"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --keep-going
	$(BIN)/python tools/build_zh.py html
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null; then \
	  $(BIN)/python tools/build_pdf.py; \
	else echo "make book: TeX is not installed, so the site's PDF links lead nowhere (see the README)."; fi

test: lint test-lib test-notebooks test-portable test-book test-pdf test-site test-pip

test-lib: $(STAMP)
	$(BIN)/python -m pytest -n 2 --ignore=tests/site --ignore=tests/pdf --ignore=tests/test_pip_route.py

test-notebooks: $(STAMP)
	$(BIN)/python tools/numeric_path.py
	$(NBVAL)

test-portable: $(STAMP)
	NPY_DISABLE_CPU_FEATURES="$(NPY_ABOVE_BASELINE)" OPENBLAS_CORETYPE=Nehalem $(BIN)/python tools/numeric_path.py
	NPY_DISABLE_CPU_FEATURES="$(NPY_ABOVE_BASELINE)" OPENBLAS_CORETYPE=Nehalem $(NBVAL)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python tools/numeric_path.py
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(NBVAL)

# both editions, warnings as errors; then the English prose is extracted again, so that
# tests/site can compare it with the Chinese catalogs
test-book: $(STAMP)
	rm -rf _build/html _build/.doctrees _build/.doctrees-zh _build/.doctrees-gettext _build/gettext
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python tools/build_zh.py html
	$(BIN)/python tools/build_zh.py gettext

test-site: test-book
	$(BIN)/python -m pytest tests/site

# the printed book; after test-book, whose HTML build fills the execution cache it reuses
pdf: $(STAMP)
	$(BIN)/python tools/build_pdf.py

test-pdf: $(STAMP) | test-book
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null; then \
	  $(MAKE) --no-print-directory pdf && $(BIN)/python -m pytest -p no:xdist tests/pdf; \
	else echo "test-pdf: TeX (xelatex, latexmk) is not installed: the PDF is not built or checked." \
	  "The README lists the Debian packages."; fi

test-pip: $(STAMP)
	$(BIN)/python -m pytest tests/test_pip_route.py

student: $(STAMP)
	$(BIN)/python tools/make_student.py _build/student

translations: $(STAMP)
	$(BIN)/python tools/build_zh.py update
	$(BIN)/python tools/zh_catalog.py status

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

lint: $(STAMP)
	$(BIN)/ruff check xentlib tests tools chapters benchmarks

# mutmut mutates xentlib in mutants/ and runs the unit tests against each mutant
# ([tool.mutmut] in pyproject.toml); incremental: a second run retests what changed.
# The summary, with every survivor, goes to benchmarks/mutation.txt.
mutation: $(STAMP)
	$(BIN)/mutmut run > /dev/null || true
	$(BIN)/python tools/mutation_score.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_losses.py
	$(BIN)/python benchmarks/fit_times.py

# Lighthouse (pinned in tools/lighthouse/package-lock.json, installed with npm ci under
# _build/, never globally) in Debian's chromium, on the front page, every chapter and the
# numerics page of the built book (built first if missing), served gzip-compressed by
# tools/lighthouse.py; the scores go to benchmarks/lighthouse.json. RUNS=3 keeps each
# page's median run.
RUNS ?= 1
lighthouse: $(STAMP)
	test -f _build/html/index.html || $(BIN)/jupyter-book build . --keep-going
	mkdir -p _build/lighthouse
	cp tools/lighthouse/package.json tools/lighthouse/package-lock.json _build/lighthouse/
	cd _build/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python tools/lighthouse.py --runs $(RUNS)

# The lock: every platform and every supported Python, each package pinned and hashed.
# Versions already in requirements.txt are kept unless requirements.in asks otherwise
# or UPGRADE names the package.
lock: $(STAMP)
	$(BIN)/uv pip compile requirements.in --universal --python-version $(MIN_PYTHON) \
	    --generate-hashes --quiet -o requirements.txt $(foreach p,$(UPGRADE),--upgrade-package $(p))
	$(BIN)/uv pip compile requirements-lab.in --universal --python-version $(MIN_PYTHON) \
	    --generate-hashes --quiet -c requirements.txt -o requirements-lab.txt \
	    $(foreach p,$(UPGRADE),--upgrade-package $(p))

$(LAB_STAMP): $(STAMP) requirements-lab.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-lab.txt
	$(BIN)/python -m pip check
	touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab chapters/

serve: book
	$(BIN)/python -m http.server --directory _build/html 8000

print-notebooks:
	@echo $(NOTEBOOKS)

clean:
	rm -rf _build .pytest_cache .hypothesis build mutants
