/**
 * Draws a CloudWatch dashboard body (core/dashboard.ts) as SVG, offline, the way the CloudWatch
 * console lays it out: the 24-column grid, each widget at its x/y/width/height, graphs with their
 * visible series (labels, colours, stacking) and legends, alarm-status tiles, the Logs Insights
 * table with the columns of its query, and the text widget. The values come from the caller (the
 * README picture uses the incident records of the last fire drill). Used by
 * scripts/renderDashboard.ts; no AWS call.
 */
import type { DashboardBody, Widget } from "../core/dashboard";

/** The values the picture shows: AWS would read them from CloudWatch. */
export interface DashboardData {
  /** End of the graphs' time axis; the body's `start` (-PT3H, -PT24H...) gives the beginning. */
  readonly end: Date;
  /** Number of periods drawn. */
  readonly periods: number;
  /** Values of a visible series of a graph, one per period (missing: zeros). */
  series(widgetTitle: string, label: string): number[];
  /** State of an alarm, by ARN. */
  alarmState(arn: string): "OK" | "ALARM" | "INSUFFICIENT_DATA";
  /** Rows of a log widget, by column name. */
  logRows(widgetTitle: string): Record<string, string>[];
}

const UNIT_X = 50;
const UNIT_Y = 38;
const MARGIN = 12;
const FONT = "DejaVu Sans, Arial, sans-serif";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

/** A string cut to fit `width` pixels at about `px` pixels per character. */
function fit(s: string, width: number, px = 6.2): string {
  const max = Math.max(1, Math.floor(width / px));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

interface Series {
  label: string;
  color: string;
  values: number[];
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

/** The visible series of a metric widget: expressions, and metrics not marked `visible: false`. */
export function visibleSeries(
  properties: Record<string, unknown>,
): { label: string; color?: string }[] {
  const out: { label: string; color?: string }[] = [];
  for (const row of (properties.metrics as unknown[][]) ?? []) {
    const options = (row[row.length - 1] ?? {}) as Record<string, unknown>;
    if (typeof options !== "object" || options.visible === false) continue;
    const names = row.filter((x) => typeof x === "string") as string[];
    out.push({
      label: String(options.label ?? names[names.length - 1] ?? "?"),
      color: typeof options.color === "string" ? options.color : undefined,
    });
  }
  return out;
}

function graph(w: Widget, box: Box, data: DashboardData): string {
  const p = w.properties;
  const title = String(p.title ?? "");
  const series: Series[] = visibleSeries(p).map((s, i) => ({
    label: s.label,
    color: s.color ?? PALETTE[i % PALETTE.length],
    values: padded(data.series(title, s.label), data.periods),
  }));
  const stacked = p.stacked === true;
  const entry = Math.max(130, ...series.map((s) => s.label.length * 6.6 + 24));
  const perRow = Math.max(1, Math.floor((box.w - 20) / entry));
  const legendRows = Math.ceil(series.length / perRow);
  const chart = { x: box.x + 44, y: box.y + 34, w: box.w - 58, h: box.h - 62 - legendRows * 16 };
  const totals = Array.from({ length: data.periods }, (_, i) =>
    stacked
      ? series.reduce((n, s) => n + s.values[i], 0)
      : Math.max(0, ...series.map((s) => s.values[i])),
  );
  const top = niceMax(Math.max(4, ...totals));
  const xAt = (i: number) => chart.x + (chart.w * (i + 0.5)) / data.periods;
  const yAt = (v: number) => chart.y + chart.h - (chart.h * v) / top;
  const parts: string[] = [];
  // y grid and labels
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    const y = yAt(v);
    parts.push(
      `<line x1="${chart.x}" y1="${y.toFixed(1)}" x2="${chart.x + chart.w}" y2="${y.toFixed(1)}" stroke="#e9ebed" />`,
      text(
        chart.x - 6,
        y + 4,
        Number.isInteger(v) ? String(v) : v.toFixed(1),
        `font-size="10" fill="#5f6b7a" text-anchor="end"`,
      ),
    );
  }
  const yLabel = ((p.yAxis as { left?: { label?: string } })?.left?.label ?? "") as string;
  if (yLabel) {
    parts.push(
      text(
        box.x + 12,
        chart.y + chart.h / 2,
        yLabel,
        `font-size="10" fill="#5f6b7a" text-anchor="middle" transform="rotate(-90 ${box.x + 12} ${chart.y + chart.h / 2})"`,
      ),
    );
  }
  // x labels: every quarter of the axis
  const periodMs = Number(p.period ?? 300) * 1000;
  for (let k = 0; k <= 4; k++) {
    const i = Math.min(data.periods - 1, Math.round(((data.periods - 1) * k) / 4));
    const t = new Date(data.end.getTime() - (data.periods - 1 - i) * periodMs);
    parts.push(
      text(
        xAt(i),
        chart.y + chart.h + 14,
        `${t.toISOString().slice(11, 16)}`,
        `font-size="10" fill="#5f6b7a" text-anchor="middle"`,
      ),
    );
  }
  // series: stacked areas, or lines
  const base = new Array<number>(data.periods).fill(0);
  for (const s of series) {
    const upper = s.values.map((v, i) => (stacked ? base[i] + v : v));
    const line = upper.map((v, i) => `${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`).join(" ");
    if (stacked) {
      const lower = base
        .map((v, i) => `${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`)
        .reverse()
        .join(" ");
      parts.push(
        `<polygon points="${line} ${lower}" fill="${s.color}" fill-opacity="0.35" stroke="none" />`,
      );
      upper.forEach((v, i) => (base[i] = v));
    }
    // A stacked series of zeros has no band: its line would hide the band's edge below it.
    if (!stacked || s.values.some((v) => v !== 0)) {
      parts.push(
        `<polyline points="${line}" fill="none" stroke="${s.color}" stroke-width="1.6" />`,
      );
    }
  }
  parts.push(
    `<line x1="${chart.x}" y1="${chart.y + chart.h}" x2="${chart.x + chart.w}" y2="${chart.y + chart.h}" stroke="#879596" />`,
  );
  // legend
  series.forEach((s, i) => {
    const lx = box.x + 14 + (i % perRow) * entry;
    const ly = chart.y + chart.h + 30 + Math.floor(i / perRow) * 16;
    parts.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${s.color}" />`,
      text(lx + 14, ly, fit(s.label, entry - 20), `font-size="11" fill="#16191f"`),
    );
  });
  return parts.join("\n");
}

