import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsProblems, describeValue, map, obj, ShapeKind, str } from "../core/argsShape";

/** The parameters of the per-account spoke template (the member roles). */
export interface MemberRoleParametersArgs {
  /** The hub (security) account id. */
  readonly hubAccountId: pulumi.Input<string>;
  /** The organization id (`o-...`). */
  readonly organizationId: pulumi.Input<string>;
  /** The external id the hub names (OrganizationHub `externalId`). */
  readonly externalId: pulumi.Input<string>;
}

export interface OrganizationSpokeArgs {
  /** The hub's event bus ARN (OrganizationHub `eventBusArn`, or a home region's default bus). */
  readonly hubEventBusArn: pulumi.Input<string>;
  /** The regional spoke template (OrganizationHub `regionalTemplateBody`). */
  readonly regionalTemplateBody: pulumi.Input<string>;
  /**
   * One provider per region of the spoke, keyed by region: credentials for the account (for
   * example `assumeRole` into the management account) and that region.
   */
  readonly regionProviders: Record<string, aws.Provider>;
  /**
   * The per-account spoke template (OrganizationHub `accountTemplateBody`); unset: no member
   * roles (a secondary region of a single account, whose functions act with their own roles).
   * @default undefined
   */
  readonly accountTemplateBody?: pulumi.Input<string>;
  /**
   * The account template's parameters (required with `accountTemplateBody`).
   * @default undefined
   */
  readonly memberRoles?: MemberRoleParametersArgs;
  /**
   * The region (a key of `regionProviders`) whose provider deploys the account template.
   * @default the first key of `regionProviders`
   */
  readonly accountStackRegion?: string;
  /**
   * Name of the CloudFormation stacks: `<prefix>-regional`, `<prefix>-account`.
   * @default "asw-spoke"
   */
  readonly stackNamePrefix?: string;
  /**
   * Tags of the stacks.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  hubEventBusArn: str("an event bus ARN (OrganizationHub eventBusArn)", true),
  regionalTemplateBody: str("a template body (OrganizationHub regionalTemplateBody)", true),
  regionProviders: map(
    "a map of region to aws.Provider",
    { kind: ShapeKind.Any, expected: "an aws.Provider", required: true },
    { required: true },
  ),
  accountTemplateBody: str("a template body (OrganizationHub accountTemplateBody)"),
  memberRoles: obj("an object { hubAccountId, organizationId, externalId }", {
    hubAccountId: str("the hub account id", true),
    organizationId: str("an organization id (o-...)", true),
    externalId: str("the OrganizationHub externalId", true),
  }),
  accountStackRegion: str("a region name (a key of regionProviders)"),
  stackNamePrefix: str("a stack name prefix"),
  tags: map("a map of tag key to value", str("a tag value")),
};

const DEFAULTS = { stackNamePrefix: "asw-spoke", tags: {} as Record<string, string> };

/**
 * A spoke deployed with explicit providers, one CloudFormation stack per region (plus the
 * member roles once): for the organization's management account, which service-managed
 * StackSets skip; for organizations without StackSets; and for the secondary regions of a single
 * account, which forward to the home region's default bus instead of holding a second stack of
 * topics, key, functions and alarms.
 */
export class OrganizationSpoke extends pulumi.ComponentResource {
  /** The regional stack's id per region. */
  public readonly regionalStackIds: Record<string, pulumi.Output<string>>;
  /** The account stack's id (undefined without member roles). */
  public readonly accountStackId?: pulumi.Output<string>;

  constructor(name: string, args: OrganizationSpokeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:OrganizationSpoke", name, {}, opts);
    const shapeProblems = argsProblems("OrganizationSpoke", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const prefix = args.stackNamePrefix ?? DEFAULTS.stackNamePrefix;
    const tags = args.tags ?? DEFAULTS.tags;
    const regions = Object.keys(args.regionProviders ?? {});
    const accountRegion = args.accountStackRegion ?? regions[0];
    if (regions.length === 0) {
      throw new pulumi.ResourceError(
        "regionProviders: give one provider per region of the spoke",
        this,
      );
    }
    for (const region of regions) {
      const provider: unknown = args.regionProviders[region];
      if (!pulumi.ProviderResource.isInstance(provider)) {
        throw new pulumi.ResourceError(
          `regionProviders.${region} must be an aws.Provider (a provider resource for that region), got ${describeValue(provider)}`,
          this,
        );
      }
    }
    if (args.accountTemplateBody !== undefined && args.memberRoles === undefined) {
      throw new pulumi.ResourceError(
        "memberRoles: set hubAccountId, organizationId and externalId to deploy accountTemplateBody",
        this,
      );
    }
    if (args.accountTemplateBody !== undefined && !regions.includes(accountRegion)) {
      throw new pulumi.ResourceError(
        `accountStackRegion: "${accountRegion}" is not a key of regionProviders (${regions.join(", ")})`,
        this,
      );
    }

    this.regionalStackIds = {};
    for (const region of regions) {
      const stack = new aws.cloudformation.Stack(
        `${name}-${region}`,
        {
          name: `${prefix}-regional`,
          templateBody: args.regionalTemplateBody,
          parameters: { HubEventBusArn: args.hubEventBusArn },
          capabilities: ["CAPABILITY_IAM"],
          tags,
        },
        { parent: this, provider: args.regionProviders[region] },
      );
      this.regionalStackIds[region] = stack.id;
    }
    if (args.accountTemplateBody !== undefined && args.memberRoles) {
      const stack = new aws.cloudformation.Stack(
        `${name}-account`,
        {
          name: `${prefix}-account`,
          templateBody: args.accountTemplateBody,
          parameters: {
            HubAccountId: args.memberRoles.hubAccountId,
            OrganizationId: args.memberRoles.organizationId,
            ExternalId: args.memberRoles.externalId,
            Regions: regions.join(","),
          },
          capabilities: ["CAPABILITY_NAMED_IAM"],
          tags,
        },
        { parent: this, provider: args.regionProviders[accountRegion] },
      );
      this.accountStackId = stack.id;
    }
    this.registerOutputs({
      regionalStackIds: this.regionalStackIds,
      accountStackId: this.accountStackId,
    });
  }
}
