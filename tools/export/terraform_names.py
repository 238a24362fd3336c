"""Terraform names of the Pulumi types and properties the stacks plan (pulumi-aws and
pulumi-random are bridged from the Terraform providers).

Each resource type's Terraform name is a fact from the bridge's own table; property names
come from the installed SDK's name tables (``tools.export.sdk``) except where the bridge
renamed a Terraform list block to a plural, listed below with the Terraform name.
"""

from __future__ import annotations

# Sources, cited by key in the tables below.
BRIDGE_METADATA = ("pulumi/pulumi-aws@07d08a0a50a459620181440fbb00ba497843f6c6:"
                   "provider/cmd/pulumi-resource-aws/bridge-metadata.json (renames.resources)")
V7_RELEASE = ("pulumi-aws v7.0.0 release notes (new s3/bucket*Configuration resources without the V2 suffix; "
              "quoted in github.com/realad/website/pull/90) and "
              "pulumi.com/registry/packages/aws/how-to-guides/bucketv2-migration (v7 Bucket is the old BucketV2); "
              "the v6 V2 tokens map to these names in " + BRIDGE_METADATA)
MODULE_RULE = ("bridge default: aws:<module>/<camelName> is aws_<module>_<snake_name> (checked: checkov 3.3.30 "
               "ships checks for this Terraform type, checkov/terraform/checks)")
TF_AWS_DOCS = "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/{}"

