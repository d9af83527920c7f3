/**
 * KeyRing (committing envelope, sealed format, base64url string) against the least a raw
 * node:crypto envelope needs: a fresh data key, AES-256-GCM over the payload and AES-256-GCM to
 * wrap the data key, both with the context as associated data, returning bare buffers (no format, no
 * encoding, no commitment). Same number of AES operations on both sides.
 *
 * Run: `npx vitest bench --run packages/core/src/crypto/envelope.bench.ts` (from the repo root).
 * Targets: seal >= 0.6x raw, open >= 0.7x raw.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { afterAll, bench, describe } from "vitest";
import { KeyRing } from "./KeyRing.js";
import { generateKey } from "./generateKey.js";
import type { EnvelopeContext } from "./types.js";
import { reportBench } from "../../../../bench/report.js";

interface RawRecord {
  wrapNonce: Buffer;
  wrappedKey: Buffer;
  wrapTag: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const kek = randomBytes(32);
const context: EnvelopeContext = { userId: "user_2f9c1d7e", recordId: "cred_7a1b2c3d4e5f", purpose: "credential:binance" };
/** The raw side binds the context too, encoding it per call as any real caller must. */
const rawAad = (c: EnvelopeContext) => Buffer.from(`${c.userId}|${c.recordId}|${c.purpose}`, "utf8");

function rawSeal(plaintext: Uint8Array, c: EnvelopeContext): RawRecord {
  const aad = rawAad(c);
  const dataKey = randomBytes(32);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", dataKey, nonce, { authTagLength: 16 });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  const wrapNonce = randomBytes(12);
  const wrapper = createCipheriv("aes-256-gcm", kek, wrapNonce, { authTagLength: 16 });
  wrapper.setAAD(aad);
  const wrappedKey = Buffer.concat([wrapper.update(dataKey), wrapper.final()]);
  const wrapTag = wrapper.getAuthTag();
  dataKey.fill(0);
  return { wrapNonce, wrappedKey, wrapTag, nonce, ciphertext, tag };
}

function rawOpen(record: RawRecord, c: EnvelopeContext): Buffer {
  const aad = rawAad(c);
  const unwrapper = createDecipheriv("aes-256-gcm", kek, record.wrapNonce, { authTagLength: 16 });
  unwrapper.setAAD(aad);
  unwrapper.setAuthTag(record.wrapTag);
  const dataKey = Buffer.concat([unwrapper.update(record.wrappedKey), unwrapper.final()]);
  const decipher = createDecipheriv("aes-256-gcm", dataKey, record.nonce, { authTagLength: 16 });
  decipher.setAAD(aad);
  decipher.setAuthTag(record.tag);
  const plaintext = Buffer.concat([decipher.update(record.ciphertext), decipher.final()]);
  dataKey.fill(0);
  return plaintext;
}

const key = generateKey({ id: "bench" });
const ring = KeyRing.fromKeys({ keys: [key], primaryKeyId: "bench" });

const options = { time: 150, warmupTime: 50 };
/**
 * Rounds per case: raw and KeyRing run back to back in each (which goes first alternates), so
 * a burst of load from elsewhere mostly hits both sides of one round; many short rounds and
 * medians keep the odd burst out of the result.
 */
const ROUNDS = 15;
/** ops/s per task name from the median sample: a shared box adds long outliers that drag the mean down. */
const medianHz = new Map<string, number>();
interface MeasuredTask {
  name: string;
  addEventListener(type: "cycle", fn: () => void): void;
  result?: { samples: number[] };
}
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const measured = {
  ...options,
  setup: (task: MeasuredTask, mode?: string) => {
    if (mode !== "run") return;
    // "cycle" fires before vitest's own listener frees the samples.
    task.addEventListener("cycle", () => {
      const samples = task.result?.samples;
      if (samples !== undefined && samples.length > 0) medianHz.set(task.name, 1000 / median(samples));
    });
  },
};

const targets = { seal: 0.6, open: 0.7 } as const;
const cases: Array<{ op: "seal" | "open"; label: string }> = [];

for (const size of [64, 1024]) {
  const label = size === 64 ? "64 B" : "1 KiB";
  const secret = randomBytes(size);
  const raw = rawSeal(secret, context);
  const { sealed } = ring.seal(secret, context);
  const run = {
    seal: { raw: () => void rawSeal(secret, context), ring: () => void ring.seal(secret, context) },
    open: { raw: () => void rawOpen(raw, context).fill(0), ring: () => void ring.open(sealed, context).fill(0) },
  };
  for (const op of ["seal", "open"] as const) {
    cases.push({ op, label });
    describe(`${op} ${label}`, () => {
      for (let round = 1; round <= ROUNDS; round += 1) {
        const pair = [
          () => bench(`raw ${op} ${label} #${round}`, run[op].raw, measured),
          () => bench(`KeyRing.${op} ${label} #${round}`, run[op].ring, measured),
        ];
        for (const add of round % 2 === 1 ? pair : pair.reverse()) add();
      }
    });
  }
}

const roundsOf = (name: string) => Array.from({ length: ROUNDS }, (_, i) => medianHz.get(`${name} #${i + 1}`) ?? Number.NaN);
const fmt = (value: number) => Math.round(value).toLocaleString("en-US");

afterAll(() => {
  const lines = cases.map(({ op, label }) => {
    const raws = roundsOf(`raw ${op} ${label}`);
    const ours = roundsOf(`KeyRing.${op} ${label}`);
    const ratio = median(ours.map((hz, i) => hz / (raws[i] as number)));
    const verdict = ratio >= targets[op] ? "meets" : "MISSES";
    reportBench(import.meta.url, { name: `KeyRing.${op} ${label}`, value: median(ours), unit: "ops/s", baseline: { name: `raw node:crypto ${op}`, value: median(raws) }, ratio, target: `target ${targets[op]}x` });
    return `${op} ${label}: KeyRing ${fmt(median(ours))} ops/s, raw ${fmt(median(raws))} ops/s, ratio ${ratio.toFixed(2)} (${verdict} ${targets[op]})`;
  });
  console.log(
    `\nKeyRing vs raw node:crypto envelope, ${ROUNDS} alternating rounds in this process: median ops/s of each side,` +
      ` ratio = median of the per-round KeyRing/raw ratios\n${lines.join("\n")}\n`,
  );
});
