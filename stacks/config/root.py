"""The whole stack config: every ``twincloud:`` key plus the provider keys we read."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from stacks.config.aws import EcrConfig, EksConfig, VpcConfig
from stacks.config.base import Model, parse_cidr
from stacks.config.dr import DrConfig

AWS_REGION = re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d$")
RESERVED_TAGS = {"Environment", "Project", "ManagedBy"}
REQUIRED_EXTRA_TAGS = ("Owner", "CostCenter")


class StackConfig(Model):
    """Typed view of the stack config. Field names map to ``twincloud:<camelCase>`` keys;
    ``aws_region`` is ``aws:region``."""

    aws_region: str = Field(alias="aws:region")
    environment: Literal["dev", "prod"]
    tags: dict[str, str]
    protect: bool | None = None
    vpc: VpcConfig
    eks: EksConfig
    ecr: EcrConfig = EcrConfig()
    dr: DrConfig = DrConfig()

    @field_validator("aws_region")
    @classmethod
    def _region(cls, v: str) -> str:
        if not AWS_REGION.match(v):
            raise ValueError("not an AWS region name; use e.g. eu-west-1 or us-west-2")
        return v

    @field_validator("ecr")
    @classmethod
    def _ecr_replication(cls, v: EcrConfig, info: ValidationInfo) -> EcrConfig:
        region = info.data.get("aws_region")
        if region and region in v.replication_regions:
            raise ValueError(f"replicationRegions lists aws:region {region} itself; replicate to another region "
                             "(after a region rebuild, point it at a region other than the new aws:region)")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        missing = [t for t in REQUIRED_EXTRA_TAGS if not v.get(t)]
        if missing:
            raise ValueError(f"required tags missing: {missing}; add them under twincloud:tags")
        clash = sorted(RESERVED_TAGS & set(v))
        if clash:
            raise ValueError(f"{clash} are set by the platform itself; remove them from twincloud:tags")
        bad = [k for k in v if k.lower().startswith("aws:") or not 1 <= len(k) <= 128 or len(v[k]) > 256]
        if bad:
            raise ValueError(f"invalid tag keys {bad}: 1-128 characters, not starting with 'aws:'")
        return v

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def protect_stateful(self) -> bool:
        """Protect stateful resources: on by default in prod, off in dev unless set."""
        return self.is_prod if self.protect is None else self.protect

    @model_validator(mode="after")
    def _cross(self, info: ValidationInfo) -> StackConfig:
        vpc = parse_cidr(self.vpc.cidr)
        svc = parse_cidr(self.eks.service_cidr)
        if vpc.overlaps(svc):
            raise ValueError(f"eks.serviceCidr {self.eks.service_cidr} overlaps vpc.cidr {self.vpc.cidr}; "
                             "pick a service range outside the VPC (e.g. 172.20.0.0/16)")
        if self.is_prod and self.protect is False:
            raise ValueError("protect: false is not allowed in prod; stateful data must be protected")
        return self
