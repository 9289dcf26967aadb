# DestinyJobs backend. The two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV  := .venv
PY    ?= python3
# The Django + DRF peer of make bench (issue #21): its own venv, never make test's.
PEER_VENV := target/peer-venv
# The Lambda functions of template.yaml (one crate each).
FUNCTIONS := auth admin apps docs messages notifications notifier offres financements bourses consultations candidatures rappels uploads recherche statistiques

.PHONY: run test fuzz lint venv tools bench-tools peer-venv watch build bench deploy clean

## make run: emulator on 127.0.0.1:4566, resources, admin, API on :3000
run: venv
	@infra/scripts/run.sh

## make test: lint the template and each environment, every test (own
## emulators, free ports), then the main flows (newman, examples) against a
## fresh local stack
test: venv
	$(VENV)/bin/cfn-lint template.yaml
	$(VENV)/bin/python infra/scripts/check_environments.py
	cargo test --workspace --locked
	infra/scripts/flows.sh

## make fuzz: schemathesis against a fresh local stack, as five principals,
## every phase, a longer budget (make test runs a bounded pass)
fuzz: venv
	infra/scripts/fuzz.sh

venv: $(VENV)/.installed
$(VENV)/.installed: infra/requirements.txt $(VENV)/.emulator
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
	touch $@

# The emulator alone (make bench needs no more of the venv).
$(VENV)/.emulator: infra/requirements-emulator.txt
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-emulator.txt
	touch $@

tools: $(VENV)/.tools
$(VENV)/.tools: infra/requirements-tools.txt venv
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-tools.txt
	touch $@

bench-tools: $(VENV)/.bench
$(VENV)/.bench: infra/requirements-bench.txt $(VENV)/.emulator
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-bench.txt
	touch $@

peer-venv: $(PEER_VENV)/.installed
$(PEER_VENV)/.installed: bench/peer/requirements.txt
	$(PY) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/peer/requirements.txt
	touch $@

## make bench: release builds, then measure and write bench/report.md (+ results.json, report.png)
bench: bench-tools peer-venv
	# One build per function, as SAM builds them (no features merged across
	# crates), with the template's release profile; built once, for the
	# host, and both timed and weighed (docs/performance.md says why not
	# arm64).
	FUNCTIONS="$(FUNCTIONS)" infra/scripts/bench-build.sh
	PEER_PYTHON=$(CURDIR)/$(PEER_VENV)/bin/python target/release/bench
	$(VENV)/bin/python bench/plot.py

## make watch: the functions under `cargo lambda watch` (needs `make run` running)
watch: tools
	@set -a; source .local.env; set +a; PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda watch

## make deploy ENV=dev|staging|prod: sam build, then sam deploy with that config env
ENV ?= dev
deploy: tools
	@case "$(ENV)" in dev|staging|prod) ;; *) echo "ENV must be dev, staging or prod"; exit 2;; esac
	rustup target add aarch64-unknown-linux-gnu
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" SAM_CLI_TELEMETRY=0 sam build --config-env $(ENV)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" SAM_CLI_TELEMETRY=0 sam deploy --config-env $(ENV)

## make build: release arm64 binaries, as `sam build` makes them
build: tools
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --release --arm64

clean:
	rm -rf $(VENV) target .local.env .aws-sam postman/node_modules
