"""make test: each environment of samconfig.toml resolves against template.yaml.

For dev, staging and prod: the config env names its stack and region; its
parameter overrides name template parameters only, with allowed values,
Environment equal to the config env's name, and no secret; every template
parameter without a default is given; prod confirms its changeset. Then
`cfn-lint` with that environment's parameter values, and `sam validate
--lint --config-env <env>`.
"""

import os
import re
import shlex
import subprocess
import sys
import tomllib

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
ENVIRONMENTS = ["dev", "staging", "prod"]


class Template(yaml.SafeLoader):
    """Reads CloudFormation's short tags as plain values."""


Template.add_multi_constructor("!", lambda loader, suffix, node: None)


def overrides(deploy):
    raw = deploy.get("parameter_overrides", [])
    items = raw if isinstance(raw, list) else shlex.split(raw)
    return dict(item.split("=", 1) for item in items)


def main():
    with open(os.path.join(ROOT, "samconfig.toml"), "rb") as f:
        config = tomllib.load(f)
    with open(os.path.join(ROOT, "template.yaml")) as f:
        template = yaml.load(f, Loader=Template)
    parameters = template["Parameters"]
    mapping = template["Mappings"]["Environments"]
    errors = []
    env = dict(os.environ, SAM_CLI_TELEMETRY="0", AWS_DEFAULT_REGION="eu-west-3")
    for name in ENVIRONMENTS:
        deploy = config.get(name, {}).get("deploy", {}).get("parameters", {})
        for key in ["stack_name", "region", "capabilities"]:
            if not deploy.get(key):
                errors.append(f"{name}: deploy.parameters.{key} is missing")
        if name not in mapping:
            errors.append(f"{name}: no Mappings.Environments.{name} in template.yaml")
        values = overrides(deploy)
        if values.get("Environment") != name:
            errors.append(f"{name}: Environment={values.get('Environment')}")
        for key, value in values.items():
            spec = parameters.get(key)
            if spec is None:
                errors.append(f"{name}: {key} is not a template parameter")
                continue
            allowed = spec.get("AllowedValues")
            if allowed and value not in allowed:
                errors.append(f"{name}: {key}={value} not in {allowed}")
            if re.search(r"secret|password|key$", key, re.I) and not key.endswith("Id"):
                errors.append(f"{name}: {key} looks like a secret; it belongs in Secrets Manager")
        for key, spec in parameters.items():
            if "Default" not in spec and key not in values:
                errors.append(f"{name}: {key} has no default and is not given")
        if name == "prod" and deploy.get("confirm_changeset") is not True:
            errors.append("prod: confirm_changeset must be true")
        lint = subprocess.run(
            [os.path.join(BIN, "cfn-lint"), "template.yaml", "--parameters"]
            + [f"{k}={v}" for k, v in values.items()],
            cwd=ROOT, capture_output=True, text=True, env=env,
        )
        if lint.returncode != 0:
            errors.append(f"{name}: cfn-lint\n{lint.stdout}{lint.stderr}")
        validate = subprocess.run(
            [os.path.join(BIN, "sam"), "validate", "--lint", "--config-env", name],
            cwd=ROOT, capture_output=True, text=True, env=env,
        )
        if validate.returncode != 0:
            errors.append(f"{name}: sam validate\n{validate.stdout}{validate.stderr}")
        print(f"{name}: {deploy.get('stack_name')} in {deploy.get('region')}, "
              f"{len(values)} parameters, cfn-lint rc={lint.returncode}, sam validate rc={validate.returncode}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
