"""Nothing in the program hard-codes a region or an AZ: everything follows aws:region."""

import json

from tests.support import plan
from tools.engine import jsonable


def all_strings(p):
    return json.dumps([jsonable(r.inputs) for r in p.resources] + [r.urn for r in p.resources])


def test_prod_plan_in_another_region_has_no_trace_of_the_original():
    original = plan("prod")
    region = original.config["aws:region"]
    moved = plan("prod", "aws:region=us-west-2")
    text = all_strings(moved)
    assert region not in text
    for az in {r.inputs["availabilityZone"] for r in original.of_type("aws:ec2/subnet:Subnet")}:
        assert az not in text
    assert "us-west-2a" in text and "us-west-2c" in text


def test_moved_plan_keeps_the_same_shape():
    original = plan("prod")
    moved = plan("prod", "aws:region=us-west-2")
    count = lambda p: sorted((r.type, r.name) for r in p.resources)  # noqa: E731
    assert count(original) == count(moved)