# Pulumi type token -> (Terraform resource type, source).
TF_TYPES: dict[str, tuple[str, str]] = {
    "aws:acm/certificate:Certificate": ("aws_acm_certificate", BRIDGE_METADATA),
    "aws:acm/certificateValidation:CertificateValidation": ("aws_acm_certificate_validation", BRIDGE_METADATA),
    "aws:cloudfront/distribution:Distribution": ("aws_cloudfront_distribution", BRIDGE_METADATA),
    "aws:codebuild/project:Project": ("aws_codebuild_project", MODULE_RULE),
    "aws:codebuild/webhook:Webhook": ("aws_codebuild_webhook", MODULE_RULE),
    "aws:cloudwatch/logGroup:LogGroup": ("aws_cloudwatch_log_group", BRIDGE_METADATA),
    "aws:cloudwatch/eventRule:EventRule": ("aws_cloudwatch_event_rule", MODULE_RULE),
    "aws:cloudwatch/eventTarget:EventTarget": ("aws_cloudwatch_event_target", MODULE_RULE),
    "aws:sqs/queue:Queue": ("aws_sqs_queue", MODULE_RULE),
    "aws:sqs/queuePolicy:QueuePolicy": ("aws_sqs_queue_policy", MODULE_RULE),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("aws_cloudwatch_metric_alarm", MODULE_RULE),
    "aws:sns/topic:Topic": ("aws_sns_topic", MODULE_RULE),
    "aws:sns/topicSubscription:TopicSubscription": (
        "aws_sns_topic_subscription", "bridge default: aws:<module>/<camelName> is aws_<module>_<snake_name> "
        "(unverified for this type: no checkov check names it)"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ("aws_default_security_group", BRIDGE_METADATA),
    "aws:ec2/eip:Eip": ("aws_eip", BRIDGE_METADATA),
    "aws:ec2/flowLog:FlowLog": ("aws_flow_log", BRIDGE_METADATA),
    "aws:ec2/launchTemplate:LaunchTemplate": (
        "aws_launch_template", "pulumi_aws 7.51.1 ec2/launch_template.py (the Terraform provider's Launch Template "
        "resource, import id lt-...); checkov 3.3.30 checkov/terraform/checks/resource/aws/IMDSv1Disabled.py and "
        "LaunchTemplateMetadataHop.py check aws_launch_template (not re-read in " + BRIDGE_METADATA + ")"),
    "aws:ec2/internetGateway:InternetGateway": ("aws_internet_gateway", BRIDGE_METADATA),
    "aws:ec2/natGateway:NatGateway": ("aws_nat_gateway", BRIDGE_METADATA),
    "aws:ec2/routeTable:RouteTable": ("aws_route_table", BRIDGE_METADATA),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("aws_vpc_security_group_ingress_rule", MODULE_RULE),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ("aws_route_table_association", BRIDGE_METADATA),
    "aws:ec2/securityGroup:SecurityGroup": ("aws_security_group", BRIDGE_METADATA),
    "aws:ec2/securityGroupRule:SecurityGroupRule": ("aws_security_group_rule", BRIDGE_METADATA),
    "aws:ec2/subnet:Subnet": ("aws_subnet", BRIDGE_METADATA),
    "aws:ec2/vpc:Vpc": ("aws_vpc", BRIDGE_METADATA),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (
        "aws_vpc_endpoint", "the Terraform type checkov 3.3 reads with its JSON policy (bridgecrewio/checkov@03d5fdad8d "
                            "checkov/terraform/plan_parser.py:37, graph_checks/aws/SGAttachedToResource.yaml:63); "
                            "the bridge's rename from the ec2 module was not read in bridge-metadata.json"),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ("aws_ecr_lifecycle_policy", BRIDGE_METADATA),
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": ("aws_ecr_replication_configuration", BRIDGE_METADATA),
    "aws:ecr/repository:Repository": ("aws_ecr_repository", BRIDGE_METADATA),
    # pulumi-aws's amp module is Terraform's prometheus service: same arguments (alias, kms_key_arn,
    # logging_configuration; workspace_id, retention_period_in_days, limits_per_label_set) as
    # registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/prometheus_workspace(_configuration);
    # terraform-provider-aws internal/service/amp/workspace_configuration.go
    # @FrameworkResource("aws_prometheus_workspace_configuration"); checkov 3.3.30 lists aws_prometheus_workspace
    # (checkov/common/checks_infra/resources_types.py).
    "aws:amp/workspace:Workspace": ("aws_prometheus_workspace", TF_AWS_DOCS.format("prometheus_workspace")),
    "aws:amp/workspaceConfiguration:WorkspaceConfiguration": (
        "aws_prometheus_workspace_configuration", TF_AWS_DOCS.format("prometheus_workspace_configuration")),
    "aws:eks/accessEntry:AccessEntry": ("aws_eks_access_entry", MODULE_RULE),
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": ("aws_eks_access_policy_association", MODULE_RULE),
    "aws:eks/addon:Addon": ("aws_eks_addon", BRIDGE_METADATA),
    "aws:eks/cluster:Cluster": ("aws_eks_cluster", BRIDGE_METADATA),
    "aws:eks/nodeGroup:NodeGroup": ("aws_eks_node_group", BRIDGE_METADATA),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ("aws_eks_pod_identity_association", MODULE_RULE),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("aws_elasticache_replication_group", BRIDGE_METADATA),
    "aws:elasticache/subnetGroup:SubnetGroup": ("aws_elasticache_subnet_group", BRIDGE_METADATA),
    "aws:elasticache/parameterGroup:ParameterGroup": (
        "aws_elasticache_parameter_group", "bridge default: aws:<module>/<camelName> is aws_<module>_<snake_name> "
                                           "(unverified for this type: no checkov check names it)"),
    "aws:iam/role:Role": ("aws_iam_role", BRIDGE_METADATA),
    "aws:iam/rolePolicy:RolePolicy": ("aws_iam_role_policy", BRIDGE_METADATA),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("aws_iam_role_policy_attachment", BRIDGE_METADATA),
    "aws:kms/key:Key": ("aws_kms_key", BRIDGE_METADATA),
    "aws:route53/healthCheck:HealthCheck": ("aws_route53_health_check", BRIDGE_METADATA),
    "aws:route53/record:Record": ("aws_route53_record", BRIDGE_METADATA),
    "aws:s3/bucket:Bucket": ("aws_s3_bucket", V7_RELEASE),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "aws_s3_bucket_lifecycle_configuration", V7_RELEASE),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("aws_s3_bucket_ownership_controls", BRIDGE_METADATA),
    "aws:s3/bucketPolicy:BucketPolicy": ("aws_s3_bucket_policy", BRIDGE_METADATA),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ("aws_s3_bucket_public_access_block", BRIDGE_METADATA),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "aws_s3_bucket_server_side_encryption_configuration", V7_RELEASE),
    "aws:s3/bucketVersioning:BucketVersioning": ("aws_s3_bucket_versioning", V7_RELEASE),
    "aws:s3/bucketLogging:BucketLogging": ("aws_s3_bucket_logging", V7_RELEASE),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (
        "aws_s3_bucket_replication_configuration", BRIDGE_METADATA),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("aws_cloudwatch_log_resource_policy", BRIDGE_METADATA),
    "aws:kms/keyPolicy:KeyPolicy": ("aws_kms_key_policy", BRIDGE_METADATA),
    "aws:kms/alias:Alias": ("aws_kms_alias", BRIDGE_METADATA),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ("aws_ecr_repository_policy", BRIDGE_METADATA),
    "aws:iam/policy:Policy": ("aws_iam_policy", BRIDGE_METADATA),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ("aws_iam_openid_connect_provider", BRIDGE_METADATA),
    "random:index/randomPassword:RandomPassword": (
        "random_password", "bridge default for pulumi-random: random:index/<camelName> is random_<snake_name> "
                           "(registry.terraform.io/providers/hashicorp/random/latest/docs/resources/password)"),
}

