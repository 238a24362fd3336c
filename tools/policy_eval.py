"""Run the policy pack against an offline plan through pulumi_policy's own analyzer.

``pulumi preview --policy-pack policies`` starts ``policies/__main__.py``, whose
``PolicyPack`` serves ``pulumi_policy.policy._PolicyAnalyzerServicer`` over gRPC. Here the
same servicer is called in-process, with the calls the CLI makes, in the CLI's order:

1. ``GetAnalyzerInfo`` -- the policies, their config schemas and enforcement levels;
2. ``Configure`` -- every policy's config reconciled like the CLI does (schema defaults,
   then the pack's ``initial_config``, then the stack's policy config);
3. ``ConfigureStack`` -- stack name, project, dry-run, stack tags;
4. ``Analyze`` once per registered resource, with the inputs the program sent to the
   engine (``RegisterResourceRequest.object``, marshalled as the engine marshals them for
   analyzers: secrets kept, resource references as ids/URNs, output values unwrapped);
5. ``AnalyzeStack`` once with every resource, its parent, dependencies and property
   dependencies.

So a rule behaves offline exactly as it does in a real preview (minus values only the
cloud knows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.rpc import UNKNOWN as _UNKNOWN  # the wire protocol's markers, from the pinned SDK
from pulumi.runtime.rpc import _special_output_value_sig as _OUTPUT_SIG
from pulumi.runtime.rpc import _special_resource_sig as _RESOURCE_SIG
from pulumi.runtime.rpc import _special_secret_sig as _SECRET_SIG
from pulumi.runtime.rpc import _special_sig_key as _SIG

from tools.engine import PROJECT, Plan, PlannedResource, Secret, cyclic_gc_paused

PACK_VERSION = "0.1.0"


def _for_analyzer(value: Any) -> Any:
    """Engine wire values -> what an analyzer receives (``KeepResources: false``)."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return {_SIG: _SECRET_SIG, "value": _for_analyzer(value.get("value"))}
        if sig == _RESOURCE_SIG:
            return value.get("id") or value.get("urn")
        if sig == _OUTPUT_SIG:
            if "value" not in value:
                return _UNKNOWN
            inner = _for_analyzer(value["value"])
            return {_SIG: _SECRET_SIG, "value": inner} if value.get("secret") else inner
        if sig is not None:
            return value  # assets and archives pass through unchanged
        return {k: _for_analyzer(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_analyzer(v) for v in value]
    return value


def _struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(dict(data))
    return out


def _from_inputs(value: Any) -> Any:
    """Decoded plan inputs (``Secret`` markers) back to wire form, for resources built by hand."""
    if isinstance(value, Secret):
        return {_SIG: _SECRET_SIG, "value": _from_inputs(value.value)}
    if isinstance(value, Mapping):
        return {str(k): _from_inputs(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_from_inputs(v) for v in value]
    return value


def _properties(resource: PlannedResource) -> struct_pb2.Struct:
    request = resource.request
    if request is None:
        return _struct(_from_inputs(resource.inputs))
    if not request.HasField("object"):
        return _struct({})
    return _struct(_for_analyzer(json_format.MessageToDict(request.object)))


def _seconds(duration: str) -> float:
    """A Go duration (``1h30m``, ``45s``) in seconds; custom timeouts travel as such strings."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    total = 0.0
    for number, unit in re.findall(r"([\d.]+)(ms|h|m|s)", duration or ""):
        total += float(number) * units[unit]
    return total


def _options(resource: PlannedResource, proto: Any) -> Any:
    request = resource.request
    timeouts = None
    if request is not None and request.HasField("customTimeouts"):
        ct = request.customTimeouts
        timeouts = proto.AnalyzerResourceOptions.CustomTimeouts(
            create=_seconds(ct.create), update=_seconds(ct.update), delete=_seconds(ct.delete))
    return proto.AnalyzerResourceOptions(
        protect=resource.protect,
        ignoreChanges=list(resource.ignore_changes),
        deleteBeforeReplace=bool(request.deleteBeforeReplace) if request is not None else False,
        deleteBeforeReplaceDefined=bool(request.deleteBeforeReplaceDefined) if request is not None else False,
        additionalSecretOutputs=list(request.additionalSecretOutputs) if request is not None else [],
        aliases=[a for a in resource.aliases if isinstance(a, str) and a.startswith("urn:")],
        customTimeouts=timeouts,
        parent=resource.parent or "",
    )


class _Providers:
    """The provider each resource is served by, as the engine reports it to analyzers:
    explicit providers from the plan, default providers from the stack config."""

    def __init__(self, plan: Plan, proto: Any) -> None:
        self.proto = proto
        self.stack = plan.stack
        self.by_urn = {r.urn: r for r in plan.resources if r.type.startswith("pulumi:providers:")}
        self.config = plan.config or {}

    def _default(self, package: str) -> Any:
        props: dict[str, Any] = {}
        if package == "aws" and self.config.get("aws:region"):
            props["region"] = self.config["aws:region"]
        azure = self.config.get("azure")
        if package == "azure-native" and isinstance(azure, Mapping) and azure.get("location"):
            props["location"] = azure["location"]
        name = f"default_{package.replace('-', '_')}"
        return self.proto.AnalyzerProviderResource(
            type=f"pulumi:providers:{package}", name=name, properties=_struct(props),
            urn=f"urn:pulumi:{self.stack}::{PROJECT}::pulumi:providers:{package}::{name}")

    def for_resource(self, resource: PlannedResource) -> Any:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            return None
        ref = resource.provider or ""
        urn = ref.rsplit("::", 1)[0] if "::" in ref else ""
        provider = self.by_urn.get(urn)
        if provider is not None:
            return self.proto.AnalyzerProviderResource(
                type=provider.type, name=provider.name, urn=provider.urn, properties=_properties(provider))
        package = resource.type.split(":", 1)[0]
        return self._default(package)


class PolicyConfigError(ValueError):
    """The policy pack config does not match the policies' config schemas."""


def _validate(info: Any, result: Mapping[str, tuple[int, dict[str, Any]]]) -> None:
    """Check every policy's config against its schema, as the CLI does before Configure."""
    import jsonschema

    problems = []
    for policy in info.policies:
        schema = {"type": "object", "properties": json_format.MessageToDict(policy.configSchema.properties)}
        for error in jsonschema.Draft7Validator(schema).iter_errors(result[policy.name][1]):
            where = ".".join(str(p) for p in error.absolute_path)
            problems.append(f"{policy.name}.{where}: {error.message}")
    if problems:
        raise PolicyConfigError("invalid policy pack config: " + "; ".join(problems))


def _reconciled_config(info: Any, proto: Any, overrides: Mapping[str, Mapping[str, Any]] | None) -> Any:
    """Every policy's config as the CLI reconciles it: schema defaults, then the pack's
    initial config, then the given overrides (``{"policy": {"enforcementLevel": .., key: ..}}``)."""
    levels = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY, "remediate": proto.REMEDIATE,
              "disabled": proto.DISABLED}
    result: dict[str, tuple[int, dict[str, Any]]] = {}
    for policy in info.policies:
        schema = json_format.MessageToDict(policy.configSchema.properties)
        props = {k: v["default"] for k, v in schema.items() if isinstance(v, Mapping) and "default" in v}
        result[policy.name] = (policy.enforcementLevel, props)

    def apply(given: Mapping[str, Any]) -> None:
        for name, value in given.items():
            if name not in result:
                continue
            level, props = result[name]
            if isinstance(value, str):
                level = levels[value]
            else:
                value = dict(value)
                if "enforcementLevel" in value:
                    raw = value.pop("enforcementLevel")
                    level = levels[raw] if isinstance(raw, str) else raw
                props = {**props, **value}
            result[name] = (level, props)

    apply({k: {**json_format.MessageToDict(v.properties), "enforcementLevel": v.enforcementLevel}
           for k, v in info.initialConfig.items()})
    if overrides:
        unknown = sorted(set(overrides) - set(result) - {"all"})
        if unknown:
            raise PolicyConfigError(f"policy pack config names unknown policies {unknown}; "
                                    f"known: {', '.join(sorted(result))}")
        if "enforcementLevel" in overrides.get("all", {}):
            apply({name: {"enforcementLevel": overrides["all"]["enforcementLevel"]} for name in result})
        apply({k: v for k, v in overrides.items() if k != "all"})
    if overrides is not None:  # without overrides, the pack's own config: checked once by its tests, not every plan
        _validate(info, result)
    return proto.ConfigureAnalyzerRequest(policyConfig={
        name: proto.PolicyConfig(enforcementLevel=level, properties=_struct(json.loads(json.dumps(props))))
        for name, (level, props) in result.items()
    })


def stack_tags(plan: Plan) -> dict[str, str]:
    """The stack's tags as the CLI sends them. Our stacks carry an ``Environment`` stack tag
    (``pulumi stack tag set Environment prod``, README); offline it comes from
    ``twincloud:environment``. Rules use it for resources without tags of their own
    (Helm releases, Kubernetes objects)."""
    tags = {"pulumi:project": PROJECT, "pulumi:runtime": "python"}
    environment = (plan.config or {}).get("environment")
    if isinstance(environment, str):
        tags["Environment"] = environment
    return tags


class _Servicers:
    """pulumi_policy's analyzer servicer, configured as the CLI configures it.

    ``full`` holds every policy. ``for_type`` gives a servicer with the stack policies'
    siblings removed and only the resource rules that apply to a type: the analyzer converts
    a resource's properties once per policy it holds, so handing it the 40-odd rules that
    cannot apply (say, Azure rules to an S3 bucket) only costs time; the violations are the
    same, because a rule that does not apply reports nothing. ``stack_rules`` runs the stack rules,
    where the analyzer converts every resource once per rule: with the pack's own config, only
    the rules with at least one resource of their types in the plan (a ``StackRule`` reads and
    reports on resources of its ``resource_types`` only; a test compares with the whole pack
    on dev and prod); with a stack's policy config, which can widen a rule's types
    (``statefulTypes``), every one.
    """

    def __init__(self, policy_config: Mapping[str, Mapping[str, Any]] | None, plan: Plan) -> None:
        from pulumi.runtime import proto

        import policies

        self._policies = policies
        self._proto = proto
        self._stack_request = proto.AnalyzerStackConfigureRequest(
            stack=plan.stack, project=PROJECT, dry_run=True, tags=stack_tags(plan))
        self.full = self._make(policies.POLICIES, None)
        info = self.full.GetAnalyzerInfo(empty_pb2.Empty(), None)
        self._configure = _reconciled_config(info, proto, policy_config)
        self.full.Configure(self._configure, None)
        self._by_key: dict[tuple[str, ...], Any] = {}
        self._by_type: dict[str, Any] = {}
        self.stack_rules = (self.full if policy_config is not None
                            else self._stack_rules_for({r.type for r in plan.resources}))

    def _stack_rules_for(self, types: set[str]) -> Any:
        from pulumi_policy import StackValidationPolicy

        selected = [pol for pol in self._policies.POLICIES if isinstance(pol, StackValidationPolicy)
                    and (not hasattr(pol, "applies_to") or any(pol.applies_to(t) for t in types))]
        return self._make(selected, self._configure) if selected else None  # none: nothing to report

    def _make(self, selected: list[Any], configure: Any) -> Any:
        from pulumi_policy.policy import _PolicyAnalyzerServicer

        p = self._policies
        servicer = _PolicyAnalyzerServicer(p.PACK_NAME, PACK_VERSION, selected, p.ENFORCEMENT_LEVEL,
                                           p.INITIAL_CONFIG or None, p.PACK_DESCRIPTION)
        servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
        if configure is not None:
            servicer.Configure(configure, None)
        servicer.ConfigureStack(self._stack_request, None)
        return servicer

    def for_type(self, resource_type: str) -> Any:
        if resource_type not in self._by_type:
            self._by_type[resource_type] = self._for_type(resource_type)
        return self._by_type[resource_type]

    def _for_type(self, resource_type: str) -> Any:
        from pulumi_policy import ResourceValidationPolicy

        selected = [pol for pol in self._policies.POLICIES if isinstance(pol, ResourceValidationPolicy)
                    and (not hasattr(pol, "applies_to") or pol.applies_to(resource_type))]
        key = tuple(pol.name for pol in selected)
        if not key:
            return None  # no rule applies: the analyzer would report nothing
        if key not in self._by_key:
            self._by_key[key] = self._make(selected, self._configure)
        return self._by_key[key]


_LEVELS = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "mandatory"}
_SEVERITIES = {0: "unspecified", 1: "low", 2: "medium", 3: "high", 4: "critical"}


