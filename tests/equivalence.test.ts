/**
 * Issue 20's "done when": the dev and org-hub stacks, built through SecurityWatch, deploy the
 * same resources as the stack program did before it (tests/fixtures/inventory/, written by
 * `npm run inventory` from that program): resource by resource, the same type, name and inputs,
 * and the same parent, except that what sat at the stack's root now sits in SecurityWatch (with
 * an alias to the root, so a deployed stack moves without a replacement).
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

    it("deploys the same resources, one SecurityWatch added at the root", () => {
      const added = after.map(key).filter((k) => !old.map(key).includes(k));
      const removed = old.map(key).filter((k) => !after.map(key).includes(k));
      expect({ added, removed }).to.deep.equal({ added: [WATCH], removed: [] });
      expect(after.find((e) => key(e) === WATCH)?.parent).to.equal(null);
    });

    it("gives every resource the same inputs", () => {
      const now = new Map(after.map((e) => [key(e), e.inputs]));
      const changed = old.filter((e) => now.get(key(e)) !== e.inputs).map(key);
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
