import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { setup, settle } from "./helpers/mocks";

const recorder = setup();

describe("mocks helper", () => {
  beforeEach(() => recorder.reset());

  it("records type, name, inputs and parent of every resource", async () => {
    const aws = await import("@pulumi/aws");
    class Parent extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Parent", name);
        new aws.sqs.Queue(`${name}-queue`, { sqsManagedSseEnabled: true }, { parent: this });
        this.registerOutputs({});
      }
    }
    new Parent("p");
    await settle();
    expect(recorder.get("test:index:Parent", "p").parent).to.equal(undefined);
    const queue = recorder.get("aws:sqs/queue:Queue", "p-queue");
    expect(queue.parent).to.equal("test:index:Parent::p");
    expect(queue.inputs.sqsManagedSseEnabled).to.equal(true);
  });

  it("throws on an invoke it does not implement", async () => {
    let message = "";
    try {
      await pulumi.runtime.invoke("aws:ec2/getVpc:getVpc", {});
    } catch (e) {
      message = String(e);
    }
    expect(message).to.contain("Mock not implemented: aws:ec2/getVpc:getVpc");
  });
});
