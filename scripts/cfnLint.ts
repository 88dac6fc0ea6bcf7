/**
 * cfn-lint (https://github.com/aws-cloudformation/cfn-lint, a Python package) on a template
 * body, read from stdin: used by the tests and by `npm run preview -- --stack org-hub` on the
 * spoke templates. `.ci/run` installs it when it is missing.
 */
import { spawnSync } from "child_process";

/** The cfn-lint command: `$CFN_LINT`, else `cfn-lint` on PATH; undefined when neither runs. */
export function findCfnLint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.CFN_LINT, "cfn-lint"].filter((c): c is string => !!c);
  for (const command of candidates) {
    const probe = spawnSync(command, ["--version"], { encoding: "utf8", timeout: 60_000 });
    if (probe.status === 0) return command;
  }
  return undefined;
}

export interface CfnLintResult {
  /** cfn-lint's exit code: 0 clean, 2 errors, 4 warnings, 8 informational (bits combine). */
  readonly exitCode: number;
  /** One finding per line, `<line>:<col>:...:<rule>:<message>` (parseable format). */
  readonly findings: string[];
}

/** Lints a template body against `regions`. */
export function cfnLint(command: string, body: string, regions: string[]): CfnLintResult {
  const run = spawnSync(command, ["--format", "parseable", "--regions", ...regions], {
    input: body,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.error) throw run.error;
  const findings = `${run.stdout}`.split("\n").filter((l) => l.trim() !== "");
  return { exitCode: run.status ?? -1, findings };
}
