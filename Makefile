# Two commands do everything (see README.md); both create or reuse .venv.
#   make notebooks   execute all notebooks headless, write build/ (FULL=1: full mode)
#   make test        unit tests, the Colab-pinned environment (tests/test_colab_env.py),
#                    every notebook live in JupyterLab (or, without Chromium, under
#                    nbval), in quick mode, on TEST_WORKERS processes
#   make lab         open the notebooks in JupyterLab
#   make site        the reading site from the committed notebooks: build/site/index.html
#   make test-browser  only the browser tests (JupyterLab and the site, in Chromium)
.PHONY: notebooks test lab venv lint site test-browser

FULL ?= 0
# Test processes (pytest-xdist); each test file runs whole in one of them.
TEST_WORKERS ?= 2

EXTRAS ?= test

venv:
	@EXTRAS=$(EXTRAS) bash scripts/setup_venv.sh

notebooks: venv
	@MIRDL_QUICK=$(if $(filter 1,$(FULL)),0,1) .venv/bin/python scripts/run_notebooks.py

test: venv
	@MIRDL_QUICK=1 MIRDL_STATIC=1 .venv/bin/python -m pytest tests notebooks \
		--nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider \
		-n $(TEST_WORKERS) --dist loadfile --durations=15

lint: venv
	@.venv/bin/ruff check helpers tests benchmarks scripts notebooks

lab:
	@EXTRAS=test,lab bash scripts/setup_venv.sh && .venv/bin/jupyter lab notebooks

site:
	@EXTRAS=test,site bash scripts/setup_venv.sh && .venv/bin/python scripts/build_site.py

# Debian's chromium (apt-get install chromium); Playwright never downloads one.
test-browser:
	@command -v chromium >/dev/null || { echo "make test-browser needs Chromium:" \
		"apt-get install chromium"; exit 1; }
	@EXTRAS=test,browser bash scripts/setup_venv.sh
	@MIRDL_QUICK=1 .venv/bin/python -m pytest tests/browser -p no:cacheprovider
