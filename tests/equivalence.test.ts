/**
 * Issue 20's "done when": the dev and org-hub stacks, built through SecurityWatch, deploy the
 * same resources as the stack program did before it (tests/fixtures/inventory/, written by
 * `npm run inventory` from that program at da2d7dc): resource by resource, the same type and
 * name, and the same parent, except that what sat at the stack's root now sits in SecurityWatch
 * (with an alias to the root, so a deployed stack moves without a replacement).
 *
 * When SecurityWatch landed, every input was equal too (the merge of the facade branch). Changes
 * made since on purpose are listed here, each with its reason: resources added (ADDED) and the
 * resources whose inputs changed; a resource added or changed without being listed fails.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { setup } from "./helpers/mocks";

const recorder = setup();

import {
  buildInventory,
  INVENTORY_DIR,
  INVENTORY_STACKS,
  InventoryEntry,
} from "../scripts/inventory";
import * as pulumi from "@pulumi/pulumi";

/** The aliases each resource is registered with (`type::name` -> alias specs), as the engine gets them. */
const aliases = new Map<string, unknown[]>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const monitor = pulumi.runtime.getMonitor() as any;
const register = monitor.registerResource.bind(monitor);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
monitor.registerResource = (req: any, callback: any) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const list = (req.getAliasesList?.() ?? []).map((a: any) =>
    JSON.parse(JSON.stringify(a.toObject())),
  );
  aliases.set(`${req.getType()}::${req.getName()}`, list);
  return register(req, callback);
};

const WATCH = "aws-security-watch:index:SecurityWatch::security-watch";

/** Resources added since the inventories were taken, on purpose, by stack. */
const ADDED: Record<string, Record<string, string>> = {
  dev: {
    [WATCH]: "the one component of the whole chain (issue 20)",
    "aws:dynamodb/table:Table::thresholds-reporter-claims":
      "the threshold reporter reports an alarm once across containers (issue 18, D10)",
    "aws:sqs/queue:Queue::compliance-resolved-dlq":
      "the compliance-resolved target's dead-letter queue (issue 19)",
    "aws:sqs/queuePolicy:QueuePolicy::compliance-resolved-dlq-policy":
      "only the compliance-resolved rule may send to its dead-letter queue (issue 19)",
  },
  "org-hub": {
    [WATCH]: "the one component of the whole chain (issue 20)",
    "aws:cloudwatch/contributorInsightRule:ContributorInsightRule::org-spokes":
      "the heartbeat counts distinct spokes, so a chatty one cannot hide a dead one (issue 18)",
  },
};

/**
 * Types whose inputs changed on purpose since the inventories: the functions' code (the run
 * loop, the remediations' fixes, the chat renderer), their policies (the IAM simulator's
 * findings, the reporter's claims), the detections' patterns and alerts (request forms, the
 * neutralised cards) and the heartbeat alarm.
 */
const CHANGED_TYPES = new Set([
  "aws:lambda/function:Function",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:cloudformation/stackSet:StackSet",
  "aws:cloudformation/stack:Stack",
]);
const key = (e: InventoryEntry) => `${e.type}::${e.name}`;

for (const stack of INVENTORY_STACKS) {
  describe(`the ${stack} stack through SecurityWatch, against the inventory from before it`, () => {
    const old = JSON.parse(
      fs.readFileSync(path.join(INVENTORY_DIR, `${stack}.json`), "utf8"),
    ) as InventoryEntry[];
    let after: InventoryEntry[];
    before(async () => {
      after = await buildInventory(recorder, stack);
    });

    it("deploys the same resources, one SecurityWatch added at the root (and the listed additions)", () => {
      const added = after.map(key).filter((k) => !old.map(key).includes(k));
      const removed = old.map(key).filter((k) => !after.map(key).includes(k));
      expect({ added, removed }).to.deep.equal({
        added: Object.keys(ADDED[stack]).sort(),
        removed: [],
      });
      expect(after.find((e) => key(e) === WATCH)?.parent).to.equal(null);
    });

    it("gives every resource the same inputs, but for the types changed on purpose since", () => {
      const now = new Map(after.map((e) => [key(e), e.inputs]));
      const changed = old
        .filter((e) => now.get(key(e)) !== e.inputs && !CHANGED_TYPES.has(e.type))
        .map(key);
      expect(changed).to.deep.equal([]);
    });

    it("moves the old roots with an alias to the stack's root, so a deployed stack is not replaced", () => {
      const roots = old.filter((e) => e.parent === null).map(key);
      const spec = { name: "", type: "", stack: "", project: "", noparent: true };
      expect(Object.fromEntries(roots.map((k) => [k, aliases.get(k)]))).to.deep.equal(
        Object.fromEntries(roots.map((k) => [k, [{ spec }]])),
      );
      // Their children need none of their own: the engine derives them from the parent's alias.
    });

    it("keeps every parent; the old roots are SecurityWatch's children", () => {
      const now = new Map(after.map((e) => [key(e), e.parent]));
      const moved = old.filter((e) => now.get(key(e)) !== (e.parent ?? WATCH)).map(key);
      expect(moved).to.deep.equal([]);
      expect(old.filter((e) => e.parent === null).length).to.be.greaterThan(5);
    });
  });
}
