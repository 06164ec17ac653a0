# Cross-Entropy, Executable — every command creates .venv and installs what it needs.
#   make book     build the HTML book into _build/html
#   make test     xentlib tests + doctests, nbval over every chapter, strict book build
#   make execute  re-run every chapter notebook in place (refreshes committed outputs)
#   make lint     ruff
#   make serve    serve _build/html on http://localhost:8000
#   make bench    speed, memory and accuracy measurements (benchmarks/)
#   make student  solution-free chapter notebooks in _build/student

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NOTEBOOKS := $(wildcard chapters/*.ipynb)
export PYTHONHASHSEED := 0

.PHONY: install book test test-lib test-notebooks test-book test-site execute student lint serve bench clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (xentlib)"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --keep-going

test: test-lib test-notebooks test-book test-site

test-lib: $(STAMP)
	$(BIN)/python -m pytest tests xentlib -q -n 2 --ignore=tests/site

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval $(NOTEBOOKS) --nbval-sanitize-with tests/sanitize.cfg -q -p no:randomly -o addopts=""

test-book: $(STAMP)
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . -W -n --keep-going

student: $(STAMP)
	$(BIN)/python tools/make_student.py _build/student

test-site: $(STAMP)
	$(BIN)/python -m pytest tests/site -q -p no:randomly -rs

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

lint: $(STAMP)
	$(BIN)/ruff check xentlib tests tools chapters benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_losses.py
	$(BIN)/python benchmarks/fit_times.py

serve: book
	$(BIN)/python -m http.server --directory _build/html 8000

clean:
	rm -rf _build .pytest_cache .hypothesis
