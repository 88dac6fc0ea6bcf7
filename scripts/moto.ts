/**
 * A local AWS emulator for tests, the fire drill and benchmarks: starts moto's server
 * (https://docs.getmoto.org/en/latest/docs/server_mode.html) on a free loopback port, waits until
 * it answers, and stops it (with its whole process group) when asked or when this process exits.
 *
 * The binary is, in order: `$MOTO_SERVER`, `moto_server` on `PATH`, `python3 -m moto.server`.
 * Install it with `pip install "moto[server]==5.2.1"`. Where moto differs from AWS in ways the
 * remediation handlers depend on, a small shim is loaded into the server (`MOTO_COMPAT_SHIMS`).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** The moto version the integration tests are written against. */
export const MOTO_VERSION = "5.2.1";

/** How to install the emulator; part of every "not found" error. */
export const MOTO_INSTALL_HINT = `pip install "moto[server]==${MOTO_VERSION}"`;

/** moto's default account id: every resource it creates belongs to it. */
export const MOTO_ACCOUNT = "123456789012";

/** Loopback only: the emulator accepts any credentials, it must never listen on a network. */
const HOST = "127.0.0.1";

const DEFAULTS = {
  /** How long to wait for the server to answer after spawning it. */
  startTimeoutMs: 30_000,
  /** How long `stop()` waits after SIGTERM before SIGKILL, and after SIGKILL before giving up. */
  stopTimeoutMs: 5_000,
  /** Delay between readiness probes. */
  pollIntervalMs: 100,
};

/**
 * Where moto 5.2.1 differs from AWS in ways the remediation handlers depend on, and the shim that
 * `startMoto` loads into the server (a `sitecustomize` module on `PYTHONPATH`, so it works with
 * any launcher) unless `compat: false`:
 * - KMS EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion take a key ARN as well as a
 *   key id (moto: HTTP 500, KeyError, for an ARN);
 * - KMS CancelKeyDeletion of a key that is not pending deletion fails with
 *   KMSInvalidStateException (moto: succeeds and leaves the key Disabled);
 * - CloudTrail StartLogging and StopLogging take a trail ARN as well as a name (moto: HTTP 500);
 * - EC2 DescribeSnapshots honours OwnerIds (`self` or account ids) and RestorableByUserIds (`all`
 *   or account ids) (moto: ignores both and lists every snapshot, its AMIs' included);
 * - DynamoDB conditional writes are atomic (moto's threaded server checks a condition and writes
 *   without a lock, so two concurrent PutItem calls with `attribute_not_exists(id)` may both
 *   succeed under load; in AWS exactly one does). The shim serializes DynamoDB writes.
 */
export const MOTO_COMPAT_SHIMS: readonly string[] = [
  "KMS EnableKey/DisableKey/ScheduleKeyDeletion/CancelKeyDeletion accept a key ARN",
  "KMS CancelKeyDeletion of a key not pending deletion fails with KMSInvalidStateException",
  "CloudTrail StartLogging/StopLogging accept a trail ARN",
  "EC2 DescribeSnapshots honours OwnerIds and RestorableByUserIds",
  "DynamoDB conditional writes are atomic (writes serialized)",
];

