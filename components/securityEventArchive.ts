import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsProblems, list, num, str } from "../core/argsShape";
import { archivePattern } from "../core/archivePattern";
import { CATALOG } from "../core/catalog";
import { EventPattern, validatePattern } from "../core/eventPattern";

export interface SecurityEventArchiveArgs {
  /**
   * The event patterns whose events to archive (JSON texts), e.g. those of SecurityRuleWatcher's
   * enabled `detections`. The archive's pattern is their union, generalized until it fits in
   * EventBridge's 2048 characters (core/archivePattern.ts): it archives at least every event
   * these patterns match.
   * @default the patterns of every detection of the catalog
   */
  readonly eventPatterns?: string[];
  /**
   * Days an archived event is kept; 0 keeps it indefinitely.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Name of the archive (1-48 of `[.\-_A-Za-z0-9]`), unique per account and region.
   * @default the component name
   */
  readonly archiveName?: string;
  /**
   * ARN of the event bus to archive.
   * @default the account's default event bus in the provider's region
   */
  readonly eventSourceArn?: pulumi.Input<string>;
}

const DEFAULTS = { retentionDays: 90 };

/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  eventPatterns: list(
    "a list of event patterns, each a JSON text",
    str("an event pattern as a JSON text", true),
  ),
  retentionDays: num("a number of days, 0 to keep events indefinitely"),
  archiveName: str("an archive name"),
  eventSourceArn: str("an event bus ARN"),
};

/**
 * An EventBridge archive of the security events the detections match, so that an event missed
 * or mishandled (a rule disabled, a remediation off, a target failing past its retries) can be
 * replayed to the bus (`npm run replay`). Archives are encrypted at rest (an AWS owned key by
 * default); archiving costs $0.10 per GB and storage $0.023 per GB-month.
 */
export class SecurityEventArchive extends pulumi.ComponentResource {
  /** Name of the EventBridge archive (what `npm run replay -- --archive` takes). */
  public readonly archiveName: pulumi.Output<string>;
  /** ARN of the EventBridge archive (the source of a replay). */
  public readonly archiveArn: pulumi.Output<string>;
  /** The archive's event pattern (JSON text, plain data). */
  public readonly eventPattern: string;
  /** How far the union was generalized to fit (core/archivePattern.ts `ArchivePatternStage`). */
  public readonly patternStage: string;

  constructor(
    name: string,
    args: SecurityEventArchiveArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("aws-security-watch:index:SecurityEventArchive", name, {}, opts);
    const shapeProblems = argsProblems("SecurityEventArchive", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const retentionDays = args.retentionDays ?? DEFAULTS.retentionDays;
    const archiveName = args.archiveName ?? name;

    // ---------------------------------------------------------------- validation
    const problems: string[] = [];
    if (!Number.isInteger(retentionDays) || retentionDays < 0) {
      problems.push(
        `retentionDays must be a whole number of days, 0 to keep events indefinitely; got ${retentionDays}`,
      );
    }
    if (!/^[.\-_A-Za-z0-9]{1,48}$/.test(archiveName)) {
      problems.push(`archiveName: "${archiveName}" must be 1-48 of A-Z, a-z, 0-9, ., - and _`);
    }
    const patterns: EventPattern[] = [];
    (args.eventPatterns ?? CATALOG.map((d) => JSON.stringify(d.eventPattern))).forEach(
      (text, i) => {
        let pattern: unknown;
        try {
          pattern = JSON.parse(text);
        } catch {
          problems.push(`eventPatterns[${i}]: not JSON`);
          return;
        }
        const errors = validatePattern(pattern);
        if (errors.length > 0) problems.push(`eventPatterns[${i}]: ${errors.join("; ")}`);
        else patterns.push(pattern as EventPattern);
      },
    );
    let union: ReturnType<typeof archivePattern> | undefined;
    if (problems.length === 0) {
      try {
        union = archivePattern(patterns);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0 || !union) {
      throw new pulumi.ResourceError(problems.join("\n"), this);
    }

    // ---------------------------------------------------------------- resources
    const eventSourceArn =
      args.eventSourceArn ??
      pulumi
        .all([
          aws.getPartitionOutput({}, { parent: this }).partition,
          aws.getRegionOutput({}, { parent: this }).region,
          aws.getCallerIdentityOutput({}, { parent: this }).accountId,
        ])
        .apply(([p, r, a]) => `arn:${p}:events:${r}:${a}:event-bus/default`);
    this.eventPattern = JSON.stringify(union.pattern);
    this.patternStage = union.stage;
    const archive = new aws.cloudwatch.EventArchive(
      `${name}-archive`,
      {
        name: archiveName,
        description: `aws-security-watch: the events of the detections (${union.stage}), for replay`,
        eventSourceArn,
        eventPattern: this.eventPattern,
        retentionDays,
      },
      { parent: this },
    );
    this.archiveName = archive.name;
    this.archiveArn = archive.arn;
    this.registerOutputs({
      archiveName: this.archiveName,
      archiveArn: this.archiveArn,
      eventPattern: this.eventPattern,
      patternStage: this.patternStage,
    });
  }
}
