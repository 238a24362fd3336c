"""Route 53 DNS failover timing and limits (pure helpers, no resources).

How long until clients reach the secondary after the primary dies:

* Route 53 health checkers probe the primary every ``request_interval`` seconds (10 or 30)
  and declare it unhealthy after ``failure_threshold`` consecutive failures, so detection
  takes ``request_interval * failure_threshold`` seconds;
* resolvers may still hold the primary answer they cached just before the failure for
  the record's TTL. The primary is an alias to a load balancer, and Route 53 answers
  alias records to Elastic Load Balancing with the fixed TTL of 60 seconds (the TTL of
  a non-alias record, like the AKS ingress A record, is the configured ``recordTtl``).

``failover_detection_seconds`` is the worst case of the two added together; the config
schema rejects health-check settings whose worst case exceeds the RTO target.
"""

from __future__ import annotations

from components.facts.aws import HOSTED_ZONES, ROUTE53, botocore_shape

# Route 53 answers alias records that point at ELB load balancers with this fixed TTL
# (components/facts/aws.py ROUTE53, with its source).
ALIAS_TARGET_TTL_SECONDS = ROUTE53["alias_target_ttl_seconds"].value

# The only request intervals Route 53 health checks accept (30 = standard, 10 = fast).
REQUEST_INTERVALS = ROUTE53["request_intervals"].value
_THRESHOLD = botocore_shape("route53", "FailureThreshold")  # the API model in the pinned botocore
FAILURE_THRESHOLD_RANGE = (_THRESHOLD["min"], _THRESHOLD["max"])

# Regions Route 53 runs health checkers in (the ``regions`` list accepts only these,
# and at least three of them when given): the HealthCheckRegion enum of botocore's model.
HEALTH_CHECKER_REGIONS = tuple(botocore_shape("route53", "HealthCheckRegion")["enum"])
MIN_HEALTH_CHECKER_REGIONS = botocore_shape("route53", "HealthCheckRegionList")["min"]

# The hosted zone id of every CloudFront distribution, for alias records (components/facts/aws.py).
CLOUDFRONT_HOSTED_ZONE_ID = HOSTED_ZONES["cloudfront"].value


def detection_seconds(request_interval: int, failure_threshold: int) -> int:
    """Seconds until Route 53 declares the primary unhealthy."""
    if request_interval not in REQUEST_INTERVALS:
        raise ValueError(f"request_interval must be one of {REQUEST_INTERVALS}, got {request_interval}")
    low, high = FAILURE_THRESHOLD_RANGE
    if not low <= failure_threshold <= high:
        raise ValueError(f"failure_threshold must be between {low} and {high}, got {failure_threshold}")
    return request_interval * failure_threshold


def failover_detection_seconds(
    request_interval: int, failure_threshold: int, cached_ttl: int = ALIAS_TARGET_TTL_SECONDS
) -> int:
    """Worst-case seconds from the primary failing to clients resolving the secondary:
    health-check detection plus the TTL of the primary answer resolvers may have cached."""
    if cached_ttl < 0:
        raise ValueError(f"cached_ttl must not be negative, got {cached_ttl}")
    return detection_seconds(request_interval, failure_threshold) + cached_ttl


def settings_within_rto(rto_seconds: int, cached_ttl: int = ALIAS_TARGET_TTL_SECONDS) -> tuple[int, int] | None:
    """The cheapest (interval, threshold) whose worst case fits ``rto_seconds``, preferring
    the standard 30 s interval and the highest threshold (fewest false failovers); ``None``
    when nothing fits. Used to suggest a fix in config errors."""
    for interval in sorted(REQUEST_INTERVALS, reverse=True):
        for threshold in range(FAILURE_THRESHOLD_RANGE[1], FAILURE_THRESHOLD_RANGE[0] - 1, -1):
            if failover_detection_seconds(interval, threshold, cached_ttl) <= rto_seconds:
                return interval, threshold
    return None
