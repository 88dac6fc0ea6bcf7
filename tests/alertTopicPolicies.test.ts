import { expect } from "chai";
import * as fc from "fast-check";
import {
  AlertKeyPolicyInput,
  COMPONENT_NAME_PATTERN,
  KEY_ADMIN_ACTIONS,
  PolicyDocument,
  SubscriptionKind,
  TOPIC_MANAGEMENT_ACTIONS,
  alertKeyPolicy,
  duplicates,
  subscriptionResourceName,
  topicPolicy,
  topicPublisherPolicy,
  topicResourceName,
} from "../core/alertTopicPolicies";

const ACCOUNT = "123456789012";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ROLE_A = `arn:aws:iam::${ACCOUNT}:role/remediator-a`;
const ROLE_B = `arn:aws:iam::${ACCOUNT}:role/remediator-b`;
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts-critical-abc1234`;

const KEY_INPUT: AlertKeyPolicyInput = {
  partition: "aws",
  accountId: ACCOUNT,
  region: "eu-west-1",
  eventBridge: true,
  cloudWatch: true,
  publisherRoleArns: [ROLE_A, ROLE_B],
  allowIamPublishers: true,
};

function sid(doc: PolicyDocument, id: string) {
  const found = doc.Statement.filter((s) => s.Sid === id);
  expect(found, `statement ${id}`).to.have.length(1);
  return found[0];
}

describe("alertTopicPolicies", () => {
  describe("alertKeyPolicy", () => {
    const doc = alertKeyPolicy(KEY_INPUT);

    it("has the statements in order", () => {
      expect(doc.Version).to.equal("2012-10-17");
      expect(doc.Statement.map((s) => s.Sid)).to.deep.equal([
        "KeyAdministration",
        "EventBridgeUseOfKey",
        "CloudWatchUseOfKey",
        "SnsUseOfKey",
        "PublisherRolesUseOfKey",
        "AccountPublishersUseOfKey",
      ]);
    });

    it("KeyAdministration: the account root administers, without kms:* and without data-key use", () => {
      expect(sid(doc, "KeyAdministration")).to.deep.equal({
        Sid: "KeyAdministration",
        Effect: "Allow",
        Principal: { AWS: ROOT },
        Action: KEY_ADMIN_ACTIONS,
        Resource: "*",
      });
      expect(KEY_ADMIN_ACTIONS).to.include.members(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]);
      expect(KEY_ADMIN_ACTIONS).to.not.include.members(["kms:*", "kms:Decrypt", "kms:CreateGrant"]);
    });

    it("EventBridgeUseOfKey: no source condition (unsupported for EventBridge-to-encrypted topics)", () => {
      expect(sid(doc, "EventBridgeUseOfKey")).to.deep.equal({
        Sid: "EventBridgeUseOfKey",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      });
    });

    it("CloudWatchUseOfKey: CloudWatch alarms of this account", () => {
      expect(sid(doc, "CloudWatchUseOfKey")).to.deep.equal({
        Sid: "CloudWatchUseOfKey",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      });
    });

    it("SnsUseOfKey: SNS on behalf of this account", () => {
      expect(sid(doc, "SnsUseOfKey")).to.deep.equal({
        Sid: "SnsUseOfKey",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      });
    });

    it("PublisherRolesUseOfKey: the roles, through SNS in this region only", () => {
      expect(sid(doc, "PublisherRolesUseOfKey")).to.deep.equal({
        Sid: "PublisherRolesUseOfKey",
        Effect: "Allow",
        Principal: { AWS: [ROLE_A, ROLE_B] },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } },
      });
    });

    it("AccountPublishersUseOfKey: account principals allowed by IAM, through SNS, callers of this account", () => {
      expect(sid(doc, "AccountPublishersUseOfKey")).to.deep.equal({
        Sid: "AccountPublishersUseOfKey",
        Effect: "Allow",
        Principal: { AWS: ROOT },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: {
            "kms:CallerAccount": ACCOUNT,
            "kms:ViaService": "sns.eu-west-1.amazonaws.com",
          },
        },
      });
    });

    const variants: [string, Partial<AlertKeyPolicyInput>, string[]][] = [
      [
        "no topic accepts EventBridge",
        { eventBridge: false },
        [
          "KeyAdministration",
          "CloudWatchUseOfKey",
          "SnsUseOfKey",
          "PublisherRolesUseOfKey",
          "AccountPublishersUseOfKey",
        ],
      ],
      [
        "no topic accepts CloudWatch",
        { cloudWatch: false },
        [
          "KeyAdministration",
          "EventBridgeUseOfKey",
          "SnsUseOfKey",
          "PublisherRolesUseOfKey",
          "AccountPublishersUseOfKey",
        ],
      ],
      [
        "no roles",
        { publisherRoleArns: [] },
        [
          "KeyAdministration",
          "EventBridgeUseOfKey",
          "CloudWatchUseOfKey",
          "SnsUseOfKey",
          "AccountPublishersUseOfKey",
        ],
      ],
      [
        "no IAM publishers",
        { allowIamPublishers: false },
        [
          "KeyAdministration",
          "EventBridgeUseOfKey",
          "CloudWatchUseOfKey",
          "SnsUseOfKey",
          "PublisherRolesUseOfKey",
        ],
      ],
    ];
    for (const [title, change, sids] of variants) {
      it(`${title}: ${sids.join(", ")}`, () => {
        expect(
          alertKeyPolicy({ ...KEY_INPUT, ...change }).Statement.map((s) => s.Sid),
        ).to.deep.equal(sids);
      });
    }

    it("drops duplicate roles and uses the partition", () => {
      const gov = alertKeyPolicy({
        ...KEY_INPUT,
        partition: "aws-us-gov",
        region: "us-gov-west-1",
        publisherRoleArns: [ROLE_A, ROLE_A],
      });
      expect(sid(gov, "PublisherRolesUseOfKey").Principal).to.deep.equal({ AWS: [ROLE_A] });
      expect(sid(gov, "KeyAdministration").Principal).to.deep.equal({
        AWS: `arn:aws-us-gov:iam::${ACCOUNT}:root`,
      });
      expect(sid(gov, "PublisherRolesUseOfKey").Condition).to.deep.equal({
        StringEquals: { "kms:ViaService": "sns.us-gov-west-1.amazonaws.com" },
      });
    });
  });

  describe("topicPolicy", () => {
    const all = topicPolicy({
      partition: "aws",
      accountId: ACCOUNT,
      topicArn: TOPIC,
      publishers: { eventBridge: true, cloudWatch: true, roles: true },
      publisherRoleArns: [ROLE_A],
    });

    it("has the statements in order", () => {
      expect(all.Statement.map((s) => s.Sid)).to.deep.equal([
        "AccountManagesTopic",
        "EventBridgePublishes",
        "CloudWatchAlarmsPublish",
        "PublisherRolesPublish",
        "DenyInsecureTransport",
      ]);
    });

    it("AccountManagesTopic: management actions, no Publish, no sns:*", () => {
      expect(sid(all, "AccountManagesTopic")).to.deep.equal({
        Sid: "AccountManagesTopic",
        Effect: "Allow",
        Principal: { AWS: ROOT },
        Action: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
        ],
        Resource: TOPIC,
      });
    });

    it("EventBridgePublishes: rules of this account", () => {
      expect(sid(all, "EventBridgePublishes")).to.deep.equal({
        Sid: "EventBridgePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sns:Publish"],
        Resource: TOPIC,
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": `arn:aws:events:*:${ACCOUNT}:rule/*` },
        },
      });
    });

    it("CloudWatchAlarmsPublish: alarms of this account", () => {
      expect(sid(all, "CloudWatchAlarmsPublish")).to.deep.equal({
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["sns:Publish"],
        Resource: TOPIC,
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:*:${ACCOUNT}:alarm:*` },
        },
      });
    });

    it("PublisherRolesPublish: the named roles", () => {
      expect(sid(all, "PublisherRolesPublish")).to.deep.equal({
        Sid: "PublisherRolesPublish",
        Effect: "Allow",
        Principal: { AWS: [ROLE_A] },
        Action: ["sns:Publish"],
        Resource: TOPIC,
      });
    });

    it("DenyInsecureTransport: nothing without TLS", () => {
      expect(sid(all, "DenyInsecureTransport")).to.deep.equal({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["sns:Publish", ...TOPIC_MANAGEMENT_ACTIONS],
        Resource: TOPIC,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    });

    const cases: [
      string,
      { eventBridge: boolean; cloudWatch: boolean; roles: boolean },
      string[],
      string[],
    ][] = [
      [
        "alert topic defaults",
        { eventBridge: true, cloudWatch: true, roles: false },
        [ROLE_A],
        [
          "AccountManagesTopic",
          "EventBridgePublishes",
          "CloudWatchAlarmsPublish",
          "DenyInsecureTransport",
        ],
      ],
      [
        "resolutions defaults",
        { eventBridge: false, cloudWatch: true, roles: true },
        [ROLE_A],
        [
          "AccountManagesTopic",
          "CloudWatchAlarmsPublish",
          "PublisherRolesPublish",
          "DenyInsecureTransport",
        ],
      ],
      [
        "roles admitted but none given",
        { eventBridge: false, cloudWatch: false, roles: true },
        [],
        ["AccountManagesTopic", "DenyInsecureTransport"],
      ],
    ];
    for (const [title, publishers, roles, sids] of cases) {
      it(`${title}: ${sids.join(", ")}`, () => {
        const doc = topicPolicy({
          partition: "aws",
          accountId: ACCOUNT,
          topicArn: TOPIC,
          publishers,
          publisherRoleArns: roles,
        });
        expect(doc.Statement.map((s) => s.Sid)).to.deep.equal(sids);
      });
    }
  });

  describe("topicPublisherPolicy", () => {
    it("grants Publish on the topics and the data-key actions through SNS", () => {
      const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k`;
      expect(
        topicPublisherPolicy({ topicArns: [TOPIC, TOPIC], keyArn: key, region: "eu-west-1" }),
      ).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "PublishToAlertTopics",
            Effect: "Allow",
            Action: ["sns:Publish"],
            Resource: [TOPIC],
          },
          {
            Sid: "EncryptForAlertTopics",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: key,
            Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } },
          },
        ],
      });
    });
  });

  describe("properties of every generated policy", () => {
    const arbRole = fc
      .stringMatching(/^[A-Za-z0-9+=,.@_-]{1,64}$/)
      .map((n) => `arn:aws:iam::${ACCOUNT}:role/${n}`);
    const arbFlags = fc.record({
      eventBridge: fc.boolean(),
      cloudWatch: fc.boolean(),
      roles: fc.boolean(),
    });
    const arbDocs = fc
      .tuple(fc.array(arbRole, { maxLength: 5 }), arbFlags, fc.boolean())
      .map(([roles, flags, iam]) => [
        alertKeyPolicy({
          ...KEY_INPUT,
          eventBridge: flags.eventBridge,
          cloudWatch: flags.cloudWatch,
          publisherRoleArns: roles,
          allowIamPublishers: iam,
        }),
        topicPolicy({
          partition: "aws",
          accountId: ACCOUNT,
          topicArn: TOPIC,
          publishers: flags,
          publisherRoleArns: roles,
        }),
      ]);

    it("no wildcard action, unique Sids, JSON round trip, Allow never to Principal *", () => {
      fc.assert(
        fc.property(arbDocs, (docs) =>
          docs.every((doc) => {
            const actions = doc.Statement.flatMap((s) => s.Action);
            const sids = doc.Statement.map((s) => s.Sid);
            return (
              actions.every((a) => /^(kms|sns):[A-Za-z]+\*?$/.test(a)) &&
              new Set(sids).size === sids.length &&
              JSON.stringify(JSON.parse(JSON.stringify(doc))) === JSON.stringify(doc) &&
              doc.Statement.every((s) => s.Effect === "Deny" || s.Principal !== "*")
            );
          }),
        ),
      );
    });

    it("the EventBridge key grant never carries a condition; every other service grant does", () => {
      fc.assert(
        fc.property(arbDocs, ([keyDoc]) =>
          keyDoc.Statement.every((s) => {
            const service =
              s.Principal && typeof s.Principal === "object" && "Service" in s.Principal;
            if (!service) return true;
            return s.Sid === "EventBridgeUseOfKey"
              ? s.Condition === undefined
              : s.Condition !== undefined;
          }),
        ),
      );
    });
  });

  describe("names", () => {
    const arbComponent = fc.stringMatching(/^[A-Za-z0-9_-]{1,100}$/);
    const arbLabel = fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/).filter((s) => s.length <= 64);
    const arbHyphenFree = fc.stringMatching(/^[a-z0-9]{1,64}$/);
    const arbKind = fc.constantFrom(...Object.values(SubscriptionKind));

    it("topic names fit SNS once Pulumi appends its 8-character suffix", () => {
      fc.assert(
        fc.property(arbComponent, arbLabel, (name, purpose) => {
          expect(COMPONENT_NAME_PATTERN.test(name)).to.equal(true);
          const physical = `${topicResourceName(name, purpose)}-abcdefg`;
          return physical.length <= 256 && /^[A-Za-z0-9_-]+$/.test(physical);
        }),
      );
    });

    it("subscription names are unique for distinct (topic, kind, label) when labels have no hyphen", () => {
      fc.assert(
        fc.property(
          arbComponent,
          fc.uniqueArray(fc.tuple(arbLabel, arbKind, arbHyphenFree), {
            selector: ([p, k, l]) => `${p}|${k}|${l}`,
            maxLength: 20,
          }),
          (name, triples) => {
            const names = triples.map(([p, k, l]) => subscriptionResourceName(name, p, k, l));
            return duplicates(names).length === 0;
          },
        ),
      );
    });

    it("a hyphenated label can collide, and duplicates() reports it", () => {
      const a = subscriptionResourceName("alerts", "team-email", SubscriptionKind.Email, "x");
      const b = subscriptionResourceName("alerts", "team", SubscriptionKind.Email, "email-x");
      expect(a).to.equal("alerts-team-email-email-x");
      expect(duplicates([a, b, "other"])).to.deep.equal([a]);
    });

    it("duplicates() returns each repeated name once, in first-seen order", () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 }), (names) => {
          const expected = [...new Set(names)].filter(
            (n) => names.indexOf(n) !== names.lastIndexOf(n),
          );
          expect(duplicates(names)).to.deep.equal(expected);
        }),
      );
    });
  });
});
