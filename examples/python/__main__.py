"""The README's TypeScript example, in Python: alert topics, the trail, the watcher, the CIS alarms
and the remediations, through the component provider of aws-security-watch.

Set up (not run in this repository's tests: there is no Pulumi CLI there; tests/schema.test.ts and
tests/examples.test.ts check that every component, argument and type named here is in schema.json):

    pulumi package add https://github.com/<owner>/aws-security-watch@v0.1.0
    pip install -r requirements.txt
    pulumi config set aws:region eu-west-1
    pulumi up
"""
import pulumi
import pulumi_aws_security_watch as asw

SEVERITIES = ["critical", "high", "medium", "info"]
# The detections whose rules trigger a remediation (README, "Detections"): AutoRemediator adds a
# target to each of these rules. A map's keys must be known when the program runs, so they are
# listed here; the rule names themselves come from the watcher.
REMEDIATED_DETECTIONS = [
    "cmk-disable-or-deletion",
    "cloudtrail-logging-stopped",
    "cloudtrail-event-selectors-reduced",
    "access-key-created-for-other-user",
    "access-key-exposed",
    "ebs-snapshot-made-public",
    "ami-made-public",
    "bucket-public-access-block-removed",
    "s3-bucket-made-public",
    "security-group-open-to-world",
    "security-group-rule-open-to-world",
    "config-recorder-stopped",
]

topics = asw.AlertTopicSet(
    "alerts",
    subscriptions=asw.SubscriptionSetArgs(emails={"secops": "secops@example.com"}),
    topics={
        "critical": asw.TopicSpecArgs(
            subscriptions=asw.SubscriptionSetArgs(sms_numbers={"oncall": "+447700900123"}),
        ),
    },
)
# Maps of ARNs cross the language boundary entry by entry: their keys stay known.
alert_topic_arns = {severity: topics.alert_topic_arns[severity] for severity in SEVERITIES}

trail = asw.AuditTrail("audit", insights=True)

watcher = asw.SecurityRuleWatcher(
    "watch",
    alert_topic_arns=alert_topic_arns,
    home_region="eu-west-1",
    disabled_detections=["vpc-changes"],
)

asw.CompositeAlarmGroup(
    "cis",
    log_group_name=trail.log_group_name,
    alert_topic_arns=alert_topic_arns,
    resolution_topic_arn=topics.resolution_topic_arn,
)

remediator = asw.AutoRemediator(
    "remediate",
    watcher=asw.RemediationRuleSourceArgs(
        rule_names={d: watcher.rule_names[d] for d in REMEDIATED_DETECTIONS},
        rule_arns={d: watcher.rule_arns[d] for d in REMEDIATED_DETECTIONS},
        dead_letter_queue_arn=watcher.dead_letter_queue_arn,
    ),
    resolution_topic_arn=topics.resolution_topic_arn,
    topic_kms_key_arn=topics.kms_key_arn,
    failure_alarm_topic_arn=topics.alert_topic_arns["high"],
    remediations={
        "revoke-world-ingress": asw.RemediationOptionsArgs(
            mode=asw.RemediationMode.ENFORCE,
            settings={"allowedPublicPorts": [443]},
        ),
    },
)

pulumi.export("alertTopicArns", topics.alert_topic_arns)
pulumi.export("remediationFunctions", remediator.function_arns)