# Terraform provider (registry address) per Pulumi package.
TF_PROVIDERS = {"aws": "registry.terraform.io/hashicorp/aws", "random": "registry.terraform.io/hashicorp/random"}

# List blocks the bridge pluralised: (Terraform type, path of SDK Python names) -> (Terraform
# block name, source). Everything else keeps the SDK's Python name; a test checks each path is
# a list of objects in the SDK.
_CKV = "read under this name by checkov 3.3.30 (checkov/terraform/checks/{})"
_TF_DOC = "hashicorp/terraform-provider-aws@{}:website/docs/r/{}.html.markdown"
_HCL = "unverified at the provider docs; the block name is the one public Terraform code uses (find_string)"
TF_BLOCK_RENAME_ROWS: dict[tuple[str, str], tuple[str, str]] = {
    ("aws_cloudfront_distribution", "origins"): ("origin", _HCL),
    ("aws_cloudfront_distribution", "origins.custom_headers"): ("custom_header", _HCL),
    ("aws_cloudfront_distribution", "custom_error_responses"): ("custom_error_response", _HCL),
    ("aws_cloudfront_distribution", "ordered_cache_behaviors"): (
        "ordered_cache_behavior", _CKV.format("resource/aws/CloudfrontDistributionEncryption.py")),
    ("aws_cloudfront_distribution", "origin_groups"): (
        "origin_group", _CKV.format("resource/aws/CloudfrontDistributionOriginFailover.py")),
    ("aws_cloudfront_distribution", "origin_groups.members"): (
        "member", _CKV.format("resource/aws/CloudfrontDistributionOriginFailover.py")),
    ("aws_cloudfront_distribution", "default_cache_behavior.function_associations"): ("function_association", _HCL),
    ("aws_cloudfront_distribution", "default_cache_behavior.lambda_function_associations"): (
        "lambda_function_association", _HCL),
    ("aws_route_table", "routes"): ("route", _TF_DOC.format("0692bf71a3d55b078c47d710e64df27dedfdc540", "route_table")),
    ("aws_ecr_replication_configuration", "replication_configuration.rules"): (
        "rule", _TF_DOC.format("09e0df0d6c2434b99f3f6b3e991fba3c5262fd1b", "ecr_replication_configuration")),
    ("aws_ecr_replication_configuration", "replication_configuration.rules.destinations"): (
        "destination", _TF_DOC.format("09e0df0d6c2434b99f3f6b3e991fba3c5262fd1b", "ecr_replication_configuration")),
    ("aws_ecr_replication_configuration", "replication_configuration.rules.repository_filters"): (
        "repository_filter", _TF_DOC.format("09e0df0d6c2434b99f3f6b3e991fba3c5262fd1b", "ecr_replication_configuration")),
    ("aws_ecr_repository", "encryption_configurations"): (
        "encryption_configuration", _CKV.format("resource/aws/ECRRepositoryEncrypted.py")),
    ("aws_eks_addon", "pod_identity_associations"): (
        "pod_identity_association", "hashicorp/terraform-provider-aws internal/service/eks/addon_test.go "
                                    "(testAccAddonConfig, find_string)"),
    ("aws_eks_node_group", "taints"): ("taint", _HCL),
    ("aws_route53_record", "aliases"): ("alias", _HCL),
    ("aws_route53_record", "failover_routing_policies"): ("failover_routing_policy", _HCL),
    ("aws_s3_bucket_lifecycle_configuration", "rules"): ("rule", _CKV.format("resource/aws/S3AbortIncompleteUploads.py")),
    ("aws_s3_bucket_lifecycle_configuration", "rules.transitions"): ("transition", _HCL),
    ("aws_s3_bucket_lifecycle_configuration", "rules.noncurrent_version_transitions"): (
        "noncurrent_version_transition", _HCL),
    ("aws_s3_bucket_server_side_encryption_configuration", "rules"): (
        "rule", _CKV.format("graph_checks/aws/S3KMSEncryptedByDefault.json")),
    ("aws_s3_bucket_replication_configuration", "rules"): ("rule", _HCL),
    ("aws_acm_certificate", "validation_options"): ("validation_option", _HCL),
    ("aws_iam_role", "inline_policies"): ("inline_policy", _CKV.format("resource/aws/IAMAdminPolicyDocument.py")),
    ("aws_elasticache_replication_group", "log_delivery_configurations"): ("log_delivery_configuration", _HCL),
}
TF_BLOCK_RENAMES: dict[tuple[str, str], str] = {k: v[0] for k, v in TF_BLOCK_RENAME_ROWS.items()}


def tf_type(pulumi_type: str) -> str | None:
    entry = TF_TYPES.get(pulumi_type)
    return entry[0] if entry else None
