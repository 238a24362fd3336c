import re

from hypothesis import given
from hypothesis import strategies as st

from components.naming import child_name, global_name, region_code

REGIONS = ["eu-west-1", "us-west-2", "us-east-1", "ap-southeast-2", "us-gov-west-1", "westeurope", "northeurope",
           "eastus2", "southeastasia"]


def test_region_codes_are_short_and_distinct():
    codes = [region_code(r) for r in REGIONS]
    assert len(set(codes)) == len(codes)
    assert all(len(c) <= 6 for c in codes)


@given(st.sampled_from(REGIONS), st.sampled_from(REGIONS), st.sampled_from(["dev", "prod", "prod-dr"]))
def test_global_names_differ_across_regions_and_are_stable(r1, r2, stack):
    a = global_name("loki", "chunks", stack=stack, region=r1)
    b = global_name("loki", "chunks", stack=stack, region=r2)
    assert (a == b) == (r1 == r2)
    assert a == global_name("loki", "chunks", stack=stack, region=r1)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=80), st.integers(min_value=12, max_value=63))
def test_global_names_respect_length_and_charset(part, max_len):
    name = global_name(part, stack="prod", region="eu-west-1", max_length=max_len)
    assert len(name) <= max_len
    assert re.fullmatch(r"[a-z0-9-]+", name)
    alnum = global_name(part, stack="prod", region="eu-west-1", max_length=max_len, alphanumeric=True)
    assert re.fullmatch(r"[a-z0-9]+", alnum) and len(alnum) <= max_len


def test_child_names():
    assert child_name("dev-net", "private", 0) == "dev-net-private-0"
