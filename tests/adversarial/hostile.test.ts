/**
 * Hostile events against every handler, as Pulumi serializes it: property-based, at least 300
 * events per handler, in the classes of issue 10 (malformed fields, hostile identifiers, hostile
 * regions, another account, a failed call, a trusted principal in every form of its ARN, and
 * oversized fields). The clients answer "still unsafe", so any bad event that got through would
 * be acted on. Asserted for every event: no crash (one `rejected` line or one incident record,
 * then the metric line; a thrown error names the remediation) and no mutating call on an event
 * that is malformed, from another account, failed or trusted. The figures are printed at the end.
 */
import { expect } from "chai";
import fc from "fast-check";
import { RemediationId } from "../../core/types";
import { ACCOUNT, captureLogs, type Json, mocked, sent } from "../lambdas/harness";
import { answerUnsafe, CASES, MUTATING, SERVICE_CLIENTS, serialized } from "./support";

/** Trusted principals of the settings: a role with a path, and a user. */
const TRUSTED = [
  "arn:aws:iam::123456789012:role/ops/Deployer",
  "arn:aws:iam::123456789012:user/ci",
];

interface Tally {
  events: number;
  crashes: number;
  mutatingOnBad: number;
  awsCallsOnRejected: number;
}

const FIGURES: Record<string, Record<string, Tally>> = {};

const BAD_TYPES: unknown[] = [undefined, null, 0, 123, true, false, {}, [], "", [""], { a: 1 }];

/**
 * Turns a valid identifier into one that must be refused, in the ways issue 10 lists. (Plain
 * names such as `constructor` are legal trail, bucket and recorder names: they are hostile as
 * regions, below, not as identifiers; `__proto__` is a legal recorder name.)
 */
function hostileId(valid: string, id: RemediationId): fc.Arbitrary<unknown> {
  const at = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i);
  // "__proto__" is a valid recorder name and a valid Lambda function name: acting on it is right.
  const validNames = [
    RemediationId.RestartConfigRecorder,
    RemediationId.RemoveLambdaPermission,
    RemediationId.RestrictFunctionUrl,
  ];
  const proto = validNames.includes(id) ? [] : ["__proto__"];
  return fc
    .oneof(
      fc.constantFrom<unknown>(
        ...proto,
        " ",
        `${valid}\u200b`,
        `\u200b${valid}`,
        `${valid}\ud800`,
        `${valid}\n`,
        `${valid} `,
        `${valid}/../x`,
        // Cyrillic and Greek look-alikes of Latin letters.
        valid.replace(/[a-z]/, (c) => ({ a: "а", e: "е", o: "о", s: "ѕ", c: "с" })[c] ?? "ο"),
        valid.replace(/[0-9]/, "０"),
        "x".repeat(1 << 20),
        `${valid}${"0".repeat(4096)}`,
        ...BAD_TYPES,
      ),
      fc
        .tuple(fc.nat(valid.length), fc.constantFrom("\u200b", "\u202e", "\u0000", "%", "\ud800"))
        .map(([i, c]) => at(valid, i, c)),
    )
    .filter((v) => v !== valid);
}

const HOSTILE_REGIONS = fc.oneof(
  fc.constantFrom<unknown>(
    "__proto__",
    "constructor",
    "toString",
    "valueOf",
    "audit\ud800",
    "eu-west-1\u200b",
    "eu-west-1 ",
    "EU-WEST-1",
    "eu-west-123",
    "x".repeat(100_000),
  ),
  fc.string({ maxLength: 30 }).filter((s) => !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(s)),
);

/** An event of the class, from the handler's valid event. */
type Build = (valid: () => Json, id: RemediationId) => fc.Arbitrary<Json>;

