# Two entry points for a fresh machine (Python 3.11, pip, make, git):
#   make demo   - install everything, run the batch on the bundled sample data
#   make test   - install everything, run the test suite
PYTHON ?= python3.11
UV_VERSION = 0.13.9
export UV_PYTHON_DOWNLOADS = never
export UV_PYTHON = $(PYTHON)
UV = .tools/bin/uv

.PHONY: setup demo test bench clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

setup: .tools/bin/uv
	$(UV) sync --frozen --quiet --compile-bytecode

demo: setup
	.venv/bin/wolkenkaart demo

test: setup
	.venv/bin/python -m pytest -n 2 -p no:cacheprovider

bench: setup
	bash bench/run

clean:
	rm -rf .venv .tools data/demo target logs
