/**
 * Neutralising attacker-controlled text before it reaches a chat channel. An alert quotes what
 * the caller wrote (user agent, role session name, resource names, tag values): in a Slack or
 * Teams message that text must not ping everyone, turn into a link that says something else than
 * where it goes, or hide characters (bidi overrides, zero-width, terminal escapes).
 *
 * - Slack (https://api.slack.com/reference/surfaces/formatting#escaping): `&`, `<` and `>` are
 *   the only characters Slack parses into control sequences (`<!channel>`, `<!here>`,
 *   `<!everyone>`, `<@U123>`, `<#C123>`, `<!subteam^S123>`, `<https://x|text>`); escaped as
 *   `&amp;`, `&lt;`, `&gt;` they display as typed. A bare `@here` / `@channel` / `@everyone` is
 *   broken with a word joiner so that no client or bot re-parses it as a mention.
 * - Microsoft Teams (Adaptive Card text and MessageCard markdown): mentions are `<at>…</at>`
 *   tags and MessageCard text takes some HTML, so `<` and `>` become the look-alike angle quotes
 *   `‹` and `›` (Adaptive Cards show entities literally); markdown links `[x](y)` are broken by
 *   a space between `]` and `(`, and `@` before a word by a word joiner.
 * - Every channel: C0/C1 control characters (tab and newline kept as space and newline), DEL,
 *   bidi embedding/override/isolate controls, zero-width characters and BOM are removed.
 *
 * No Pulumi: serialized into the webhook function (lambdas/webhookNotifier.ts) by value.
 * Reusable by any module that renders chat text (core/chatCard.ts).
 */

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/** Invisible or layout-changing code points that a message never needs. */
export function isInvisible(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/** The text without control and invisible characters; CR/CRLF become LF, tab a space. */
export function stripControls(text: string): string {
  let out = "";
  for (const ch of String(text).replace(/\r\n?/g, "\n").replace(/\t/g, " ")) {
    if (!isInvisible(ch.codePointAt(0) as number)) out += ch;
  }
  return out;
}

/** The word joiner (U+2060): invisible, breaks a mention without changing what a person reads. */
const WORD_JOINER = "\u2060";

/** Breaks markdown links `[text](url)` and images `![alt](url)`: `[text] (url)` is plain text. */
export function breakMarkdownLinks(text: string): string {
  return text.replace(/\]\s*\(/g, "] (");
}

/** Text safe inside a Slack `text` or `mrkdwn` field. */
export function neutraliseForSlack(text: string): string {
  return breakMarkdownLinks(stripControls(text))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(here|channel|everyone|all)\b/gi, `@${WORD_JOINER}$1`);
}

/** Text safe inside a Microsoft Teams Adaptive Card TextBlock or MessageCard `text`. */
export function neutraliseForTeams(text: string): string {
  return breakMarkdownLinks(stripControls(text))
    .replace(/</g, "\u2039")
    .replace(/>/g, "\u203a")
    .replace(/@(?=\w)/g, `@${WORD_JOINER}`);
}

/** Text for a generic JSON webhook: JSON encoding escapes the rest. */
export function neutraliseForJson(text: string): string {
  return stripControls(text);
}

/** At most `max` characters (code points), with an ellipsis when cut. */
export function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}\u2026`;
}
