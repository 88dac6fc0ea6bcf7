/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`): self time by package and by function, and the
 * inclusive time of chosen functions (time with that function anywhere on the stack).
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Total sampled time, ms. */
  totalMs: number;
  /** Self time by package (`@pulumi/pulumi`, `project`, `node` for node internals...), ms, largest first. */
  byPackage: [string, number][];
  /** Self time by function (`name (package/file)`), ms, largest first. */
  byFunction: [string, number][];
  /** Inclusive time of each watched function name, ms. */
  inclusive: Record<string, number>;
}

/** The package a script URL belongs to: the npm package, `project`, `node` or `(vm)`. */
export function packageOf(url: string): string {
  if (!url) {
    return "(vm)";
  }
  if (url.startsWith("node:")) {
    return "node";
  }
  const index = url.lastIndexOf("node_modules/");
  if (index < 0) {
    return "project";
  }
  const match = /^((?:@[^/]+\/)?[^/]+)/.exec(url.slice(index + "node_modules/".length));
  return match ? match[1] : "project";
}

function shortFile(url: string): string {
  const parts = url.replace(/^file:\/\//, "").split("/");
  return parts.slice(-2).join("/");
}

/** Self and inclusive times of a profile. */
export function summarizeProfile(profile: CpuProfile, watched: readonly string[]): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    total += delta;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive: Record<string, number> = Object.fromEntries(watched.map((w) => [w, 0]));
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    const pkg = packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
    const name = `${node.callFrame.functionName || "(anonymous)"} (${pkg === "project" || pkg === "node" || pkg === "(vm)" ? shortFile(node.callFrame.url) || pkg : `${pkg}/${shortFile(node.callFrame.url)}`})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = byId.get(cur)!.callFrame.functionName;
      if (Object.hasOwn(inclusive, fn) && !seen.has(fn)) {
        seen.add(fn);
        inclusive[fn] += time;
      }
    }
  }
  const sorted = (m: Map<string, number>): [string, number][] =>
    [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total,
    byPackage: sorted(byPackage),
    byFunction: sorted(byFunction),
    inclusive,
  };
}