function padded(values: number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => values[i] ?? 0);
}

function niceMax(v: number): number {
  const steps = [1, 2, 4, 5, 8, 10, 20, 40, 50, 80, 100, 200, 400, 500, 1000];
  return steps.find((s) => s >= v) ?? Math.ceil(v / 1000) * 1000;
}

const STATE_STYLE = {
  OK: { fill: "#037f0c", label: "OK" },
  ALARM: { fill: "#d91515", label: "In alarm" },
  INSUFFICIENT_DATA: { fill: "#8d99a8", label: "Insufficient data" },
};

function alarms(w: Widget, box: Box, data: DashboardData): string {
  const arns = (w.properties.alarms as string[]) ?? [];
  const columns = Math.max(1, Math.floor(box.w / 190));
  const rows = Math.max(1, Math.ceil(arns.length / columns));
  const tileH = Math.min(34, (box.h - 40) / rows);
  const tileW = (box.w - 24) / columns;
  const parts: string[] = [];
  arns.forEach((arn, i) => {
    const x = box.x + 12 + (i % columns) * tileW;
    const y = box.y + 34 + Math.floor(i / columns) * tileH;
    const style = STATE_STYLE[data.alarmState(arn)];
    const name = arn.split(":alarm:")[1] ?? arn;
    parts.push(
      `<circle cx="${x + 7}" cy="${y + tileH / 2}" r="5" fill="${style.fill}" />`,
      text(x + 17, y + tileH / 2 - 1, fit(name, tileW - 24, 6), `font-size="10.5" fill="#16191f"`),
      text(x + 17, y + tileH / 2 + 11, style.label, `font-size="9.5" fill="${style.fill}"`),
    );
  });
  return parts.join("\n");
}

/** The columns of a Logs Insights query: its `fields` command. */
export function queryColumns(query: string): string[] {
  const match = /\|\s*fields\s+([^|]+)/.exec(query);
  return match
    ? match[1].split(",").map((f) =>
        f
          .trim()
          .split(/\s+as\s+/)
          .pop()!
          .trim(),
      )
    : [];
}

