/**
 * What to set when a command that calls AWS (`npm run replay`, `npm run incidents -- --live`)
 * has no region or no credentials: the SDK's own texts ("Region is missing", "Could not load
 * credentials from any providers") say what is wrong, not what to do.
 */

/** The error's message, or one that says what to set when it is a missing region or credentials. */
export function explainAwsError(error: unknown, command: string): string {
  const e = error as { name?: unknown; message?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "";
  const message = typeof e?.message === "string" ? e.message : String(error);
  if (/^Region is missing/.test(message)) {
    return `no AWS region: pass --region (the stack's aws:region, e.g. ${command} --region eu-west-1) or set AWS_REGION`;
  }
  if (name === "CredentialsProviderError" || /Could not load credentials/.test(message)) {
    return "no AWS credentials: sign in to the stack's account (aws sso login --profile <profile>, then AWS_PROFILE=<profile>), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  }
  if (name === "ExpiredTokenException" || name === "ExpiredToken") {
    return `the AWS session has expired (${message}): sign in again (aws sso login) and re-run`;
  }
  return message;
}
