import { setup, settle } from "../tests/helpers/mocks";
const recorder = setup();
describe("smoke", () => {
  it("prints", async () => {
    const { AuditTrail } = await import("../components/auditTrail");
    const t = new AuditTrail("audit", {});
    await settle();
    for (const r of recorder.resources) console.log(r.type, r.name, r.parent, JSON.stringify(r.inputs).slice(0, 400));
    void t;
  });
});