function logTable(w: Widget, box: Box, data: DashboardData): string {
  const title = String(w.properties.title ?? "");
  const columns = queryColumns(String(w.properties.query ?? ""));
  const rows = data.logRows(title);
  const widths = columns.map((c) =>
    Math.min(190, Math.max(c.length * 6.4, ...rows.map((r) => (r[c] ?? "").length * 5.6)) + 14),
  );
  const scale = Math.min(1, (box.w - 24) / widths.reduce((a, b) => a + b, 0));
  const parts: string[] = [];
  let x = box.x + 12;
  const headY = box.y + 50;
  columns.forEach((c, i) => {
    const cw = widths[i] * scale;
    parts.push(
      text(x, headY, fit(c, cw - 4, 5.6), `font-size="10" font-weight="bold" fill="#16191f"`),
    );
    rows.slice(0, Math.floor((box.h - 64) / 17)).forEach((r, j) => {
      parts.push(
        text(
          x,
          headY + 18 + j * 17,
          fit(r[c] ?? "", cw - 4, 5.4),
          `font-size="9.5" fill="#16191f" font-family="DejaVu Sans Mono, monospace"`,
        ),
      );
    });
    x += cw;
  });
  parts.push(
    `<line x1="${box.x + 10}" y1="${headY + 5}" x2="${box.x + box.w - 10}" y2="${headY + 5}" stroke="#d1d5db" />`,
    text(
      box.x + 12,
      box.y + 30,
      `${rows.length} records · ${fit(
        String(w.properties.query ?? "")
          .split(" | ")
          .filter((s) => !s.startsWith("SOURCE"))
          .join(" | ")
          .replace(/\n/g, " "),
        box.w - 140,
        5.6,
      )}`,
      `font-size="10" fill="#5f6b7a"`,
    ),
  );
  return parts.join("\n");
}

function markdown(w: Widget, box: Box): string {
  const lines = String(w.properties.markdown ?? "")
    .split("\n")
    .filter(Boolean);
  const parts: string[] = [];
  let y = box.y + 28;
  for (const line of lines) {
    const heading = /^#+\s*(.*)$/.exec(line);
    const plain = (heading ? heading[1] : line).replace(/[*`]/g, "");
    parts.push(
      text(
        box.x + 14,
        y,
        fit(plain, box.w - 28, heading ? 9.5 : 6.2),
        heading
          ? `font-size="17" font-weight="bold" fill="#16191f"`
          : `font-size="11.5" fill="#414d5c"`,
      ),
    );
    y += heading ? 24 : 16;
  }
  return parts.join("\n");
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The dashboard as an SVG document. */
export function renderDashboardSvg(
  body: DashboardBody,
  data: DashboardData,
  caption: string,
): string {
  const rows = Math.max(...body.widgets.map((w) => w.y + w.height));
  const width = 24 * UNIT_X + 2 * MARGIN;
  const height = rows * UNIT_Y + 2 * MARGIN + 56;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#f2f3f3" />`,
    text(
      MARGIN + 2,
      MARGIN + 14,
      `CloudWatch › Dashboards › ${caption}`,
      `font-size="12" fill="#414d5c"`,
    ),
  ];
  for (const w of body.widgets) {
    const box: Box = {
      x: MARGIN + w.x * UNIT_X + 4,
      y: MARGIN + 28 + w.y * UNIT_Y + 4,
      w: w.width * UNIT_X - 8,
      h: w.height * UNIT_Y - 8,
    };
    parts.push(
      `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="4" fill="#ffffff" stroke="#d5dbdb" />`,
    );
    if (w.type !== "text") {
      parts.push(
        text(
          box.x + 12,
          box.y + 20,
          fit(String(w.properties.title ?? ""), box.w - 24, 7),
          `font-size="13" font-weight="bold" fill="#16191f"`,
        ),
      );
    }
    if (w.type === "metric") parts.push(graph(w, box, data));
    else if (w.type === "alarm") parts.push(alarms(w, box, data));
    else if (w.type === "log") parts.push(logTable(w, box, data));
    else parts.push(markdown(w, box));
  }
  parts.push(
    text(
      MARGIN + 2,
      height - 12,
      "Rendered offline from the dashboard body the dev stack deploys (npm run dashboard); values: the incident records of the last fire drill.",
      `font-size="11" fill="#5f6b7a"`,
    ),
    "</svg>",
  );
  return parts.join("\n");
}
