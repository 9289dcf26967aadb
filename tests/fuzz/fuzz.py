"""schemathesis against a running stack (#20), started by infra/scripts/fuzz.sh.

First, every example of the OpenAPI document must validate against its
schema. Then schemathesis runs each phase (examples, coverage, fuzzing, and
the stateful phase through the document's links) as five principals:
anonymous, candidat, prestataire (verified), verified recruteur and admin,
with the checks not_a_server_error, status_code_conformance,
content_type_conformance and response_schema_conformance. Any failure fails
the run; schemathesis's reports are kept in target/fuzz/<principal>/.

--bounded (make test): a fixed seed and few examples per operation, at most
about 3 minutes in all. Without it (make fuzz): more examples, a longer
budget, a seed of the run's own (printed, so a failure can be replayed with
FUZZ_SEED).
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import jsonschema

BASE = os.environ["BASE_URL"]
ADMIN = (os.environ["ADMIN_EMAIL"], os.environ["ADMIN_PASSWORD"])
PASSWORD = "Fuzz-Str0ng!2026"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
BOUNDED = "--bounded" in sys.argv
SEED = os.environ.get("FUZZ_SEED", "20" if BOUNDED else str(int(time.time())))
# Per principal: examples per operation, and a time budget in seconds.
EXAMPLES, BUDGET = ("3", "25") if BOUNDED else ("60", "300")
# Operations that end the principal's own session: fuzzed, they would turn
# the rest of its run into 401s. The authorization matrix and the auth
# tests cover them.
KEEP_SESSION = r"^/api/auth/(logout|logout-all|sessions/\{id\})/$"


def call(method, path, body=None, token=None):
    request = urllib.request.Request(BASE + path, method=method)
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text else None


def login(email, password):
    status, body = call("POST", "/api/auth/login/", {"email": email, "password": password})
    assert status == 200, (status, body)
    return body["access"]


def account(kind, admin_token, **extra):
    email = f"fuzz-{kind}-{time.time_ns()}@test.destinyjobs.ci"
    body = {"email": email, "password": PASSWORD, "nom": "Fuzz", "prenom": "Awa", "type_compte": kind, **extra}
    status, profile = call("POST", "/api/auth/register/", body)
    assert status == 201, (status, profile)
    if admin_token:
        status, decided = call("PUT", f"/api/admin/recruteurs/{profile['id']}/valider/", {}, admin_token)
        assert status == 200, (status, decided)
    return login(email, PASSWORD)


def examples_validate(doc):
    """Every example validates against its schema (refs resolved in the
    document): a schema's own `example` and `examples`, and a parameter's
    or a media type's `example` and `examples` against their `schema`."""
    checked, failures = 0, []

    def check(schema, example, where):
        nonlocal checked
        checked += 1
        validator = jsonschema.Draft202012Validator({**schema, "components": doc["components"]})
        failures.extend(f"{where}: {e.message}" for e in validator.iter_errors(example))

    def walk(node, where):
        if isinstance(node, dict):
            if "schema" in node and isinstance(node["schema"], dict):
                if "example" in node:
                    check(node["schema"], node["example"], where)
                for name, example in (node.get("examples") or {}).items():
                    if isinstance(example, dict) and "value" in example:
                        check(node["schema"], example["value"], f"{where}/examples/{name}")
            elif "example" in node or isinstance(node.get("examples"), list):
                schema = {k: v for k, v in node.items() if k not in ("example", "examples")}
                examples = ([node["example"]] if "example" in node else []) + (node.get("examples") or [])
                for example in examples:
                    check(schema, example, where)
            for key, value in node.items():
                if key not in ("example", "examples"):
                    walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(doc["paths"], "#/paths")
    walk(doc.get("components", {}), "#/components")
    return checked, failures


def main():
    status, doc = call("GET", "/api/openapi.json")
    assert status == 200, status
    checked, failures = examples_validate(doc)
    print(f"examples: {checked} checked against their schemas, {len(failures)} invalid")
    if failures:
        print("\n".join(failures))
        sys.exit(1)

    admin = login(*ADMIN)
    principals = {
        "anonyme": None,
        "candidat": account("candidat", None),
        "prestataire": account("prestataire", admin, specialite="Audit"),
        "recruteur": account("recruteur", admin, entreprise="Fuzz SARL"),
        "admin": admin,
    }
    print(f"schemathesis seed {SEED}, {EXAMPLES} examples per operation, {BUDGET} s per principal")
    failed = []
    for name, token in principals.items():
        reports = f"target/fuzz/{name}"
        command = [
            ".venv/bin/schemathesis", "run", f"{BASE}/api/openapi.json",
            "--checks", CHECKS,
            "--phases", "examples,coverage,fuzzing,stateful",
            "--seed", SEED, "--max-examples", EXAMPLES, "--max-time", BUDGET,
            "--workers", "2", "--request-timeout", "15",
            "--exclude-path-regex", KEEP_SESSION,
            "--report", "junit,ndjson", "--report-dir", reports,
            "--warnings", "off",
            # No example database: a run depends on its seed alone.
            "--generation-database", "none",
        ]
        if token:
            command += ["--header", f"Authorization: Bearer {token}"]
        started = time.monotonic()
        print(f"== {name}", flush=True)
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        tail = result.stdout.strip().splitlines()[-25:]
        print("\n".join(tail))
        print(f"== {name}: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode != 0:
            with open(f"{reports}/output.txt", "w") as out:
                out.write(result.stdout)
            failed.append(name)
    if failed:
        print(f"schemathesis found failures as {', '.join(failed)} (target/fuzz/<principal>/output.txt)")
        sys.exit(1)


if __name__ == "__main__":
    main()