const COMPAT_SITECUSTOMIZE = `"""moto 5.2.1 compatibility shims, written by aws-security-watch scripts/moto.ts."""
import os
import sys


def _aws_security_watch_moto_compat():
    try:
        from moto.cloudtrail.models import CloudTrailBackend
        from moto.core.exceptions import JsonRESTError
        from moto.kms.models import KmsBackend
    except Exception:  # not moto, or another version's layout: leave it alone
        return

    def by_key_id(method):
        def wrapper(self, key_id, *args, **kwargs):
            return method(self, self.get_key_id(key_id), *args, **kwargs)

        return wrapper

    for name in ("enable_key", "disable_key", "schedule_key_deletion"):
        setattr(KmsBackend, name, by_key_id(getattr(KmsBackend, name)))
    cancel = KmsBackend.cancel_key_deletion

    def cancel_key_deletion(self, key_id):
        key_id = self.get_key_id(key_id)
        key = self.keys.get(key_id)
        if key is not None and key.key_state != "PendingDeletion":
            raise JsonRESTError("KMSInvalidStateException", f"{key.arn} is not pending deletion.")
        return cancel(self, key_id)

    KmsBackend.cancel_key_deletion = cancel_key_deletion
    CloudTrailBackend.start_logging = lambda self, name: self.get_trail(name).start_logging()
    CloudTrailBackend.stop_logging = lambda self, name: self.get_trail(name).stop_logging()

    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    def describe_snapshots(self):
        owners = self._get_param("OwnerIds", [])
        restorable = self._get_param("RestorableByUserIds", [])
        filters = self._filters_from_querystring()
        snapshots = self.ec2_backend.describe_snapshots(
            snapshot_ids=self._get_param("SnapshotIds", []), filters=filters
        )
        if owners:
            wanted = {self.current_account if o == "self" else o for o in owners}
            snapshots = [s for s in snapshots if s.owner_id in wanted]
        if restorable:
            snapshots = [
                s
                for s in snapshots
                if ("all" in restorable and "all" in s.create_volume_permission_groups)
                or set(restorable) & set(s.create_volume_permission_userids)
            ]
        from moto.core.responses import ActionResult

        return ActionResult({"Snapshots": snapshots})

    ElasticBlockStore.describe_snapshots = describe_snapshots

    import threading
    from moto.dynamodb.models import DynamoDBBackend

    write_lock = threading.RLock()

    def atomic(method):
        def wrapper(self, *args, **kwargs):
            with write_lock:
                return method(self, *args, **kwargs)

        return wrapper

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        setattr(DynamoDBBackend, name, atomic(getattr(DynamoDBBackend, name)))


_aws_security_watch_moto_compat()

# Chain to the sitecustomize this one shadows, if there is one.
_here = os.path.dirname(os.path.abspath(__file__))
for _entry in sys.path:
    _candidate = os.path.join(_entry or ".", "sitecustomize.py")
    if os.path.abspath(_entry or ".") != _here and os.path.isfile(_candidate):
        with open(_candidate) as _file:
            exec(compile(_file.read(), _candidate, "exec"), {"__name__": "sitecustomize"})
        break
`;

export interface StartMotoOptions {
  /** The port to listen on. @default a free port chosen by the OS */
  port?: number;
  /** Receives every line the server writes (request log, tracebacks). @default discard */
  log?: (line: string) => void;
  /** How long to wait for the server to answer. @default 30000 */
  startTimeoutMs?: number;
  /** Load the shims of `MOTO_COMPAT_SHIMS` into the server. @default true */
  compat?: boolean;
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: pass it as `endpoint` to the AWS SDK clients. */
  readonly endpoint: string;
  readonly port: number;
  /** Kills the server and its process group and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** The command that runs the emulator; `args` are put before `-H <host> -p <port>`. */
export interface MotoCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The SDK v3 client configuration for the emulator (S3 needs path-style addressing). */
export interface MotoClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: true;
}

/** Configuration for any AWS SDK v3 client pointed at the emulator, with moto's fake credentials. */
export function clientConfig(endpoint: string, region: string): MotoClientConfig {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    forcePathStyle: true,
  };
}

/** Deletes every resource of every service in the emulator (`POST /moto-api/reset`). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, {
    method: "POST",
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new Error(`moto reset at ${endpoint} failed: HTTP ${response.status}`);
  }
}

/**
 * Points the AWS SDK of this process at the emulator through the environment (`AWS_ENDPOINT_URL`,
 * fake credentials, `AWS_REGION`), as the remediation handlers read it. Returns a function that
 * restores the previous values exactly (unset variables are deleted again).
 */
export function useMotoEnvironment(endpoint: string, region: string): () => void {
  const values: Record<string, string> = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  };
  const cleared = ["AWS_SESSION_TOKEN", "AWS_PROFILE"];
  const saved = new Map<string, string | undefined>();
  for (const key of [...Object.keys(values), ...cleared]) {
    saved.set(key, process.env[key]);
  }
  for (const key of cleared) {
    delete process.env[key];
  }
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  };
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (dir !== "" && isExecutableFile(path.join(dir, name))) {
      return path.join(dir, name);
    }
  }
  return undefined;
}

/**
 * Resolves the emulator command: `$MOTO_SERVER` (must exist; no fallback, so that a wrong value is
 * reported rather than silently ignored), else `moto_server` on `PATH`, else `python3 -m
 * moto.server` if that module imports. Throws an error that says how to install moto otherwise.
 */
