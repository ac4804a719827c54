# Two commands do everything (see README.md); both create or reuse .venv.
#   make notebooks   execute all notebooks headless, write build/ (FULL=1: full mode)
#   make test        unit tests, the Colab-pinned environment (tests/test_colab_env.py),
#                    then every notebook under nbval (quick mode)
#   make lab         open the notebooks in JupyterLab
.PHONY: notebooks test lab venv lint

FULL ?= 0

venv:
	@bash scripts/setup_venv.sh

notebooks: venv
	@MIRDL_QUICK=$(if $(filter 1,$(FULL)),0,1) .venv/bin/python scripts/run_notebooks.py

test: venv
	@MIRDL_QUICK=1 MIRDL_STATIC=1 .venv/bin/python -m pytest tests notebooks \
		--nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

lint: venv
	@.venv/bin/ruff check helpers tests benchmarks scripts notebooks

lab: venv
	@.venv/bin/python -m pip install --quiet -e ".[lab]" && .venv/bin/jupyter lab notebooks
