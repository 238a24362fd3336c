"""The README's comparison with terraform-aws-modules and AVM names twincloud config keys as
what a team sets; every key it names must exist in the stack config schema, so the table
cannot advertise a setting the program does not read."""

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from stacks.config.root import StackConfig

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## Compared with terraform-aws-modules and Azure Verified Modules"


def comparison_section() -> str:
    text = README.read_text()
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    return text[start:end]


def models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation may hold (through Optional, list, dict, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found += models_in(arg)
    return found


def field_by_alias(model: type[BaseModel], alias: str):
    for name, field in model.model_fields.items():
        if (field.alias or name) == alias:
            return field
    return None


def resolve(path: str) -> bool:
    models: list[type[BaseModel]] = [StackConfig]
    for segment in path.replace("[]", "").split("."):
        fields = [f for m in models if (f := field_by_alias(m, segment)) is not None]
        if not fields:
            return False
        models = [m for f in fields for m in models_in(f.annotation)]
    return True


def named_keys() -> list[str]:
    tops = {(f.alias or n) for n, f in StackConfig.model_fields.items()}
    keys = set(re.findall(r"`([a-z][A-Za-z]*(?:\.[A-Za-z]+(?:\[\])?)+)`", comparison_section()))
    return sorted(k for k in keys if k.split(".")[0] in tops)


def test_the_comparison_names_config_keys():
    assert len(named_keys()) >= 10


@pytest.mark.parametrize("key", named_keys())
def test_a_key_the_comparison_names_is_in_the_config_schema(key):
    assert resolve(key), f"README comparison names twincloud:{key}, which the config schema does not have"


def test_the_resolver_refuses_a_key_the_schema_does_not_have():
    assert resolve("vpc.natStrategy") and not resolve("vpc.natGateways")
