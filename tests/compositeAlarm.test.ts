import { expect } from "chai";
import * as fc from "fast-check";

import { CIS_CONTROL_IDS } from "../core/cisControls";
import {
  AlarmGroupError,
  AlarmGroupPlanInput,
  AlarmRule,
  AlarmRuleError,
  AlarmState,
  DEFAULT_COMPOSITES,
  MAX_ALARM_NAME_LENGTH,
  MAX_ALARM_RULE_LENGTH,
  MAX_FILTER_NAME_LENGTH,
  MAX_METRIC_NAME_LENGTH,
  alarmRuleReferences,
  planAlarmGroup,
  pruneAlarmRule,
  renderAlarmRule,
} from "../core/compositeAlarm";
import { SEVERITIES, Severity } from "../core/types";

const a = (alarm: string, alarmState?: AlarmState): AlarmRule =>
  alarmState ? { alarm, alarmState } : { alarm };

describe("compositeAlarm", () => {
  describe("renderAlarmRule", () => {
    const cases: [string, AlarmRule, string][] = [
      ["a reference", a("x"), 'ALARM("x")'],
      ["a reference to another state", a("x", AlarmState.Ok), 'OK("x")'],
      ["INSUFFICIENT_DATA", a("x", AlarmState.InsufficientData), 'INSUFFICIENT_DATA("x")'],
      ["allOf", { allOf: [a("x"), a("y")] }, 'ALARM("x") AND ALARM("y")'],
      ["anyOf", { anyOf: [a("x"), a("y"), a("z")] }, 'ALARM("x") OR ALARM("y") OR ALARM("z")'],
      ["a one-rule group", { anyOf: [a("x")] }, 'ALARM("x")'],
      ["not", { not: a("x") }, 'NOT ALARM("x")'],
      ["not over a group", { not: { anyOf: [a("x"), a("y")] } }, 'NOT (ALARM("x") OR ALARM("y"))'],
      [
        "nested groups",
        { allOf: [a("a"), { anyOf: [a("x"), a("y")] }] },
        'ALARM("a") AND (ALARM("x") OR ALARM("y"))',
      ],
      [
        "same-operator nesting keeps parentheses",
        { allOf: [{ allOf: [a("a"), a("b")] }, a("c")] },
        '(ALARM("a") AND ALARM("b")) AND ALARM("c")',
      ],
      ["not inside and", { allOf: [a("a"), { not: a("b") }] }, 'ALARM("a") AND NOT ALARM("b")'],
    ];
    for (const [title, rule, expected] of cases) {
      it(`renders ${title}`, () => {
        expect(renderAlarmRule(rule)).to.equal(expected);
      });
    }

    it("maps keys to alarm names", () => {
      expect(
        renderAlarmRule({ anyOf: [a("x"), a("y")] }, { alarmName: (k) => `sec-${k}` }),
      ).to.equal('ALARM("sec-x") OR ALARM("sec-y")');
    });

    const errors: [string, AlarmRule, string][] = [
      [
        "an unknown reference",
        { allOf: [a("x"), { anyOf: [a("y"), a("nope")] }] },
        'Composite alarm "c" references unknown alarm "nope" at allOf[1].anyOf[1]; known alarms: x, y',
      ],
      [
        "an empty allOf",
        { allOf: [] },
        'Composite alarm "c": allOf at rule is empty; give it at least one rule',
      ],
      [
        "an empty anyOf deep down",
        { allOf: [a("x"), { not: { anyOf: [] } }] },
        'Composite alarm "c": anyOf at allOf[1].not is empty; give it at least one rule',
      ],
      [
        "a node with two kinds",
        { alarm: "x", allOf: [a("y")] } as unknown as AlarmRule,
        'Composite alarm "c": the rule at rule must have exactly one of alarm, allOf, anyOf, not (found alarm, allOf)',
      ],
      [
        "an empty node",
        { anyOf: [{}] } as unknown as AlarmRule,
        'Composite alarm "c": the rule at anyOf[0] must have exactly one of alarm, allOf, anyOf, not (found none)',
      ],
      [
        "a bad state",
        { alarm: "x", alarmState: "alarm" } as unknown as AlarmRule,
        'Composite alarm "c": alarmState at rule must be one of ALARM, OK, INSUFFICIENT_DATA (found "alarm")',
      ],
      [
        "an empty alarm key",
        { anyOf: [a("")] },
        'Composite alarm "c": the alarm reference at anyOf[0] must be a non-empty string',
      ],
      [
        "allOf that is not a list",
        { allOf: a("x") } as unknown as AlarmRule,
        'Composite alarm "c": allOf at rule must be a list of rules',
      ],
    ];
    for (const [title, rule, message] of errors) {
      it(`rejects ${title}`, () => {
        expect(() =>
          renderAlarmRule(rule, { label: 'Composite alarm "c"', knownAlarms: ["x", "y"] }),
        ).to.throw(AlarmRuleError, message);
      });
    }

    it("rejects a tree deeper than the limit", () => {
      let rule: AlarmRule = a("x");
      for (let i = 0; i < 10; i++) rule = { not: rule };
      expect(() => renderAlarmRule(rule)).to.throw(
        AlarmRuleError,
        "Composite alarm rule: the rule nests deeper than 10 levels at not.not.not.not.not.not.not.not.not.not; flatten it",
      );
      let ok: AlarmRule = a("x");
      for (let i = 0; i < 9; i++) ok = { not: ok };
      expect(renderAlarmRule(ok)).to.equal(`${"NOT (".repeat(8)}NOT ALARM("x")${")".repeat(8)}`);
    });

    it("rejects more than 100 distinct alarms", () => {
      const rule = { anyOf: Array.from({ length: 101 }, (_, i) => a(`a${i}`)) };
      expect(() => renderAlarmRule(rule)).to.throw(
        AlarmRuleError,
        "Composite alarm rule references 101 alarms; CloudWatch allows at most 100 in one rule",
      );
      expect(() => renderAlarmRule({ anyOf: rule.anyOf.slice(0, 100) })).not.to.throw();
    });

    it("rejects a rule longer than 10240 characters", () => {
      const rule = { anyOf: Array.from({ length: 50 }, (_, i) => a(`${"n".repeat(200)}${i}`)) };
      expect(() => renderAlarmRule(rule)).to.throw(
        AlarmRuleError,
        /^Composite alarm rule renders to 1\d{4} characters; CloudWatch allows at most 10240 \(shorten alarmNamePrefix or split the rule\)$/,
      );
    });

    it("rejects alarm names that an AlarmRule cannot quote", () => {
      expect(() => renderAlarmRule(a("x"), { alarmName: () => 'a"b' })).to.throw(
        AlarmRuleError,
        'Composite alarm rule: alarm name "a\\"b" at rule contains " or parentheses, which an AlarmRule cannot quote',
      );
    });
  });

  describe("alarmRuleReferences and pruneAlarmRule", () => {
    const rule: AlarmRule = { allOf: [a("x"), { anyOf: [a("y"), a("x"), { not: a("z") }] }] };

    it("lists each reference once, in order", () => {
      expect(alarmRuleReferences(rule)).to.deep.equal(["x", "y", "z"]);
    });

    it("drops disabled references from anyOf, and allOf/not that lose a part", () => {
      expect(pruneAlarmRule(rule, (k) => k !== "y")).to.deep.equal({
        allOf: [a("x"), { anyOf: [a("x"), { not: a("z") }] }],
      });
      expect(pruneAlarmRule(rule, (k) => k !== "z")).to.deep.equal({
        allOf: [a("x"), { anyOf: [a("y"), a("x")] }],
      });
      expect(pruneAlarmRule(rule, (k) => k === "y")).to.equal(undefined);
      expect(pruneAlarmRule({ anyOf: [a("x"), a("y")] }, () => false)).to.equal(undefined);
    });
  });

  describe("planAlarmGroup", () => {
    const base: AlarmGroupPlanInput = {
      alarmNamePrefix: "sec",
      metricNamespace: "AwsSecurityWatch",
      alertSeverities: [...SEVERITIES],
    };

    it("plans the 15 CIS alarms with the CIS remediation settings", () => {
      const plan = planAlarmGroup(base);
      expect(plan.alarms.map((x) => x.key)).to.deep.equal(CIS_CONTROL_IDS);
      expect(plan.alarms[2]).to.deep.equal({
        key: "root-usage",
        kind: "cis",
        cis: "4.3",
        securityHub: "CloudWatch.1",
        alarmName: "sec-root-usage",
        filterName: "sec-root-usage",
        pattern:
          '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
        metricName: "RootAccountUsage",
        metricNamespace: "AwsSecurityWatch",
        severity: Severity.Critical,
        description:
          'Usage of the "root" user (CIS AWS Foundations v1.4 4.3, AWS Security Hub CloudWatch.1): metric filter RootAccountUsage on the CloudTrail log group.',
        threshold: 1,
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        actionsWired: true,
      });
    });

    it("plans the default composites with exact rules", () => {
      const plan = planAlarmGroup(base);
      expect(
        plan.composites.map((c) => [c.key, c.alarmName, c.rule, c.severity, c.children]),
      ).to.deep.equal([
        [
          "credential-attack",
          "sec-credential-attack",
          'ALARM("sec-console-auth-failures") AND ALARM("sec-unauthorized-api-calls")',
          Severity.High,
          ["console-auth-failures", "unauthorized-api-calls"],
        ],
        [
          "defense-evasion",
          "sec-defense-evasion",
          'ALARM("sec-cloudtrail-changes") OR ALARM("sec-config-changes") OR ALARM("sec-cmk-disable-or-deletion")',
          Severity.High,
          ["cloudtrail-changes", "config-changes", "cmk-disable-or-deletion"],
        ],
        [
          "network-tampering",
          "sec-network-tampering",
          'ALARM("sec-security-group-changes") OR ALARM("sec-nacl-changes") OR ALARM("sec-network-gateway-changes") OR ALARM("sec-route-table-changes") OR ALARM("sec-vpc-changes")',
          Severity.Medium,
          [
            "security-group-changes",
            "nacl-changes",
            "network-gateway-changes",
            "route-table-changes",
            "vpc-changes",
          ],
        ],
      ]);
      expect(plan.skippedComposites).to.deep.equal([]);
    });

    it("prunes or skips default composites over disabled controls", () => {
      const plan = planAlarmGroup({
        ...base,
        disabledControls: [
          "unauthorized-api-calls",
          "config-changes",
          "cloudtrail-changes",
          "cmk-disable-or-deletion",
          "vpc-changes",
        ],
      });
      expect(plan.skippedComposites).to.deep.equal(["credential-attack", "defense-evasion"]);
      expect(plan.composites.map((c) => c.rule)).to.deep.equal([
        'ALARM("sec-security-group-changes") OR ALARM("sec-nacl-changes") OR ALARM("sec-network-gateway-changes") OR ALARM("sec-route-table-changes")',
      ]);
      expect(plan.alarms.map((x) => x.key)).not.to.include("vpc-changes");
    });

    it("leaves the defaults out on request and lets a user composite replace one", () => {
      expect(planAlarmGroup({ ...base, includeDefaultComposites: false }).composites).to.deep.equal(
        [],
      );
      const plan = planAlarmGroup({
        ...base,
        composites: {
          "credential-attack": {
            rule: { allOf: [a("root-usage"), { not: a("console-auth-failures") }] },
            severity: Severity.Critical,
          },
        },
      });
      const c = plan.composites.find((x) => x.key === "credential-attack");
      expect(c).to.deep.include({
        rule: 'ALARM("sec-root-usage") AND NOT ALARM("sec-console-auth-failures")',
        severity: Severity.Critical,
        isDefault: false,
        description:
          'Composite alarm credential-attack: ALARM("sec-root-usage") AND NOT ALARM("sec-console-auth-failures")',
      });
    });

    it("applies overrides, severities and custom filters", () => {
      const plan = planAlarmGroup({
        ...base,
        controlOverrides: {
          "unauthorized-api-calls": { threshold: 10, periodSeconds: 600 },
          "console-auth-failures": {
            threshold: 5,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            severity: Severity.High,
          },
        },
        customFilters: {
          "stop-logging": {
            pattern: '{ $.eventName = "StopLogging" }',
            severity: Severity.Critical,
            threshold: 2,
          },
        },
      });
      const byKey = Object.fromEntries(plan.alarms.map((x) => [x.key, x]));
      expect(byKey["unauthorized-api-calls"]).to.deep.include({
        threshold: 10,
        periodSeconds: 600,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        severity: Severity.Medium,
      });
      expect(byKey["console-auth-failures"]).to.deep.include({
        threshold: 5,
        periodSeconds: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        severity: Severity.High,
      });
      expect(byKey["stop-logging"]).to.deep.equal({
        key: "stop-logging",
        kind: "custom",
        alarmName: "sec-stop-logging",
        filterName: "sec-stop-logging",
        pattern: '{ $.eventName = "StopLogging" }',
        metricName: "stop-logging",
        metricNamespace: "AwsSecurityWatch",
        severity: Severity.Critical,
        description: "Custom metric filter stop-logging on the CloudTrail log group.",
        threshold: 2,
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        actionsWired: true,
      });
    });

    it("marks the children of composites when suppressChildActions is on", () => {
      const plan = planAlarmGroup({
        ...base,
        suppressChildActions: true,
        includeDefaultComposites: false,
        composites: { pair: { rule: { allOf: [a("root-usage"), a("iam-policy-changes")] } } },
      });
      expect(plan.alarms.filter((x) => !x.actionsWired).map((x) => x.key)).to.deep.equal([
        "root-usage",
        "iam-policy-changes",
      ]);
      expect(planAlarmGroup(base).alarms.every((x) => x.actionsWired)).to.equal(true);
    });

    const invalid: [string, Partial<AlarmGroupPlanInput>, string][] = [
      [
        "a bad prefix",
        { alarmNamePrefix: "my prefix" },
        'alarmNamePrefix "my prefix" must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ],
      [
        "an AWS/ namespace",
        { metricNamespace: "AWS/Logs" },
        'metricNamespace "AWS/Logs" must be 1-255 characters without ":", "*", "$" or spaces, and must not start with "AWS/"',
      ],
      [
        "an unknown disabled control",
        { disabledControls: ["root"] },
        `disabledControls contains unknown control "root"; known controls: ${CIS_CONTROL_IDS.join(", ")}`,
      ],
      [
        "an unknown override",
        { controlOverrides: { root: { threshold: 2 } } },
        `controlOverrides has unknown control "root"; known controls: ${CIS_CONTROL_IDS.join(", ")} (set custom filter settings in customFilters)`,
      ],
      [
        "an override of a disabled control",
        { disabledControls: ["root-usage"], controlOverrides: { "root-usage": { threshold: 2 } } },
        'controlOverrides has "root-usage", which is disabled by disabledControls; remove one of the two',
      ],
      [
        "a zero threshold",
        { controlOverrides: { "root-usage": { threshold: 0 } } },
        'controlOverrides["root-usage"]: threshold must be a number greater than 0 (found 0)',
      ],
      [
        "a period not a multiple of 60",
        { controlOverrides: { "root-usage": { periodSeconds: 30 } } },
        'controlOverrides["root-usage"]: periodSeconds must be a multiple of 60 (metric filters publish one-minute metrics; found 30)',
      ],
      [
        "zero evaluation periods",
        { controlOverrides: { "root-usage": { evaluationPeriods: 0 } } },
        'controlOverrides["root-usage"]: evaluationPeriods must be an integer of at least 1 (found 0)',
      ],
      [
        "too many datapoints",
        { controlOverrides: { "root-usage": { evaluationPeriods: 2, datapointsToAlarm: 3 } } },
        'controlOverrides["root-usage"]: datapointsToAlarm must be an integer from 1 to evaluationPeriods (2; found 3)',
      ],
      [
        "an evaluation over one day",
        { controlOverrides: { "root-usage": { periodSeconds: 600, evaluationPeriods: 145 } } },
        'controlOverrides["root-usage"]: periodSeconds x evaluationPeriods is 87000 s; CloudWatch allows at most 86400 s for a 600 s period',
      ],
      [
        "a bad severity",
        { controlOverrides: { "root-usage": { severity: "urgent" as Severity } } },
        'controlOverrides["root-usage"]: severity must be one of critical, high, medium, info (found "urgent")',
      ],
      [
        "a bad custom key",
        { customFilters: { Bad_Key: { pattern: "{ $.a = 1 }", severity: Severity.Info } } },
        'customFilters key "Bad_Key" must be 1-64 lower-case letters, digits or "-", starting and ending with a letter or digit',
      ],
      [
        "a custom key that is a control id",
        { customFilters: { "root-usage": { pattern: "{ $.a = 1 }", severity: Severity.Info } } },
        'customFilters key "root-usage" is the id of a CIS control; choose another key (use controlOverrides to change the control)',
      ],
      [
        "a malformed custom pattern",
        { customFilters: { mine: { pattern: "{ $.a = 1", severity: Severity.Info } } },
        'customFilters["mine"]: Invalid metric filter pattern: unexpected end of pattern, expected && or || or a closing } at position 9 of { $.a = 1',
      ],
      [
        "a term pattern",
        { customFilters: { mine: { pattern: "ERROR", severity: Severity.Info } } },
        'customFilters["mine"]: Invalid metric filter pattern: a JSON filter pattern must start with { at position 0 of ERROR',
      ],
      [
        "a user composite over a disabled control",
        {
          disabledControls: ["root-usage"],
          composites: { mine: { rule: { anyOf: [a("iam-policy-changes"), a("root-usage")] } } },
        },
        'Composite alarm "mine" references alarm "root-usage", which is disabled by disabledControls; enable it or remove it from the rule',
      ],
      [
        "a user composite over an unknown alarm",
        {
          includeDefaultComposites: false,
          customFilters: { mine: { pattern: "{ $.a = 1 }", severity: Severity.Info } },
          composites: { both: { rule: { allOf: [a("mine"), a("other")] } } },
        },
        `Composite alarm "both" references unknown alarm "other" at allOf[1]; known alarms: ${CIS_CONTROL_IDS.join(", ")}, mine`,
      ],
      [
        "a composite key that is an alarm key",
        { composites: { "root-usage": { rule: a("iam-policy-changes") } } },
        'composites key "root-usage" is already the key of an alarm of the group; choose another key',
      ],
      [
        "a missing topic",
        { alertSeverities: ["high", "medium", "info"] },
        'alertTopicArns has no topic for severity "critical" (used by "root-usage"); add alertTopicArns["critical"] or change the severity',
      ],
      [
        "a missing topic for a composite",
        {
          alertSeverities: ["critical", "medium"],
          disabledControls: [
            "console-signin-without-mfa",
            "iam-policy-changes",
            "cloudtrail-changes",
            "cmk-disable-or-deletion",
            "config-changes",
            "organizations-changes",
          ],
        },
        'alertTopicArns has no topic for severity "high" (used by "credential-attack"); add alertTopicArns["high"] or change the severity',
      ],
    ];
    for (const [title, patch, message] of invalid) {
      it(`rejects ${title}`, () => {
        let error: unknown;
        try {
          planAlarmGroup({ ...base, ...patch });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(Error);
        expect([AlarmGroupError, AlarmRuleError].some((t) => error instanceof t)).to.equal(true);
        expect((error as Error).message).to.equal(message);
      });
    }

    it("keeps every name unique and within AWS limits for any prefix and keys", () => {
      const key = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/);
      const prefix = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
      fc.assert(
        fc.property(
          prefix,
          fc.uniqueArray(key, { maxLength: 5 }),
          fc.uniqueArray(key, { maxLength: 3 }),
          (p, customKeys, compositeKeys) => {
            const customs = customKeys.filter((k) => !CIS_CONTROL_IDS.includes(k as never));
            const composites = compositeKeys.filter(
              (k) =>
                !CIS_CONTROL_IDS.includes(k as never) &&
                !customs.includes(k) &&
                !(k in DEFAULT_COMPOSITES),
            );
            const plan = planAlarmGroup({
              ...base,
              alarmNamePrefix: p,
              customFilters: Object.fromEntries(
                customs.map((k) => [
                  k,
                  { pattern: `{ $.eventName = "${k}" }`, severity: Severity.Info },
                ]),
              ),
              composites: Object.fromEntries(
                composites.map((k) => [
                  k,
                  { rule: { anyOf: [a("root-usage"), a("vpc-changes")] } },
                ]),
              ),
            });
            const alarmNames = [
              ...plan.alarms.map((x) => x.alarmName),
              ...plan.composites.map((c) => c.alarmName),
            ];
            const filterNames = plan.alarms.map((x) => x.filterName);
            const metricNames = plan.alarms.map((x) => x.metricName);
            expect(new Set(alarmNames).size).to.equal(alarmNames.length);
            expect(new Set(filterNames).size).to.equal(filterNames.length);
            expect(new Set(metricNames).size).to.equal(metricNames.length);
            for (const n of alarmNames) {
              expect(n.length).to.be.within(1, MAX_ALARM_NAME_LENGTH);
              expect(n).to.match(/^[A-Za-z0-9._-]+$/);
            }
            for (const n of filterNames) {
              expect(n.length).to.be.within(1, MAX_FILTER_NAME_LENGTH);
              expect(n).not.to.match(/[:*]/);
            }
            for (const n of metricNames) {
              expect(n.length).to.be.within(1, MAX_METRIC_NAME_LENGTH);
              expect(n).not.to.match(/[:*$]/);
            }
            for (const c of plan.composites)
              expect(c.rule.length).to.be.at.most(MAX_ALARM_RULE_LENGTH);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
