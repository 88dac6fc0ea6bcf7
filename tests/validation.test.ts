import { expect } from "chai";
import * as fc from "fast-check";
import {
  E164_PHONE_NUMBER,
  EMAIL_ADDRESS,
  HTTPS_URL,
  KEBAB_CASE_LABEL,
  fieldPath,
  isE164PhoneNumber,
  isEmailAddress,
  isHttpsUrl,
  isIamRoleArn,
  isKebabCase,
  isKmsKeyArn,
  isLambdaFunctionArn,
  isSnsTopicArn,
  isSqsQueueArn,
  problemWith,
} from "../core/validation";

function table(fn: (v: string) => boolean, valid: string[], invalid: string[]): void {
  for (const v of valid) {
    it(`accepts ${JSON.stringify(v)}`, () => expect(fn(v)).to.equal(true));
  }
  for (const v of invalid) {
    it(`rejects ${JSON.stringify(v)}`, () => expect(fn(v)).to.equal(false));
  }
}

describe("validation", () => {
  describe("isEmailAddress", () => {
    table(
      isEmailAddress,
      [
        "oncall@example.com",
        "first.last@sub.example.co.uk",
        "alerts+sec@example.io",
        "o'brien@example.ie",
        "x@xn--80ak6aa92e.com",
        "a@b.xn--p1ai",
        `${"a".repeat(64)}@example.com`,
      ],
      [
        "",
        "foo@",
        "@example.com",
        "foo",
        "foo@example",
        "foo@@example.com",
        "foo@bar@example.com",
        ".foo@example.com",
        "foo.@example.com",
        "fo..o@example.com",
        "foo@-example.com",
        "foo@example-.com",
        "foo@example.c",
        "foo@example.123",
        "foo bar@example.com",
        "foo@exa mple.com",
        '"quoted"@example.com',
        `${"a".repeat(65)}@example.com`,
        `a@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(60)}.com`,
      ],
    );

    it("accepts the addresses fast-check generates", () => {
      fc.assert(fc.property(fc.emailAddress(), (email) => isEmailAddress(email)));
    });

    it("rejects every string without exactly one @", () => {
      fc.assert(
        fc.property(
          fc.string().filter((s) => s.split("@").length !== 2),
          (s) => !isEmailAddress(s),
        ),
      );
    });
  });

  describe("isE164PhoneNumber", () => {
    table(
      isE164PhoneNumber,
      ["+14155550100", "+442071838750", "+33612345678", "+123456789012345"],
      [
        "",
        "14155550100",
        "+",
        "+0155550100",
        "+1 415 555 0100",
        "+1-415-555-0100",
        "+1(415)5550100",
        "+1234567890123456",
        "++14155550100",
        "+14155550100\n",
        "+1415555010a",
      ],
    );

    it("accepts every +, non-zero digit and up to 14 more digits", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 9 }),
          fc.stringMatching(/^[0-9]{1,14}$/),
          (first, rest) => isE164PhoneNumber(`+${first}${rest}`),
        ),
      );
    });

    it("rejects every string that is not + followed by digits only", () => {
      fc.assert(
        fc.property(
          fc.string().filter((s) => !/^\+[0-9]+$/.test(s)),
          (s) => !isE164PhoneNumber(s),
        ),
      );
    });

    it("rejects more than 15 digits", () => {
      fc.assert(
        fc.property(
          fc.stringMatching(/^[1-9][0-9]{15,30}$/),
          (digits) => !isE164PhoneNumber(`+${digits}`),
        ),
      );
    });
  });

  describe("isHttpsUrl", () => {
    table(
      isHttpsUrl,
      [
        "https://hooks.example.com/alerts",
        "https://example.com",
        "https://example.com:8443/a?b=c#d",
        "https://user:secret@example.com/hook",
        "https://10.0.0.1/hook",
      ],
      [
        "",
        "http://example.com/hook",
        "HTTPS://example.com",
        "https://",
        "https:///path",
        "https://exa mple.com",
        " https://example.com",
        "ftp://example.com",
        "example.com",
        "https//example.com",
      ],
    );

    it("accepts the https URLs fast-check generates", () => {
      fc.assert(fc.property(fc.webUrl({ validSchemes: ["https"] }), (url) => isHttpsUrl(url)));
    });

    it("rejects every string that does not start with https://", () => {
      fc.assert(
        fc.property(
          fc.string().filter((s) => !s.startsWith("https://")),
          (s) => !isHttpsUrl(s),
        ),
      );
    });
  });

  describe("ARN shapes", () => {
    describe("isIamRoleArn", () =>
      table(
        isIamRoleArn,
        [
          "arn:aws:iam::123456789012:role/remediator",
          "arn:aws:iam::123456789012:role/service-role/my.role@x",
          "arn:aws-us-gov:iam::123456789012:role/r",
        ],
        [
          "arn:aws:iam::123456789012:user/alice",
          "arn:aws:iam::12345678901:role/r",
          "arn:aws:iam:eu-west-1:123456789012:role/r",
          "arn:aws:iam::123456789012:role/",
          "arn:aws:iam::123456789012:role/a b",
          "arn:aws:iam::123456789012:root",
          "*",
        ],
      ));

    describe("isLambdaFunctionArn", () =>
      table(
        isLambdaFunctionArn,
        [
          "arn:aws:lambda:eu-west-1:123456789012:function:notify",
          "arn:aws:lambda:us-gov-west-1:123456789012:function:notify:live",
          "arn:aws:lambda:eu-west-1:123456789012:function:notify:$LATEST",
          "arn:aws-cn:lambda:cn-north-1:123456789012:function:n_1",
        ],
        [
          "notify",
          "arn:aws:lambda:eu-west-1:123456789012:layer:notify",
          "arn:aws:lambda:eu-west-1:123456789012:function:",
          "arn:aws:lambda:eu-west-1:123456789012:function:a:b:c",
          "arn:aws:lambda::123456789012:function:notify",
          "arn:aws:sqs:eu-west-1:123456789012:notify",
        ],
      ));

    describe("isSqsQueueArn", () =>
      table(
        isSqsQueueArn,
        [
          "arn:aws:sqs:eu-west-1:123456789012:alerts",
          "arn:aws:sqs:eu-west-1:123456789012:alerts.fifo",
        ],
        [
          "https://sqs.eu-west-1.amazonaws.com/123456789012/alerts",
          "arn:aws:sqs:eu-west-1:123456789012:",
          "arn:aws:sqs:eu-west-1:123456789012:a/b",
          "arn:aws:sns:eu-west-1:123456789012:alerts",
        ],
      ));

    describe("isSnsTopicArn", () =>
      table(
        isSnsTopicArn,
        ["arn:aws:sns:eu-west-1:123456789012:alerts-critical-1a2b3c4"],
        ["arn:aws:sns:eu-west-1:123456789012", "arn:aws:sns:eu-west-1:123456789012:a:b"],
      ));

    describe("isKmsKeyArn", () =>
      table(
        isKmsKeyArn,
        ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        ["arn:aws:kms:eu-west-1:123456789012:alias/alerts", "alias/aws/sns"],
      ));
  });

  describe("isKebabCase", () => {
    table(
      isKebabCase,
      ["critical", "on-call", "team-2", "a1-b2-c3"],
      ["", "On-call", "on_call", "on--call", "-oncall", "oncall-", "on call", "on.call"],
    );

    it("the label rule caps labels at 64 characters", () => {
      expect(KEBAB_CASE_LABEL.test("a".repeat(64))).to.equal(true);
      expect(KEBAB_CASE_LABEL.test("a".repeat(65))).to.equal(false);
    });
  });

  describe("problemWith", () => {
    const cases: [string, unknown, typeof EMAIL_ADDRESS, string | undefined][] = [
      [
        "alerts.topics.critical.subscriptions.emails.oncall",
        "foo@",
        EMAIL_ADDRESS,
        'alerts.topics.critical.subscriptions.emails.oncall: "foo@" is not a valid email address',
      ],
      [
        "alerts.subscriptions.smsNumbers.ciso",
        "0044 20 7183 8750",
        E164_PHONE_NUMBER,
        'alerts.subscriptions.smsNumbers.ciso: "0044 20 7183 8750" is not an E.164 phone number ("+", country code and number, digits only, e.g. "+14155550100")',
      ],
      [
        "alerts.subscriptions.httpsEndpoints.pager.url",
        "http://pager.example.com",
        HTTPS_URL,
        'alerts.subscriptions.httpsEndpoints.pager.url: "http://pager.example.com" is not an absolute https:// URL (e.g. "https://hooks.example.com/alerts")',
      ],
      ["p", "oncall@example.com", EMAIL_ADDRESS, undefined],
      // Outputs and Promises have no value yet: skipped, AWS checks them at deployment.
      ["p", { apply: () => undefined }, EMAIL_ADDRESS, undefined],
      ["p", Promise.resolve("foo@"), EMAIL_ADDRESS, undefined],
    ];
    for (const [path, value, rule, expected] of cases) {
      it(`${path} ${String(value)} -> ${expected ?? "no problem"}`, () => {
        expect(problemWith(path, value, rule)).to.equal(expected);
      });
    }
  });

  describe("fieldPath", () => {
    it("joins identifier-like segments with dots and quotes the others", () => {
      expect(fieldPath("alerts", "topics", "critical")).to.equal("alerts.topics.critical");
      expect(fieldPath("alerts", "topics", "Bad Key", "emails")).to.equal(
        'alerts.topics["Bad Key"].emails',
      );
      expect(fieldPath("alerts")).to.equal("alerts");
    });
  });
});
