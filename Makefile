# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export QT_API := pyside6

.PHONY: run test lint bench screenshots dataset fashion-mnist qt-libs clean

# System libraries Qt's X11 (xcb) plugin loads; minimal Debian/Ubuntu installs lack some.
QT_XCB_LIBS := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0
XCB_PLUGIN = $(shell ls $(VENV)/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so 2>/dev/null)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: the CPU wheel on local disk, never a CUDA download.
	$(PY) -m pip install -q -c constraints.txt torch==2.13.0
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) qt-libs
	$(VENV)/bin/netcanvas

# Installs the X11 libraries when they are missing (as root with apt-get), else says how.
qt-libs: $(STAMP)
	@if [ "$$(uname)" = Linux ] && [ "$${QT_QPA_PLATFORM:-}" != offscreen ] && [ -n "$(XCB_PLUGIN)" ] \
	    && ldd "$(XCB_PLUGIN)" | grep -q "not found"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing the X11 libraries Qt needs: $(QT_XCB_LIBS)"; \
	    apt-get install -y -qq $(QT_XCB_LIBS) >/dev/null || { apt-get update -qq && apt-get install -y -qq $(QT_XCB_LIBS) >/dev/null; }; \
	  else \
	    echo "NetCanvas needs Qt's X11 libraries, which are missing. Install them with:"; \
	    echo "  sudo apt-get install $(QT_XCB_LIBS)"; \
	    echo "(or your distribution's packages of the same names), then run 'make run' again."; \
	    exit 1; \
	  fi; \
	fi

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Full Fashion-MNIST (Debian package, MIT licence) for bench/fashion_mnist.py and
# for regenerating the bundled subset.
fashion-mnist:
	test -d /usr/share/datasets/fashion-mnist || (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist)

dataset: $(STAMP) fashion-mnist
	$(PY) resources/data/make_fashion_mini.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_screenshots.py

bench: $(STAMP) fashion-mnist
	for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
