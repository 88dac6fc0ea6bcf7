import { expect } from "chai";
import * as fc from "fast-check";
import {
  clipText,
  neutraliseForJson,
  neutraliseForSlack,
  neutraliseForTeams,
  stripControls,
} from "../core/neutralise";

const WJ = "\u2060";

describe("neutralising attacker strings for chat channels", () => {
  const slack: [string, string, string][] = [
    ["channel ping", "<!channel> deploy now", "&lt;!channel&gt; deploy now"],
    ["here ping", "hi <!here>", "hi &lt;!here&gt;"],
    ["everyone ping", "<!everyone>", "&lt;!everyone&gt;"],
    ["user mention", "<@U024BE7LH>", "&lt;@U024BE7LH&gt;"],
    ["user group", "<!subteam^SAZ94GDB8>", "&lt;!subteam^SAZ94GDB8&gt;"],
    [
      "disguised link",
      "<https://evil.example|console.aws.amazon.com>",
      "&lt;https://evil.example|console.aws.amazon.com&gt;",
    ],
    ["bare at-here", "ping @here and @Channel", `ping @${WJ}here and @${WJ}Channel`],
    [
      "markdown link",
      "[AWS console](https://evil.example)",
      "[AWS console] (https://evil.example)",
    ],
    ["ampersand", "a & b", "a &amp; b"],
    ["an email address stays", "ops@example.com", "ops@example.com"],
  ];
  for (const [title, input, output] of slack) {
    it(`Slack: ${title}`, () => expect(neutraliseForSlack(input)).to.equal(output));
  }

  const teams: [string, string, string][] = [
    ["mention tag", "<at>Global Admin</at>", "\u2039at\u203aGlobal Admin\u2039/at\u203a"],
    ["html", "<a href='https://evil'>x</a>", "\u2039a href='https://evil'\u203ax\u2039/a\u203a"],
    ["markdown link", "[Approve](https://evil.example)", "[Approve] (https://evil.example)"],
    ["image", "![x](https://evil.example/p.png)", "![x] (https://evil.example/p.png)"],
    ["at-word", "@everyone look", `@${WJ}everyone look`],
  ];
  for (const [title, input, output] of teams) {
    it(`Teams: ${title}`, () => expect(neutraliseForTeams(input)).to.equal(output));
  }

  it("removes control, bidi and zero-width characters, keeps newlines, tabs become spaces", () => {
    expect(stripControls("a\u0007b\u001b[31mc\u202eexe.txt\u200bd\r\ne\tf\u0085\ufeff")).to.equal(
      "ab[31mcexe.txtd\ne f",
    );
    expect(neutraliseForJson("x\u0000y\u2066z")).to.equal("xyz");
  });

  it("clips by code points, with an ellipsis", () => {
    expect(clipText("abcdef", 4)).to.equal("abc\u2026");
    expect(clipText("ab", 4)).to.equal("ab");
    expect([...clipText("😀".repeat(10), 5)]).to.have.length(5);
  });

  it("no output holds a Slack control sequence, a Teams tag or an invisible character (any input)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (input) => {
        const s = neutraliseForSlack(input);
        const t = neutraliseForTeams(input);
        for (const out of [s, t]) {
          expect(out).to.not.match(/[<>]/);
          expect(out).to.not.match(/\]\(/);
          for (const ch of out) {
            const c = ch.codePointAt(0) as number;
            const invisible =
              (c < 0x20 && c !== 10) || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e);
            expect(invisible, `U+${c.toString(16)}`).to.equal(false);
          }
        }
        expect(s).to.not.match(/@(here|channel|everyone)\b/i);
      }),
      { numRuns: 300 },
    );
  });
});
