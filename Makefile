# Two commands a newcomer needs: `make book` and `make test`. Each sets itself up: the first run
# makes .venv from requirements.txt and installs lossedu into it; later runs reuse it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SETUP := $(VENV)/.setup-done
CHROMIUM ?= /usr/bin/chromium
BWRAP ?= /usr/bin/bwrap
# tinygrad's CPU device compiles its kernels with clang (the atlas asks tinygrad)
CLANG ?= /usr/bin/clang
# apt-get needs root: through sudo when make runs as another user (GitHub's runners)
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# Tests run on every core (pytest-xdist): an expensive fixture is computed once and shared
# (tests/conftest.py, computed_once), and each notebook's cells stay together in one kernel
# (loadfile). Not named PARALLEL: make passes a variable set on its command line to every
# process, and tinygrad (probed by the atlas) reads PARALLEL as a number.
PYTEST_PARALLEL ?= -n auto
# axe-core, the accessibility audit the browser tests run in every page, at the version pinned
# in tests/browser/axe/package-lock.json, from the npm registry (defined before the rules that
# need it: make expands a rule's prerequisites where it reads the rule)
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
# Executed notebooks: the chapters, and the atlas page of the book
NOTEBOOKS := $(wildcard notebooks/*.ipynb) $(wildcard book/*.ipynb)
BOOK_SOURCES := _config.yml _toc.yml $(wildcard book/*.md book/*.bib book/static/* book/_ext/*.py) \
  $(NOTEBOOKS)

# A build that fails must not leave a target behind that looks up to date.
.DELETE_ON_ERROR:
.PHONY: setup book pdf site test unit explore nbval browser notebooks assignments atlas atlas-history bench bench-grading bench-test \
	clean publish fork \
	test-colab test-binder test-lowest test-legs

setup: $(SETUP)

$(SETUP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else "the course is tested with Python 3.11 to 3.13; run make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The book as one PDF (LaTeX through Jupyter Book, XeLaTeX from Debian's TeX Live: make installs
# the packages below when xelatex is missing), checked by tests/pdf.
PDF := _build/pdf/gradients-at-the-kink.pdf
XELATEX ?= /usr/bin/xelatex
TEX_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
	texlive-xetex fonts-freefont-otf poppler-utils

$(XELATEX):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES)

pdf: $(PDF)
	$(BIN)/python -m pytest -q tests/pdf

# What gets published: the HTML book with the PDF beside its pages (the intro links to it).
site: book pdf
	cp $(PDF) _build/html/

$(PDF): $(SETUP) $(XELATEX) $(BOOK_SOURCES) book/_ext/latex_class.py
	rm -rf _build/latex
	$(BIN)/jupyter-book build . --builder pdflatex
	mkdir -p $(dir $@)
	cp _build/latex/$(notdir $@) $@

# The book is built from the notebooks' stored outputs (nothing is executed), warnings are errors.
book: _build/html/.built

# A fresh build each time, so neither a warning nor a stale page can hide in a cached one.
_build/html/.built: $(SETUP) $(BOOK_SOURCES)
	rm -rf _build/.doctrees _build/html
	$(BIN)/jupyter-book build . --all --builder html -W -n --keep-going
	touch $@

# Unit tests, every notebook under strict nbval, a strict book build, and every page of the book
# in a real browser with the network cut off: what `make unit`, `make nbval`, `make book` and
# `make browser` do, with the three test runs in one pytest session, so that neither core idles
# while the other finishes a stage. Each file runs on one worker (a notebook's cells share one
# kernel); the notebooks start first, and the tests that wait for results computed in the
# background run last (tests/conftest.py).
# A test that passed before, with every input it read unchanged, is not run again
# (tests/incremental.py; the record is _build/passed-tests.json): FULL=1 runs every test.
INCREMENTAL := $(if $(FULL),,--incremental)
ALL_TESTS := --doctest-modules $(NBVAL) lossedu tests $(NOTEBOOKS) --ignore=tests/pdf
test: $(SETUP) $(BWRAP) $(CLANG) $(CHROMIUM) $(AXE) book
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -q $(PYTEST_PARALLEL) $(if $(PYTEST_PARALLEL),--dist loadfile) $(INCREMENTAL) $(ALL_TESTS)

unit: $(SETUP) $(BWRAP) $(CLANG)
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) --doctest-modules lossedu tests --ignore=tests/browser --ignore=tests/pdf

# The property tests (those using hypothesis) with the "explore" profile of tests/conftest.py:
# ten times the examples, new ones on every run, so it finds what the fixed examples of
# `make test` miss. Not part of `make test`; 4 to 7 minutes on 2 cores. A failure is saved in
# .hypothesis/ and replayed first on the next run; pin it with @example on the test.
explore: $(SETUP)
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -q $(PYTEST_PARALLEL) -m hypothesis \
	  tests --ignore=tests/browser --ignore=tests/pdf

# Debian's Chromium (not a browser that a test tool downloads); installing it needs root.
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install Chromium at $(CHROMIUM), or run make CHROMIUM=/path/to/chromium"; exit 1; }
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium

# Debian's bubblewrap: the grader runs every submission in a sandbox of its own, and the tests
# attack it. Installing it needs root.
$(BWRAP):
	@command -v apt-get >/dev/null || { echo "install bubblewrap at $(BWRAP), or run make BWRAP=/path/to/bwrap"; exit 1; }
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq bubblewrap

# Debian's clang, for tinygrad's CPU device. Installing it needs root.
$(CLANG):
	@command -v apt-get >/dev/null || { echo "install clang at $(CLANG), or run make CLANG=/path/to/clang"; exit 1; }
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq clang

# axe-core (AXE, named at the top), installed from its lock file
$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	cd tests/browser/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser: $(SETUP) $(CHROMIUM) $(AXE) book
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -q $(PYTEST_PARALLEL) tests/browser

nbval: $(SETUP)
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) --dist loadfile $(NBVAL) $(NOTEBOOKS)

# Re-execute every notebook in place (run this after changing lossedu or a notebook). Streams are
# merged, so how the kernel happened to split printed text does not show up as a change.
notebooks: $(SETUP)
	$(BIN)/python -m lossedu.publish colab-cells --notebooks notebooks book --config _config.yml
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.record_timing=False \
	  --Exporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]' \
	  $(NOTEBOOKS)

# The kink atlas's table (lossedu/data/atlas.json): every entry's snippet run in every framework
# at the pinned versions, one process per framework. Run it after changing an entry, an op or a
# pin, then `make notebooks`; make test fails while the stored table differs from a fresh run.
atlas: $(SETUP) $(CLANG)
	$(BIN)/python -m lossedu.atlas --write lossedu/data/atlas.json

# The atlas across releases (lossedu/data/atlas-history.json): every release listed in
# lossedu/atlas/history.py installed in a fresh environment of its own, probed, deleted. It
# resumes where an interrupted run stopped; FRAMEWORKS=torch,jax narrows it, REDO=1 probes stored
# releases again, RETRY=1 those that could not be probed. Not part of `make test` (it downloads
# several GB): see the README.
atlas-history: $(SETUP) $(CLANG)
	$(BIN)/python -m lossedu.atlas.releases $(if $(FRAMEWORKS),--frameworks $(FRAMEWORKS)) \
	  $(if $(REDO),--redo) $(if $(RETRY),--retry-failed)

# Student versions (solutions replaced by stubs, outputs cleared) and instructor versions.
assignments: $(SETUP)
	$(BIN)/python -m lossedu.assign release --source notebooks --out _build/assignments

bench: $(SETUP)
	$(BIN)/python benchmarks/bench.py

# How long `make test` takes, stage by stage, after a touched notebook, after an edited one and
# with FULL=1 (benchmarks/make_test_time.json, quoted in the README): about 10 minutes.
bench-test: $(SETUP) book
	$(BIN)/python benchmarks/make_test_time.py --record benchmarks/make_test_time.json

# The grader's rate on a class (every notebook sandboxed): a few minutes.
bench-grading: $(SETUP) $(BWRAP)
	$(BIN)/python benchmarks/grading_rate.py --record benchmarks/grading_rate.json

clean:
	rm -rf _build

# Publishing without GitHub Actions (.github/workflows/book.yml does it with them): the built
# book becomes the only commit of the gh-pages branch of REMOTE (a remote's name or a
# repository's address), replacing what was there. .nojekyll makes GitHub Pages serve the
# folders whose names start with "_" (_static/) as they are.
REMOTE ?= origin
PAGES_BRANCH ?= gh-pages
BOOK_HTML ?= _build/html
publish: site
	git update-ref -d refs/heads/$(PAGES_BRANCH)  # ghp-import's local copy: each publish starts afresh
	$(BIN)/ghp-import --no-jekyll --no-history --force --push --remote $(REMOTE) \
	  --branch $(PAGES_BRANCH) --message "The book, built from $$(git rev-parse --short HEAD)" $(BOOK_HTML)

# A fork becomes someone else's course: make fork REPO=owner/name [BRANCH=main] sets the
# repository in _config.yml and rewrites the notebooks' Colab cells and every link to it.
fork: $(SETUP)
	@test -n "$(REPO)" || { echo "usage: make fork REPO=owner/name [BRANCH=branch]"; exit 2; }
	$(BIN)/python -m lossedu.publish fork $(REPO) $(if $(BRANCH),--branch $(BRANCH))

# The course where its readers run it, each in an environment of its own under _build/envs
# (tests/environments/legs.py; reports in _build/legs/<leg>/report.md):
# - Colab's runtime (Python 3.13 and Colab's pins, tests/environments/colab-requirements.txt):
#   every notebook as a student runs it, lossedu's unit tests, and the atlas there.
#   COLAB_UPDATE_ATLAS=1 stores that atlas in lossedu/data/ (after a refresh of the pins).
# - Binder: binder/requirements.txt installed as repo2docker does, every notebook.
# - lowest: the lowest Python and NumPy/matplotlib pyproject.toml declares, NumPy-only tests.
# An empty *_PYTHON finds the interpreter (python3.X on PATH, else pyenv's newest 3.X).
COLAB_PYTHON ?=
BINDER_PYTHON ?=
LOWEST_PYTHON ?=
LEGS := $(BIN)/python tests/environments/legs.py

test-colab: $(SETUP)
	$(LEGS) colab $(if $(COLAB_PYTHON),--python $(COLAB_PYTHON)) $(if $(COLAB_UPDATE_ATLAS),--update-atlas)

test-binder: $(SETUP)
	$(LEGS) binder $(if $(BINDER_PYTHON),--python $(BINDER_PYTHON))

test-lowest: $(SETUP)
	$(LEGS) lowest $(if $(LOWEST_PYTHON),--python $(LOWEST_PYTHON))

test-legs: test-colab test-binder test-lowest
