/**
 * The benchmark collector's write side. A `*.bench.ts` file calls {@link reportBench} once per
 * figure it prints; when `pnpm bench` runs it (bench/run.mjs sets `WALLET_AUTH_BENCH_OUT`), each
 * figure is appended as one JSON line to that file and ends up in the one table. Run on its own
 * (`npx vitest bench --run <file>`), the call does nothing and the file prints as before.
 *
 * @module
 */
import { appendFileSync } from "node:fs";
import { basename } from "node:path";

/** One line of the benchmark table: a figure and the same-run baseline it is compared with. */
export interface BenchLine {
  /** What is measured, e.g. `KeyRing.seal 1 KiB`. Stable across runs: `--compare` matches on it. */
  name: string;
  /** The figure itself. */
  value: number;
  /** Its unit, e.g. `ops/s`, `events/s`, `ms`. */
  unit: string;
  /** The same-run baseline: what the figure is compared with, and its value in the same unit. */
  baseline: { name: string; value: number };
  /** value / baseline unless the file computes it differently (e.g. a median of paired rounds). */
  ratio?: number;
  /** `false` for times and latencies, where less is better; default `true`. */
  higherIsBetter?: boolean;
  /** Where it ran or any context worth a column, e.g. `postgres, pool 10`. */
  target?: string;
}

/** The line as stored: {@link BenchLine} plus the reporting file. */
export interface StoredBenchLine extends Required<Omit<BenchLine, "target">> {
  target: string;
  file: string;
}

/**
 * Hands one figure to the `pnpm bench` collector (no-op outside it).
 *
 * @param file - the reporting file, `import.meta.url` or a path; only its base name is kept
 * @param line - the figure and its same-run baseline
 * @example
 * ```ts
 * import { reportBench } from "../../../../bench/report.js";
 * reportBench(import.meta.url, { name: "seal 1 KiB", value: 90_000, unit: "ops/s", baseline: { name: "raw node:crypto", value: 120_000 } });
 * ```
 */
export function reportBench(file: string, line: BenchLine): void {
  const out = process.env.WALLET_AUTH_BENCH_OUT;
  if (out === undefined || out === "") return;
  const stored: StoredBenchLine = {
    file: basename(file.replace(/^file:\/\//, "")),
    name: line.name,
    value: line.value,
    unit: line.unit,
    baseline: line.baseline,
    ratio: line.ratio ?? line.value / line.baseline.value,
    higherIsBetter: line.higherIsBetter ?? true,
    target: line.target ?? "",
  };
  appendFileSync(out, `${JSON.stringify(stored)}\n`);
}

/**
 * Asks the `pnpm bench` collector to take vitest's own figures for this file's groups (each
 * bench against the group's `baseline...`/`raw` bench), as it does for files that never call
 * {@link reportBench}. For files that report some figures themselves and leave others to vitest.
 *
 * @param file - the reporting file, `import.meta.url`
 * @param options - `multiplier`: operations per bench iteration (ops/s = hz x multiplier); `unit` of the
 *   result; `p99`: also a p99 latency line per bench (default: only for http/router/express files)
 */
export function reportVitestFigures(file: string, options: { multiplier?: number; unit?: string; p99?: boolean } = {}): void {
  const out = process.env.WALLET_AUTH_BENCH_OUT;
  if (out === undefined || out === "") return;
  appendFileSync(out, `${JSON.stringify({ kind: "vitest-groups", file: basename(file.replace(/^file:\/\//, "")), multiplier: options.multiplier ?? 1, unit: options.unit ?? "ops/s", p99: options.p99 ?? false })}\n`);
}
