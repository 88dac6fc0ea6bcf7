/**
 * What one remediation declares about itself (Cloud Custodian's habit: an action carries its
 * schema and its permissions). Each `remediations/<id>/spec.ts` exports one `RemediationSpec`;
 * `remediations/registry.ts` lists them, and the AutoRemediator, the member roles, the spoke
 * templates, the stack configuration, the drill and the docs iterate that list.
 *
 * Deploy-time code: not serialized into the Lambdas (only `factory`, the handler factory, is).
 */
import type { RemediationPolicyStatement, StatementContext } from "../core/remediationPolicies";
import type { RemediationResult } from "../lambdas/runtime/remediator";

/** A handler as the run loop returns it. */
export type RemediationHandler = (event: unknown) => Promise<RemediationResult>;

/**
 * A handler factory (`create<X>Handler` of `remediations/<id>/handler.ts`): takes the shared
 * settings (RemediationSettings) plus the remediation's own, validates them at cold start and
 * returns the handler. Typed loosely here: each factory declares its own settings type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerFactory = (settings: any) => RemediationHandler;

/** One setting of a remediation (`remediations.<id>.settings.<name>` of the AutoRemediator). */
export interface SettingSpec {
  /** What it does, for the docs and the TSDoc of the spec's settings interface. */
  readonly doc: string;
  /** The value when the user gives none (plain data). */
  readonly default: unknown;
  /** Words for the expected value in messages ("a list of port numbers"). */
  readonly expected: string;
  /**
   * Why `value` is not valid, naming `key` (the path the user wrote, e.g.
   * `remediations.revoke-world-ingress.settings.allowedPublicPorts[2]`); undefined when valid.
   * Values still pending (Outputs) are skipped by the caller.
   */
  check(value: unknown, key: string): string | undefined;
  /**
   * A list that may hold Outputs (ARNs of resources of the same program): a list with a pending
   * element reaches the handler through the function's DEPLOYED_SETTINGS instead of its code.
   * @default false
   */
  readonly outputs?: boolean;
  /**
   * The key of the stack file's `remediation:` object that sets it today (the flat, shared
   * form: `allowedPublicPorts`), read by the stack configuration.
   * @default the setting's own name
   */
  readonly stackKey?: string;
}

/** The docs of a remediation: what it undoes, what it never touches, what its role can still do. */
export interface RemediationDocs {
  readonly undoes: string;
  readonly neverTouches: string;
  /** What a compromised function could still do with its role, and why it is not narrower. */
  readonly roleCanStill: string;
}

/** Everything about one remediation. */
export interface RemediationSpec {
  /** Kebab-case id: the function's name part, the remediation's key in args and config. */
  readonly id: string;
  /** Its `RemediationId` member name (PascalCase): `RemediationId.<key>`. */
  readonly key: string;
  /** One line: what it does. */
  readonly title: string;
  /** The handler factory (serialized into the function with the settings). */
  readonly factory: HandlerFactory;
  /** The IAM statements of its AWS calls (the shared ones are added by core/remediationPolicies.ts). */
  statements(ctx: StatementContext): RemediationPolicyStatement[];
  /** Its own settings, by name (empty when it has none). */
  readonly settings: Readonly<Record<string, SettingSpec>>;
  /** The catalog detections that trigger it (core/catalog.ts ids). */
  readonly detections: readonly string[];
  /** The AWS Config managed rules (core/catalog/configRules.ts keys) whose NON_COMPLIANT results it undoes. */
  readonly configRules?: readonly string[];
  readonly docs: RemediationDocs;
}
