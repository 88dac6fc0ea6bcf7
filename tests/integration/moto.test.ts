import { expect } from "chai";
import * as net from "net";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  MOTO_ACCOUNT,
  MOTO_INSTALL_HINT,
  MotoServer,
  clientConfig,
  findFreePort,
  resolveMotoCommand,
  startMoto,
  useMotoEnvironment,
} from "../../scripts/moto";

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe("moto harness", function () {
  this.timeout(60_000);

  describe("startMoto", () => {
    let moto: MotoServer | undefined;
    const lines: string[] = [];

    before(async () => {
      moto = await startMoto({ log: (line) => lines.push(line) });
    });

    after(async () => {
      await moto?.stop();
    });

    it("listens on a loopback endpoint with the port it reports", () => {
      expect(moto!.endpoint).to.equal(`http://127.0.0.1:${moto!.port}`);
      expect(moto!.port).to.be.within(1024, 65535);
    });

    it("answers the AWS SDK with moto's default account", async () => {
      const sts = new STSClient(clientConfig(moto!.endpoint, "us-east-1"));
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).to.equal(MOTO_ACCOUNT);
    });

    it("accepts a key ARN in KMS ScheduleKeyDeletion/CancelKeyDeletion, and rejects cancelling twice (compat shim)", async () => {
      const kms = new KMSClient(clientConfig(moto!.endpoint, "eu-west-1"));
      const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }));
      expect(
        (await kms.send(new DescribeKeyCommand({ KeyId: arn }))).KeyMetadata!.KeyState,
      ).to.equal("PendingDeletion");
      await kms.send(new CancelKeyDeletionCommand({ KeyId: arn }));
      expect(
        (await kms.send(new DescribeKeyCommand({ KeyId: arn }))).KeyMetadata!.KeyState,
      ).to.equal("Disabled");
      let error: unknown;
      try {
        await kms.send(new CancelKeyDeletionCommand({ KeyId: arn }));
      } catch (caught) {
        error = caught;
      }
      expect((error as Error)?.name).to.equal("KMSInvalidStateException");
      expect((error as Error).message).to.equal(`${arn} is not pending deletion.`);
    });

    it("accepts a trail ARN in CloudTrail StopLogging/StartLogging (compat shim)", async () => {
      const config = clientConfig(moto!.endpoint, "us-east-1");
      await new S3Client(config).send(new CreateBucketCommand({ Bucket: "harness-trail-logs" }));
      const cloudtrail = new CloudTrailClient(config);
      const trail = await cloudtrail.send(
        new CreateTrailCommand({ Name: "harness", S3BucketName: "harness-trail-logs" }),
      );
      const arn = trail.TrailARN!;
      await cloudtrail.send(new StartLoggingCommand({ Name: arn }));
      await cloudtrail.send(new StopLoggingCommand({ Name: arn }));
      expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: arn }))).IsLogging).to.equal(
        false,
      );
      await cloudtrail.send(new StartLoggingCommand({ Name: arn }));
      expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: arn }))).IsLogging).to.equal(
        true,
      );
    });

    it("forwards the server's request log", () => {
      expect(lines.some((line) => line.includes("/moto-api/"))).to.equal(true);
    });

    it("stops: the port is closed afterwards, and a second stop is harmless", async () => {
      const port = moto!.port;
      expect(await isListening(port)).to.equal(true);
      await moto!.stop();
      expect(await isListening(port)).to.equal(false);
      await moto!.stop();
    });
  });

  it("starts on the port it is given, without the shims when compat is false", async () => {
    const port = await findFreePort();
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("moto-compat-")));
    const moto = await startMoto({ port, compat: false });
    try {
      expect(moto.port).to.equal(port);
      expect(await isListening(port)).to.equal(true);
      const created = fs
        .readdirSync(os.tmpdir())
        .filter((f) => f.startsWith("moto-compat-") && !before.has(f));
      expect(created).to.deep.equal([]);
      // Plain moto 5.2.1: a key ARN in CancelKeyDeletion is a server error (KeyError).
      const kms = new KMSClient(clientConfig(moto.endpoint, "us-east-1"));
      const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      await kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: arn.split("/")[1], PendingWindowInDays: 7 }),
      );
      let error: unknown;
      try {
        await kms.send(new CancelKeyDeletionCommand({ KeyId: arn }));
      } catch (caught) {
        error = caught;
      }
      expect((error as { $response?: { statusCode?: number } })?.$response?.statusCode).to.equal(
        500,
      );
    } finally {
      await moto.stop();
    }
    expect(await isListening(port)).to.equal(false);
  });

  it("removes the shim directory when it stops", async () => {
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("moto-compat-")));
    const moto = await startMoto();
    const created = fs
      .readdirSync(os.tmpdir())
      .filter((f) => f.startsWith("moto-compat-") && !before.has(f));
    expect(created).to.have.length(1);
    expect(fs.existsSync(path.join(os.tmpdir(), created[0], "sitecustomize.py"))).to.equal(true);
    await moto.stop();
    expect(fs.existsSync(path.join(os.tmpdir(), created[0]))).to.equal(false);
  });

  it("fails with an install hint when MOTO_SERVER points at nothing", async () => {
    const saved = process.env.MOTO_SERVER;
    process.env.MOTO_SERVER = "/nonexistent/moto_server";
    try {
      let error: unknown;
      try {
        await startMoto();
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.equal(
        "moto server not found: MOTO_SERVER=/nonexistent/moto_server is not an executable file. " +
          "Point MOTO_SERVER at the moto_server binary, or unset it and install moto: " +
          'pip install "moto[server]==5.2.1"',
      );
    } finally {
      if (saved === undefined) {
        delete process.env.MOTO_SERVER;
      } else {
        process.env.MOTO_SERVER = saved;
      }
    }
  });

  it("fails with an install hint when neither moto_server nor python3 with moto is found", () => {
    expect(() => resolveMotoCommand({ PATH: "/nonexistent" })).to.throw(
      "moto server not found: no MOTO_SERVER, no moto_server on PATH, and `python3 -m moto.server` " +
        `does not import. Install it with: ${MOTO_INSTALL_HINT}`,
    );
  });

  it("reports a server that exits before answering, with its output", async () => {
    const port = await findFreePort();
    const connections = new Set<net.Socket>();
    const blocker = net.createServer((socket) => connections.add(socket));
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      let error: unknown;
      try {
        await startMoto({ port, startTimeoutMs: 10_000 });
      } catch (caught) {
        error = caught;
      }
      // moto_server exits with status 1 and "Address already in use" when its port is taken.
      expect(error).to.be.instanceOf(Error);
      const message = (error as Error).message;
      expect(message).to.contain(`exited before answering on http://127.0.0.1:${port} (code 1)`);
      expect(message).to.contain("Address already in use");
    } finally {
      connections.forEach((socket) => socket.destroy());
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("useMotoEnvironment sets the SDK environment and restores it exactly", () => {
    const keys = [
      "AWS_ENDPOINT_URL",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
      "AWS_SESSION_TOKEN",
      "AWS_PROFILE",
    ];
    const before = Object.fromEntries(keys.map((key) => [key, process.env[key]]));
    process.env.AWS_SESSION_TOKEN = "real-token";
    const restore = useMotoEnvironment("http://127.0.0.1:1", "eu-west-1");
    try {
      expect(process.env.AWS_ENDPOINT_URL).to.equal("http://127.0.0.1:1");
      expect(process.env.AWS_ACCESS_KEY_ID).to.equal("testing");
      expect(process.env.AWS_SECRET_ACCESS_KEY).to.equal("testing");
      expect(process.env.AWS_REGION).to.equal("eu-west-1");
      expect(process.env.AWS_SESSION_TOKEN).to.equal(undefined);
    } finally {
      restore();
    }
    expect(process.env.AWS_SESSION_TOKEN).to.equal("real-token");
    if (before.AWS_SESSION_TOKEN === undefined) {
      delete process.env.AWS_SESSION_TOKEN;
    } else {
      process.env.AWS_SESSION_TOKEN = before.AWS_SESSION_TOKEN;
    }
    expect(Object.fromEntries(keys.map((key) => [key, process.env[key]]))).to.deep.equal(before);
  });
});
