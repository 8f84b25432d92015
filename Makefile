# medocr: `make run` to use it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test system-packages test-system-packages bench-system-packages venv bench soak check-deploy clean

run: system-packages venv
	@scripts/run.sh

test: system-packages test-system-packages venv
	@scripts/ensure-redis.sh >/dev/null
	DEBUG=1 OMP_THREAD_LIMIT=1 $(PY) -m pytest $(PYTEST_ARGS)

bench: system-packages bench-system-packages venv
	@scripts/ensure-redis.sh >/dev/null
	DEBUG=1 OMP_THREAD_LIMIT=1 $(PY) manage.py bench $(BENCH_ARGS)

# The fault scenarios and the hostile corpus with real workers, on bigger batches than CI's.
soak: system-packages test-system-packages venv
	@scripts/ensure-redis.sh >/dev/null
	DEBUG=1 OMP_THREAD_LIMIT=1 SOAK=1 $(PY) -m pytest tests/proofs/test_faults.py tests/proofs/test_hostile_worker.py $(PYTEST_ARGS)

system-packages:
	@scripts/install-system-packages.sh scripts/system-packages.txt

test-system-packages:
	@scripts/install-system-packages.sh scripts/test-packages.txt

bench-system-packages:
	@scripts/install-system-packages.sh scripts/bench-packages.txt

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

check-deploy: venv
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=medocr.example.com \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/test-media var/test.sqlite3