export function resolveMotoCommand(env: NodeJS.ProcessEnv = process.env): MotoCommand {
  const explicit = env.MOTO_SERVER;
  if (explicit !== undefined && explicit !== "") {
    if (!isExecutableFile(explicit)) {
      throw new Error(
        `moto server not found: MOTO_SERVER=${explicit} is not an executable file. ` +
          `Point MOTO_SERVER at the moto_server binary, or unset it and install moto: ${MOTO_INSTALL_HINT}`,
      );
    }
    return { command: explicit, args: [] };
  }
  const onPath = findOnPath("moto_server", env.PATH);
  if (onPath !== undefined) {
    return { command: onPath, args: [] };
  }
  const probe = spawnSync("python3", ["-c", "import moto.server"], {
    stdio: "ignore",
    timeout: 20_000,
    env,
  });
  if (probe.status === 0) {
    return { command: "python3", args: ["-m", "moto.server"] };
  }
  throw new Error(
    "moto server not found: no MOTO_SERVER, no moto_server on PATH, and `python3 -m moto.server` " +
      `does not import. Install it with: ${MOTO_INSTALL_HINT}`,
  );
}

/** A port that was free a moment ago on the loopback interface. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the server answers `GET /moto-api/` (its dashboard) with 200. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Sends `signal` to the child's process group (it is a group leader), or to the child alone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function forwardLines(stream: NodeJS.ReadableStream | null, sink: (line: string) => void): void {
  if (stream === null) {
    return;
  }
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? "";
    for (const line of lines) {
      sink(line);
    }
  });
  stream.on("end", () => {
    if (pending !== "") {
      sink(pending);
    }
  });
}

/**
 * Starts moto's server on `127.0.0.1` and resolves once it answers. Rejects (and kills what it
 * spawned) if the binary is missing, the server exits early, or it does not answer in time.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const { command, args } = resolveMotoCommand();
  const port = options.port ?? (await findFreePort());
  const endpoint = `http://${HOST}:${port}`;
  const log = options.log ?? (() => undefined);
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULTS.startTimeoutMs;

  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1" };
  let compatDir: string | undefined;
  if (options.compat !== false) {
    compatDir = fs.mkdtempSync(path.join(os.tmpdir(), "moto-compat-"));
    fs.writeFileSync(path.join(compatDir, "sitecustomize.py"), COMPAT_SITECUSTOMIZE);
    env.PYTHONPATH = [compatDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  }
  // A process group of its own: moto_server may be a shim (pyenv) that runs Python as a child.
  const child = spawn(command, [...args, "-H", HOST, "-p", String(port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  const recent: string[] = [];
  const sink = (line: string): void => {
    recent.push(line);
    if (recent.length > 20) {
      recent.shift();
    }
    log(line);
  };
  forwardLines(child.stdout, sink);
  forwardLines(child.stderr, sink);

  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = signal !== null ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    child.once("error", (error) => {
      exitInfo = error.message;
      resolve();
    });
  });
  const removeCompatDir = (): void => {
    if (compatDir !== undefined) {
      fs.rmSync(compatDir, { recursive: true, force: true });
    }
  };
  const killOnExit = (): void => {
    signalGroup(child, "SIGKILL");
    removeCompatDir();
  };
  process.once("exit", killOnExit);

  const terminate = async (): Promise<void> => {
    signalGroup(child, "SIGTERM");
    const timedOut = Symbol("timeout");
    const first = await Promise.race([exited, sleep(DEFAULTS.stopTimeoutMs).then(() => timedOut)]);
    if (first === timedOut) {
      signalGroup(child, "SIGKILL");
      await Promise.race([exited, sleep(DEFAULTS.stopTimeoutMs)]);
    }
    // Python's children (if any) are in the same group: make sure none survives the leader.
    signalGroup(child, "SIGKILL");
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener("exit", killOnExit);
      if (exitInfo === undefined) {
        await terminate();
      }
      removeCompatDir();
    })();
    return stopping;
  };
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (exitInfo !== undefined) {
      await stop();
      throw new Error(
        `moto server (${command} ${args.join(" ")}) exited before answering on ${endpoint} ` +
          `(${exitInfo}). Is port ${port} in use? Is moto installed (${MOTO_INSTALL_HINT})? ` +
          `Last output:\n${recent.join("\n")}`,
      );
    }
    if (await answers(endpoint)) {
      return { endpoint, port, stop };
    }
    await sleep(DEFAULTS.pollIntervalMs);
  }
  await stop();
  throw new Error(
    `moto server did not answer on ${endpoint} within ${startTimeoutMs} ms. Last output:\n` +
      recent.join("\n"),
  );
}
