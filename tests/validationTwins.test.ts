/**
 * One rule per kind of value: the stack configuration accepts exactly the phone numbers and KMS
 * key ARNs that the components accept (core/validation.ts), so a value never passes one check
 * and fails the other at deployment.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { stackConfigProblems } from "../stack";
import { isE164PhoneNumber, isKmsKeyArn } from "../core/validation";

/** The configuration problems for one value at `path` (empty when the value is accepted). */
function problemsFor(path: "sms" | "key", value: string): string[] {
  const raw: Record<string, unknown> = {
    alerts: path === "sms" ? { sms: [value] } : {},
    remediation:
      path === "key"
        ? { remediations: { "cancel-key-deletion": { settings: { protectedKeyArns: [value] } } } }
        : {},
  };
  return stackConfigProblems((key) => raw[key], "eu-west-1");
}

const phones = fc.oneof(fc.stringMatching(/^\+?[0-9]{0,17}$/), fc.string({ maxLength: 20 }));
const keyArns = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("aws", "aws-cn", "aws-us-gov", "AWS"),
      fc.constantFrom("eu-west-1", "us-gov-west-1", "x"),
      fc.stringMatching(/^[0-9]{11,13}$/),
      fc.constantFrom("key/", "alias/"),
      fc.stringMatching(/^(mrk-)?[0-9a-fA-F-]{0,40}$/),
    )
    .map(([p, r, a, kind, id]) => `arn:${p}:kms:${r}:${a}:${kind}${id}`),
  fc.string({ maxLength: 30 }),
);

describe("one validation rule per kind of value (stack configuration = components)", () => {
  it("accepts a phone number exactly when the components do", () => {
    fc.assert(
      fc.property(phones, (value) => {
        const rejected = problemsFor("sms", value).length > 0;
        return rejected === !isE164PhoneNumber(value);
      }),
    );
  });

  it("accepts a KMS key ARN exactly when the components do (multi-region keys included)", () => {
    fc.assert(
      fc.property(keyArns, (value) => {
        const rejected = problemsFor("key", value).length > 0;
        return rejected === !isKmsKeyArn(value);
      }),
    );
    expect(
      problemsFor(
        "key",
        "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
      ),
    ).to.deep.equal([]);
    expect(problemsFor("sms", "+4420")).to.deep.equal([]);
  });
});
