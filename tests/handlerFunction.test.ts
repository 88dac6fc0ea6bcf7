/**
 * components/handlerFunction.ts: the resource `aws.lambda.CallbackFunction` deploys, with the
 * archive's module paths computed once for every function of the program.
 */
import { expect } from "chai";
import { setup, settle } from "./helpers/mocks";
import { buildCounts, buildOnce } from "./helpers/stacks";

const recorder = setup();

import * as pulumi from "@pulumi/pulumi";
import { HandlerFunction, sharedCodePaths } from "../components/handlerFunction";
import { archiveEntries, loadModule } from "../scripts/lambdaCode";

const ROLE = "arn:aws:iam::123456789012:role/fn-role";

describe("HandlerFunction", () => {
  beforeEach(() => recorder.reset());

  it("deploys what CallbackFunction deploys: __index.js with the factory's handler, its defaults", async () => {
    new HandlerFunction("greet", {
      role: ROLE,
      callbackFactory: () => {
        const greeting = "hello";
        return async (event: { name: string }) => `${greeting} ${event.name}`;
      },
      codePathOptions: { extraExcludePackages: [] },
    });
    await settle();
    const fn = recorder.get("aws:lambda/function:Function", "greet");
    expect(fn.inputs.handler).to.equal("__index.handler");
    expect(fn.inputs.runtime).to.equal("nodejs22.x");
    expect(fn.inputs.timeout).to.equal(180);
    expect(fn.inputs.role).to.equal(ROLE);
    const entries = await archiveEntries(fn.inputs.code);
    expect(Object.keys(entries)).to.deep.equal(["__index.js"]);
    const handler = loadModule(entries["__index.js"]).handler as (e: unknown) => Promise<string>;
    expect(await handler({ name: "world" })).to.equal("hello world");
  });

  it("walks the dependency tree once for all functions with the same options", async () => {
    const original = pulumi.runtime.computeCodePaths;
    let walks = 0;
    const runtime = pulumi.runtime as { computeCodePaths: typeof original };
    runtime.computeCodePaths = ((options: pulumi.runtime.CodePathOptions) => {
      walks++;
      return original(options);
    }) as typeof original;
    try {
      // Options no other test uses, so that the cache of this process does not answer already.
      const options = { extraExcludePackages: ["handler-function-test"] };
      for (const name of ["a", "b", "c"]) {
        new HandlerFunction(name, {
          role: ROLE,
          runtime: "nodejs20.x",
          timeout: 30,
          callbackFactory: () => async () => name,
          codePathOptions: options,
        });
      }
      await settle();
      expect(walks).to.equal(1);
      expect(options).to.deep.equal({ extraExcludePackages: ["handler-function-test"] });
      const fns = recorder.ofType("aws:lambda/function:Function");
      expect(fns.map((f) => [f.name, f.inputs.runtime, f.inputs.timeout])).to.deep.equal([
        ["a", "nodejs20.x", 30],
        ["b", "nodejs20.x", 30],
        ["c", "nodejs20.x", 30],
      ]);
      // Other options are another question, asked once.
      await sharedCodePaths({ extraExcludePackages: ["handler-function-test", "other"] });
      await sharedCodePaths({ extraExcludePackages: ["other", "handler-function-test"] });
      expect(walks).to.equal(2);
    } finally {
      runtime.computeCodePaths = original;
    }
  });
});

describe("tests/helpers/stacks.ts buildOnce", () => {
  it("builds a key once and hands every caller exactly that build's resources", async () => {
    let built = 0;
    const make = () => {
      built++;
      new HandlerFunction("shared", { role: ROLE, callbackFactory: () => async () => 1 });
      return "value";
    };
    expect(await buildOnce(recorder, "handlerFunction.test shared", make)).to.equal("value");
    const first = recorder.resources.map((r) => `${r.type}::${r.name}`);
    expect(first).to.deep.equal(["aws:lambda/function:Function::shared"]);
    recorder.reset();
    new HandlerFunction("other", { role: ROLE, callbackFactory: () => async () => 2 });
    await settle();
    expect(await buildOnce(recorder, "handlerFunction.test shared", make)).to.equal("value");
    expect(recorder.resources.map((r) => `${r.type}::${r.name}`)).to.deep.equal(first);
    expect(built).to.equal(1);
    expect(buildCounts.get("handlerFunction.test shared")).to.equal(1);
  });

  it("does not keep a build that threw: the next caller builds again", async () => {
    let tries = 0;
    const fail = () => {
      tries++;
      throw new Error("bad arguments");
    };
    for (let i = 0; i < 2; i++) {
      let message = "";
      try {
        await buildOnce(recorder, "handlerFunction.test failing", fail);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.equal("bad arguments");
    }
    expect(tries).to.equal(2);
  });
});
