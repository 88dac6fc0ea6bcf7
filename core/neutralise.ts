/**
 * Neutralising attacker-controlled text (a CloudTrail user agent, a role session name, a
 * security group's name, a contributor key) before it reaches a person: a chat card (Slack and
 * Microsoft Teams through AWS Chatbot's client-markdown), an SNS subject, a webhook.
 *
 * What a hostile string can do there, and what is done about it:
 * - mentions: Slack's `<!channel>`, `<!here>`, `<@U…>`, `<!subteam^…>`, plain `@here`,
 *   `@channel`, `@everyone` and Teams' `<at>…</at>`: an `@` that can start a mention (not
 *   inside an e-mail address such as an SSO session name, `alice@example.com`) becomes a
 *   look-alike that no client parses (`＠`, U+FF20), and `<`/`>` become `‹`/`›`;
 * - links with a label that lies: markdown `[Approve](https://…)`, Slack `<https://…|AWS
 *   console>`: brackets become `［`/`］`, `|` becomes `¦`, angle brackets as above, and `://` becomes `:⁄⁄`
 *   (U+2044), so that no URL in hostile text is a link at all;
 * - formatting that fakes the card's own (`*Approved*`, backticks that close a code span,
 *   `~strike~`): `*` `` ` `` `~` become `∗` `ʼ` `∼`; `&` becomes `＆` (no entity is decoded);
 * - control characters, line breaks (a fake second line), bidirectional overrides and
 *   zero-width characters (text that reads other than it is): each becomes `�` (U+FFFD), and a
 *   lone surrogate too;
 * - size: clipped to `max` characters, the cut marked.
 *
 * `ascii: true` gives printable ASCII only (SNS subjects, e.g. an email subject): the same
 * characters become ASCII stand-ins (`(at)`, `(`, `)`, `'`) and anything else `?`.
 *
 * Plain module, no imports: serialized into the Lambda functions that render cards and messages.
 */

/** Serialize this module by value (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

export interface NeutraliseOptions {
  /** Longest result, the cut marked with `...(truncated)`. @default 1024 */
  max?: number;
  /** Printable ASCII only (SNS subjects). @default false */
  ascii?: boolean;
}

/** `text` made inert for any chat client, markdown renderer or subject line (see the module doc). */
export function neutralise(text: unknown, options: NeutraliseOptions = {}): string {
  const max = Math.max(16, options.max ?? 1024);
  const chat: Record<string, string> = {
    "@": "\uff20",
    "<": "\u2039",
    ">": "\u203a",
    "[": "\uff3b",
    "]": "\uff3d",
    "*": "\u2217",
    "`": "\u02bc",
    "~": "\u223c",
    "&": "\uff06",
    "|": "\u00a6",
  };
  const plain: Record<string, string> = {
    "@": "(at)",
    "<": "(",
    ">": ")",
    "[": "(",
    "]": ")",
    "*": "'",
    "`": "'",
    "~": "-",
    "&": "+",
    "|": "/",
  };
  const map = options.ascii ? plain : chat;
  const s = String(text ?? "")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
    .replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g,
      "\ufffd",
    )
    .replace(/:\/\//g, options.ascii ? ":/ /" : ":\u2044\u2044")
    .replace(/(?<![A-Za-z0-9._%+-])@/g, map["@"])
    .replace(/[<>[\]*`~&|]/g, (c) => map[c]);
  const out = options.ascii ? s.replace(/[^\x20-\x7e]/g, "?") : s;
  if (out.length <= max) return out;
  return `${out.slice(0, max - 14).replace(/[\ud800-\udbff]$/, "")}...(truncated)`;
}
