/**
 * The contract between a remediation and the run loop: the remediator (plan, inspect, apply),
 * what it may use while it runs, and the result of one event.
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import type { RemediationId } from "../../core/types";
import type { ClientClass } from "./clients";
import type { EventFacts, Plan } from "./event";
import type { ResourceRecord } from "./idempotency";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

export type Outcome =
  "remediated" | "already-safe" | "exempt" | "dry-run" | "off" | "ignored" | "duplicate";

export interface RemediationResult {
  remediation: RemediationId;
  /** The CloudTrail event id (or the EventBridge id for non-CloudTrail events) of the alert. */
  eventId: string;
  outcome: Outcome;
  resource: string;
  principal: string;
  /** What was done (or, in dry-run, what would be done). */
  actions: string[];
  message: string;
}

/**
 * What reading the resource found: stop (already safe, or not in scope after all), or the fix:
 * the mutating calls, described (what enforce makes and dry-run reports), and the function that
 * makes them. `tags` are checked against the exemption tag before any fix (undefined: the
 * resource carries no tags). `state` says what was read (the incident record's stateBefore),
 * `after` what the fix leaves (its stateAfter).
 */
export type Inspection =
  | { done: "already-safe" | "ignored" | "exempt"; message: string; state?: string }
  | {
      done?: undefined;
      tags?: Map<string, string>;
      actions: string[];
      state?: string;
      after?: string;
      /** Makes the calls (enforce only): what was done, or undefined when nothing was left to do. */
      apply(): Promise<string | undefined>;
    };

/** What a remediator may use while it inspects and fixes one event. */
export interface RunContext {
  facts: EventFacts;
  /** An SDK client for the event's account in `region`: the only way a handler gets one. */
  client<C>(Client: ClientClass<C>, region: string): C;
  /**
   * A previous delivery of this event started the mutating calls and did not finish (known from
   * the idempotency record): a half-done undo is to be finished. Known once the claim is won,
   * which runs beside `inspect`: read it in `apply`, not when `inspect` starts.
   */
  readonly resumed: boolean;
  /**
   * The per-resource record under a canonical resource id (empty without the idempotency
   * table): the parts left as is for trusted changes. AWS Config planners leave those parts.
   */
  exempted(resource: string): Promise<ResourceRecord>;
}

/** The parts of a resource one change made (labels), under the resource's canonical id. */
export interface ChangedParts {
  resource: string;
  parts: string[];
}

/** The detail-type of AWS Config rule compliance changes. */
export const CONFIG_COMPLIANCE = "Config Rules Compliance Change";

/**
 * One remediation: a pure plan, then `inspect` (reads only: the cheapest read that tells whether
 * the resource is still unsafe, then its tags), then the fix. `gone` lists the AWS error names
 * that mean the resource no longer exists: already safe, whichever call meets them.
 * `planResource`, when present, plans from an AWS Config compliance change (which names a
 * resource, not the change): the run loop sends those events there, every other event to `plan`.
 */
export interface Remediator<T> {
  id: RemediationId;
  plan(event: unknown): Plan<T>;
  planResource?(event: unknown): Plan<T>;
  gone: string[];
  inspect(target: T, ctx: RunContext): Promise<Inspection>;
  /**
   * For remediations with `planResource`: the canonical resource id and the parts of the live
   * change (a permission, a snapshot), so that a change left as is for a trusted principal stays
   * as is when AWS Config reports the resource, part by part. Default: the plan's resource,
   * whole (`*`).
   */
  changedParts?(target: T, ctx: RunContext): Promise<ChangedParts>;
}

/** The Lambda context fields the run loop reads (all optional: tests call with the event only). */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
  awsRequestId?: string;
}
