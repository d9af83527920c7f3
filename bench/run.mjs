#!/usr/bin/env node
// `pnpm bench [-- [--compare <file>] [--save-baseline] [vitest filters...]]`
//
// Runs every *.bench.ts once (one vitest process), collects the figures each file hands to
// bench/report.ts, adds figures vitest measured in files that report nothing (each bench against
// the "baseline"/"raw"/"hello" bench of its group), measures the cold import of
// @wallet-auth/core against ccxt in fresh child processes, then prints one table and writes it to
// bench/results/latest.json. `--compare <file>` also prints the change from an earlier table
// (bench/baseline.json is the committed one); `--save-baseline` writes this run there.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2).filter((a) => a !== "--");
let compareWith;
let saveBaseline = false;
let onlyCompare;
const passThrough = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--compare") compareWith = argv[++i];
  else if (a === "--save-baseline") saveBaseline = true;
  else if (a === "--print") onlyCompare = argv[++i];
  else passThrough.push(a);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** vitest's own figures for files that did not report: each bench vs its group's baseline. */
function fromVitestJson(json, reportedFiles, wanted) {
  const lines = [];
  for (const file of json.files ?? []) {
    const name = file.filepath.split("/").pop();
    const want = wanted.get(name) ?? (reportedFiles.has(name) ? undefined : { multiplier: 1, unit: "ops/s" });
    if (want === undefined) continue;
    const k = want.multiplier;
    for (const group of file.groups ?? []) {
      const benches = group.benchmarks ?? [];
      const base = benches.find((b) => /^(baseline|raw\b|express hello|hello)/i.test(b.name));
      if (base === undefined) continue;
      for (const b of benches) {
        if (b === base) continue;
        const groupName = group.fullName.split(" > ").slice(1).join(" > ");
        lines.push({ file: name, name: `${groupName} > ${b.name}`, value: b.hz * k, unit: want.unit, baseline: { name: base.name, value: base.hz * k }, ratio: b.hz / base.hz, higherIsBetter: true, target: "" });
        if ((want.p99 ?? /http|router|express/i.test(name)) && typeof b.p99 === "number" && typeof base.p99 === "number") {
          lines.push({ file: name, name: `${groupName} > ${b.name} p99`, value: b.p99, unit: "ms", baseline: { name: `${base.name} p99`, value: base.p99 }, ratio: b.p99 / base.p99, higherIsBetter: false, target: "" });
        }
      }
    }
  }
  return lines;
}

/** Cold import in a fresh node process each time (module graph load only, node start excluded). */
function coldImport() {
  const coreDist = join(root, "packages/core/dist/index.js");
  if (!existsSync(coreDist)) {
    const built = spawnSync("pnpm", ["--filter", "@wallet-auth/core", "run", "build"], { cwd: root, stdio: "inherit" });
    if (built.status !== 0) throw new Error("building @wallet-auth/core failed");
  }
  const time = (specifier) => {
    const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: join(root, "packages/core"), encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cold import of ${specifier} failed: ${r.stderr.split("\n")[0]}`);
    return Number(r.stdout);
  };
  const RUNS = 7;
  const core = [];
  const ccxt = [];
  // Interleaved, so a burst of load from elsewhere hits both sides.
  for (let i = 0; i < RUNS; i++) {
    core.push(time("@wallet-auth/core"));
    ccxt.push(time("ccxt"));
  }
  const c = median(core);
  const x = median(ccxt);
  return [{ file: "bench/run.mjs", name: "cold import @wallet-auth/core", value: c, unit: "ms", baseline: { name: "cold import ccxt", value: x }, ratio: c / x, higherIsBetter: false, target: `median of ${RUNS} fresh processes` }];
}

const fmt = (v, unit) => (unit === "ms" ? v.toFixed(v < 10 ? 2 : 1) : Math.round(v).toLocaleString("en-US"));

function printTable(lines) {
  const rows = lines.map((l) => [l.file.replace(/\.bench\.ts$/, ""), l.name, `${fmt(l.value, l.unit)} ${l.unit}`, `${l.baseline.name}: ${fmt(l.baseline.value, l.unit)}`, `${l.ratio.toFixed(2)}x${l.higherIsBetter ? "" : " (lower is better)"}`, l.target]);
  const head = ["file", "benchmark", "figure", "same-run baseline", "ratio", "where"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  console.log(`\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of rows) console.log(line(r));
}

function printCompare(current, earlierFile) {
  const earlier = JSON.parse(readFileSync(earlierFile, "utf8"));
  const key = (l) => `${l.file}|${l.name}`;
  const before = new Map(earlier.lines.map((l) => [key(l), l]));
  console.log(`\nchange against ${earlierFile} (${earlier.createdAt}); ratios compared, as they are the figures that survive a different machine`);
  for (const l of current.lines) {
    const b = before.get(key(l));
    if (b === undefined) {
      console.log(`  new      ${l.name}`);
      continue;
    }
    const valueChange = ((l.value - b.value) / b.value) * 100;
    const ratioChange = ((l.ratio - b.ratio) / b.ratio) * 100;
    const better = l.higherIsBetter ? ratioChange : -ratioChange;
    const mark = Math.abs(better) < 10 ? "same" : better > 0 ? "better" : "WORSE";
    console.log(`  ${mark.padEnd(7)}  ${l.name}: ${fmt(b.value, l.unit)} -> ${fmt(l.value, l.unit)} ${l.unit} (${valueChange >= 0 ? "+" : ""}${valueChange.toFixed(1)}%), ratio ${b.ratio.toFixed(2)} -> ${l.ratio.toFixed(2)}`);
    before.delete(key(l));
  }
  for (const b of before.values()) console.log(`  gone     ${b.name}`);
}

if (onlyCompare !== undefined) {
  const current = JSON.parse(readFileSync(onlyCompare, "utf8"));
  printTable(current.lines);
  if (compareWith !== undefined) printCompare(current, compareWith);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "wa-bench-"));
const out = join(work, "lines.jsonl");
const vitestJson = join(work, "vitest.json");
writeFileSync(out, "");
const run = spawnSync("npx", ["vitest", "bench", "--run", "--outputJson", vitestJson, ...passThrough], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, WALLET_AUTH_BENCH_OUT: out },
});
const records = readFileSync(out, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const reported = records.filter((r) => r.kind === undefined);
const wanted = new Map(records.filter((r) => r.kind === "vitest-groups").map((r) => [r.file, r]));
const reportedFiles = new Set(reported.map((l) => l.file));
const measured = existsSync(vitestJson) ? fromVitestJson(JSON.parse(readFileSync(vitestJson, "utf8")), reportedFiles, wanted) : [];
const lines = [...reported, ...measured, ...(passThrough.length === 0 ? coldImport() : [])];
rmSync(work, { recursive: true, force: true });

const result = {
  createdAt: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? "", database: process.env.DATABASE_URL ? "postgres (DATABASE_URL)" : "pglite" },
  lines,
};
mkdirSync(join(root, "bench/results"), { recursive: true });
const latest = join(root, "bench/results/latest.json");
writeFileSync(latest, `${JSON.stringify(result, null, 2)}\n`);
printTable(lines);
console.log(`\n${lines.length} lines; written to ${relative(root, latest)}`);
if (saveBaseline) {
  copyFileSync(latest, join(root, "bench/baseline.json"));
  console.log("saved as bench/baseline.json");
}
if (compareWith !== undefined) printCompare(result, compareWith);
process.exit(run.status ?? 1);
