# DestinyJobs backend. The two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV  := .venv
PY    ?= python3

.PHONY: run test lint venv tools watch build clean

## make run: emulator on 127.0.0.1:4566, resources, admin, API on :3000
run: venv
	@infra/scripts/run.sh

## make test: lint the template, then every test (own emulators, free ports)
test: venv
	$(VENV)/bin/cfn-lint template.yaml
	cargo test --workspace --locked

venv: $(VENV)/.installed
$(VENV)/.installed: infra/requirements.txt
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
	touch $@

tools: $(VENV)/.tools
$(VENV)/.tools: infra/requirements-tools.txt venv
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-tools.txt
	touch $@

## make watch: the functions under `cargo lambda watch` (needs `make run` running)
watch: tools
	@set -a; source .local.env; set +a; PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda watch

## make build: release arm64 binaries, as `sam build` makes them
build: tools
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --release --arm64

clean:
	rm -rf $(VENV) target .local.env