const CLASSES: Record<string, { runs: number; bad: boolean; build: Build }> = {
  "malformed field": {
    runs: 60,
    bad: true,
    build: (valid) =>
      fc
        .tuple(
          fc.constantFrom(
            (e: Json, v: unknown) => (e.detail = v),
            (e: Json, v: unknown) => (e.detail.eventID = v),
            (e: Json, v: unknown) => (e.detail.eventName = v),
            (e: Json, v: unknown) => (e.detail.eventSource = v),
            (e: Json, v: unknown) => (e.detail.userIdentity = v),
            (e: Json, v: unknown) => (e.detail.requestParameters = v === null ? 42 : [v]),
          ),
          fc.oneof(
            fc.constantFrom(...BAD_TYPES),
            // Never a valid event id (1-64 letters, digits, - or _), name or source.
            fc.string().map((x) => `${x}\u200b`),
            fc.integer(),
          ),
        )
        .filter(([, v]) => typeof v !== "object" || v === null || Array.isArray(v))
        .map(([set, v]) => {
          const e = valid();
          set(e, v);
          return e;
        }),
  },
  "hostile identifier": {
    runs: 60,
    bad: true,
    build: (valid, id) =>
      hostileId(CASES[id].id, id).map((v) => {
        const e = valid();
        CASES[id].setId(e, v);
        return e;
      }),
  },
  "hostile region": {
    runs: 40,
    bad: true,
    build: (valid) =>
      HOSTILE_REGIONS.map((r) => {
        const e = valid();
        e.region = r;
        e.detail.awsRegion = r;
        return e;
      }),
  },
  "another account": {
    runs: 40,
    bad: true,
    build: (valid) =>
      fc
        .tuple(
          fc.stringMatching(/^\d{12}$/).filter((a) => a !== ACCOUNT),
          fc.constantFrom("both", "envelope", "record"),
        )
        .map(([account, where]) => {
          const e = valid();
          if (where !== "record") e.account = account;
          if (where !== "envelope") e.detail.recipientAccountId = account;
          return e;
        }),
  },
  "failed call": {
    runs: 40,
    bad: true,
    build: (valid) =>
      fc
        .tuple(
          fc.oneof(fc.constantFrom(...BAD_TYPES.filter((v) => v !== undefined)), fc.jsonValue()),
          fc.constantFrom("errorCode", "errorMessage", "both"),
        )
        .map(([v, where]) => {
          const e = valid();
          if (where !== "errorMessage") e.detail.errorCode = v;
          if (where !== "errorCode") e.detail.errorMessage = v;
          return e;
        }),
  },
  "trusted principal": {
    runs: 40,
    bad: true,
    build: (valid) =>
      fc
        .tuple(
          fc.constantFrom("session", "session-no-issuer", "session-no-context", "user", "role"),
          fc.stringMatching(/^[\w+=,.@-]{2,64}$/),
          fc.constantFrom("Deployer", "deployer", "DEPLOYER"),
        )
        .map(([form, session, name]) => {
          const e = valid();
          const issuer = { type: "Role", arn: `arn:aws:iam::${ACCOUNT}:role/ops/${name}` };
          const identity: Json = {
            session: {
              type: "AssumedRole",
              arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
              sessionContext: { sessionIssuer: issuer },
            },
            "session-no-issuer": {
              type: "AssumedRole",
              arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
              sessionContext: { attributes: {} },
            },
            "session-no-context": {
              type: "AssumedRole",
              arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
            },
            user: { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/team/ci`, userName: "ci" },
            role: { type: "Role", arn: `arn:aws:iam::${ACCOUNT}:role/${name}` },
          }[form];
          e.detail.userIdentity = { accountId: ACCOUNT, principalId: "AROAEXAMPLE", ...identity };
          return e;
        }),
  },
  "oversized field": {
    runs: 20,
    bad: false,
    build: (valid) =>
      fc
        .tuple(
          fc.constantFrom("userAgent", "sourceIPAddress", "eventTime", "arn"),
          fc.integer({ min: 257 * 1024, max: 600 * 1024 }),
          fc.constantFrom("A", "é", "\ud83d\ude00", "\u200b"),
        )
        .map(([field, size, c]) => {
          const e = valid();
          const text = c.repeat(Math.ceil(size / c.length));
          if (field === "arn") e.detail.userIdentity.arn = `arn:aws:iam::${ACCOUNT}:user/${text}`;
          else e.detail[field] = text;
          return e;
        }),
  },
};

describe("adversarial: hostile events against the serialized handlers", function () {
  this.timeout(600_000);
  const m = mocked(SERVICE_CLIENTS);
  const services = () =>
    (Object.keys(SERVICE_CLIENTS) as (keyof typeof SERVICE_CLIENTS)[]).map((k) => m[k]);
  beforeEach(() => answerUnsafe(m));

  after(() => {
    const rows = Object.entries(FIGURES).flatMap(([id, classes]) =>
      Object.entries(classes).map(([cls, t]) => ({ id, cls, ...t })),
    );
    const total = (k: keyof Tally) => rows.reduce((n, r) => n + r[k], 0);
    console.log(
      `      hostile events: ${total("events")} (${Object.keys(FIGURES).length} handlers), crashes ${total("crashes")}, mutating calls on bad events ${total("mutatingOnBad")}, AWS calls on rejected events ${total("awsCallsOnRejected")}`,
    );
    for (const cls of Object.keys(CLASSES)) {
      const of = rows.filter((r) => r.cls === cls);
      const sum = (k: keyof Tally) => of.reduce((n, r) => n + r[k], 0);
      console.log(
        `        ${cls}: ${sum("events")} events, ${sum("crashes")} crashes, ${sum("mutatingOnBad")} mutating`,
      );
    }
  });

  for (const id of Object.values(RemediationId)) {
    const { valid } = CASES[id];
    FIGURES[id] = {};

    it(`${id}: the valid event is remediated (the mocks would let a bad event through)`, async () => {
      const handler = await serialized(id, { trustedPrincipalArns: TRUSTED });
      const { result, error } = await captureLogs(() => handler(valid()));
      expect(error).to.equal(undefined);
      expect((result as Json).outcome).to.equal("remediated");
    });

    for (const [cls, { runs, bad, build }] of Object.entries(CLASSES)) {
      it(`${id}: ${cls} (${runs} events)`, async () => {
        const handler = await serialized(id, { trustedPrincipalArns: TRUSTED });
        const tally: Tally = { events: 0, crashes: 0, mutatingOnBad: 0, awsCallsOnRejected: 0 };
        FIGURES[id][cls] = tally;
        await fc.assert(
          fc.asyncProperty(build(valid, id), async (event) => {
            [...services(), m.sns].forEach((s) => s.resetHistory());
            tally.events++;
            const { result, error, lines, stdout } = await captureLogs(() => handler(event));
            const calls = services().flatMap((s) => sent(s).map((c) => c.name));
            const mutating = calls.filter((c) => MUTATING.has(c));
            const kinds = lines.map((l) => l.type ?? (l._aws ? "metric" : "other"));
            const crashed =
              !(kinds.length === 2 && ["rejected", "incident"].includes(kinds[0])) ||
              kinds[1] !== "metric" ||
              (error !== undefined &&
                (!(error instanceof Error) || !error.message.startsWith(`${id}: `))) ||
              (error === undefined && result === undefined);
            if (crashed) tally.crashes++;
            if (bad) tally.mutatingOnBad += mutating.length;
            if (kinds[0] === "rejected") tally.awsCallsOnRejected += calls.length;
            expect(crashed, `${kinds.join(",")} ${error?.stack}`).to.equal(false);
            for (const line of stdout) expect(Buffer.byteLength(line)).to.be.below(64 * 1024);
            if (bad) {
              expect(mutating, cls).to.deep.equal([]);
            }
            if (cls === "failed call") {
              expect((result as Json)?.outcome).to.equal("ignored");
              expect(calls).to.deep.equal([]);
              expect(m.sns.calls()).to.have.length(0);
            } else if (cls === "trusted principal") {
              expect((result as Json)?.outcome).to.equal("exempt");
              expect(calls).to.deep.equal([]);
            } else if (bad) {
              expect(kinds[0]).to.equal("rejected");
              expect(error?.message).to.match(new RegExp(`^${id}: rejected event: `));
              expect(calls).to.deep.equal([]);
              expect(m.sns.calls()).to.have.length(0);
            } else {
              // Oversized: remediated, and the message fits SNS (256 KB) with a short subject.
              expect((result as Json)?.outcome).to.equal("remediated");
              const [publish] = m.sns.calls().map((c) => (c.args[0] as Json).input);
              expect(publish.Subject.length).to.be.below(100);
              expect(publish.Subject).to.match(/^[\x20-\x7e]+$/);
              const size =
                Buffer.byteLength(publish.Message) +
                Buffer.byteLength(JSON.stringify(publish.MessageAttributes));
              expect(size).to.be.below(32 * 1024);
            }
          }),
          { numRuns: runs },
        );
      });
    }
  }
});