def _violations(response: Any, default_urn: str) -> list[dict[str, Any]]:
    out = []
    for d in response.diagnostics:
        message = d.message
        if d.description and message.startswith(d.description):
            message = message[len(d.description):].lstrip("\n") or d.description
        out.append({
            "policy": d.policyName,
            "urn": d.urn or default_urn,
            "level": _LEVELS.get(d.enforcementLevel, "advisory"),
            "severity": _SEVERITIES.get(d.severity, "unspecified"),
            "message": message,
            "description": d.description,
        })
    return out


def evaluate(plan: Plan, policy_config: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Violations of ``policies.POLICIES`` in ``plan``: ``{"policy", "urn", "level",
    "severity", "message", "description"}`` each, resource rules first, then stack rules.

    ``policy_config`` is a stack's policy pack config (the JSON ``pulumi preview
    --policy-pack-config`` takes): ``{"<policy>": {"enforcementLevel": "advisory", <key>: <value>}}``.
    """
    with cyclic_gc_paused():
        return _evaluate(plan, policy_config)


def _evaluate(plan: Plan, policy_config: Mapping[str, Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    from pulumi.runtime import proto

    servicers = _Servicers(policy_config, plan)
    providers = _Providers(plan, proto)
    stack_urn = f"urn:pulumi:{plan.stack}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{plan.stack}"
    violations: list[dict[str, Any]] = []
    stack_resources = []
    for resource in plan.resources:
        properties = _properties(resource)
        options = _options(resource, proto)
        provider = providers.for_resource(resource)
        request = proto.AnalyzeRequest(type=resource.type, name=resource.name, urn=resource.urn,
                                       properties=properties, options=options, provider=provider)
        servicer = servicers.for_type(resource.type)
        if servicer is not None:
            violations += _violations(servicer.Analyze(request, None), resource.urn)
        property_dependencies = {}
        if resource.request is not None:
            property_dependencies = {k: proto.AnalyzerPropertyDependencies(urns=list(v.urns))
                                     for k, v in resource.request.propertyDependencies.items()}
        stack_resources.append(proto.AnalyzerResource(
            type=resource.type, name=resource.name, urn=resource.urn, properties=properties, options=options,
            provider=provider, parent=resource.parent or "", dependencies=list(resource.dependencies),
            propertyDependencies=property_dependencies,
        ))
    if servicers.stack_rules is not None:
        response = servicers.stack_rules.AnalyzeStack(proto.AnalyzeStackRequest(resources=stack_resources), None)
        violations += _violations(response, stack_urn)
    return violations
