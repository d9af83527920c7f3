import { appendFileSync, createWriteStream, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { type RequestContext, chainHead, generateKey, isWalletAuthError, verifyAuditChain } from "@wallet-auth/core";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { ServerConfig } from "../config.js";
import { type KeyVariables, keyLines, parseKeyVariables, readKeyFile, writeKeyFile } from "./keyFile.js";
import { type CliRuntime, dataDirOf, openRuntime } from "./runtime.js";

/**
 * Exit codes every command keeps, so a shell script can branch on them:
 * 0 done, 1 failed (a message on stderr), 2 bad usage or configuration,
 * 3 "not yet": a check did not pass (a chain did not verify, a key is still in use,
 * records remain to rewrap, nothing to resume).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, notYet: 3 } as const;

/** A failure with its exit code and the one line printed for it. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

async function withRuntime<T>(config: () => ServerConfig, fn: (rt: CliRuntime, cfg: ServerConfig) => Promise<T>): Promise<T> {
  const cfg = config();
  const rt = await openRuntime(cfg);
  try {
    return await fn(rt, cfg);
  } finally {
    await rt.close();
  }
}

/** Where `keys add|promote|retire` write: `--file`, else the development key file, else nowhere (print). */
function keyTarget(cfg: ServerConfig, file: string | undefined): { file: string | null; vars: KeyVariables } {
  if (cfg.keyProvider && cfg.keyProvider.kind !== "env") throw new CliExit(EXIT.usage, `the ring is wrapped by ${cfg.keyProvider.kind}: use keys wrap --new, keys rewrap, and WALLET_AUTH_PRIMARY_KEY_ID (see docs/key-rotation.md)`);
  const devFile = join(dataDirOf(cfg), "dev-secrets.env");
  const target = file ?? (cfg.development && !process.env.WALLET_AUTH_KEYS && existsSync(devFile) ? devFile : null);
  if (target) {
    if (!existsSync(target)) throw new CliExit(EXIT.usage, `key file not found: ${target}`);
    return { file: target, vars: readKeyFile(target) };
  }
  const vars = parseKeyVariables(process.env);
  if (vars.entries.length === 0) throw new CliExit(EXIT.usage, "WALLET_AUTH_KEYS is not set and there is no key file (use --file)");
  return { file: null, vars };
}

function saveKeys(target: { file: string | null }, vars: KeyVariables, json: boolean | undefined, summary: Record<string, unknown>, text: string): void {
  if (target.file) {
    writeKeyFile(target.file, vars);
    print(json, { ...summary, file: target.file, restartRequired: true }, `${text}; written to ${target.file}; restart every replica`);
  } else {
    // Keys from the environment: print the new lines for the secret store (stdout only).
    process.stderr.write(`wallet-auth: ${text}; put these lines into the secret store and restart every replica:\n`);
    process.stdout.write(json ? `${JSON.stringify({ ...summary, env: keyLines(vars) })}\n` : `${keyLines(vars).join("\n")}\n`);
  }
}

const today = () => new Date().toISOString().slice(0, 10);

/** Registers `keys`, `rotation`, `audit` and `tokens`. */
export function registerCommands(program: Command, config: () => ServerConfig): void {
  const keys = program.commands.find((c) => c.name() === "keys")!;

  keys
    .command("status")
    .description("key ids, primary, age and records per key")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withRuntime(config, async (rt) => {
        const status = await rt.walletAuth.rotation.status();
        const lines = status.keys.map((k) => `${k.primary ? "*" : " "} ${k.keyId}\trecords=${k.records}\tage=${k.ageDays ?? "?"}d${k.inRing ? "" : "\tNOT IN RING"}`);
        print(opts.json, status, [`primary ${status.primaryKeyId}, pending ${status.pending}`, ...lines].join("\n"));
      }),
    );

  keys
    .command("add")
    .description("generate a key and add it to the ring as decrypt-only (step 1 of a rotation)")
    .option("--id <id>", "key id (default: a new random id)")
    .option("--file <path>", "env file holding WALLET_AUTH_KEYS (default: the development key file)")
    .option("--json", "print JSON")
    .action((opts: { id?: string; file?: string; json?: boolean }) => {
      const cfg = config();
      const target = keyTarget(cfg, opts.file);
      const key = generateKey(opts.id ? { id: opts.id } : {});
      if (target.vars.entries.some((e) => e.id === key.id)) throw new CliExit(EXIT.usage, `key id already in the ring: ${key.id}`);
      const vars = { ...target.vars, entries: [...target.vars.entries, { id: key.id, raw: `${key.env}:${today()}` }] };
      key.key.fill(0);
      saveKeys(target, vars, opts.json, { added: key.id, primaryKeyId: vars.primaryKeyId }, `added key ${key.id} (decrypt-only)`);
    });

  keys
    .command("promote <id>")
    .description("make a key the primary: new records are sealed under it (step 2)")
    .option("--file <path>", "env file holding WALLET_AUTH_KEYS")
    .option("--json", "print JSON")
    .action((id: string, opts: { file?: string; json?: boolean }) => {
      const target = keyTarget(config(), opts.file);
      if (!target.vars.entries.some((e) => e.id === id)) throw new CliExit(EXIT.usage, `no key with id ${id} in the ring`);
      saveKeys(target, { ...target.vars, primaryKeyId: id }, opts.json, { primaryKeyId: id }, `key ${id} is primary`);
    });

  keys
    .command("rotate")
    .description("add a new key and make it primary at once (one replica only; with several, use add, restart, promote)")
    .option("--id <id>", "key id")
    .option("--file <path>", "env file holding WALLET_AUTH_KEYS")
    .option("--json", "print JSON")
    .action((opts: { id?: string; file?: string; json?: boolean }) => {
      const target = keyTarget(config(), opts.file);
      const key = generateKey(opts.id ? { id: opts.id } : {});
      if (target.vars.entries.some((e) => e.id === key.id)) throw new CliExit(EXIT.usage, `key id already in the ring: ${key.id}`);
      const vars = { entries: [...target.vars.entries, { id: key.id, raw: `${key.env}:${today()}` }], primaryKeyId: key.id };
      key.key.fill(0);
      saveKeys(target, vars, opts.json, { added: key.id, primaryKeyId: key.id }, `added key ${key.id} as primary; next: wallet-auth rotation start`);
    });

  keys
    .command("retire <id>")
    .description("remove a key once no record uses it (step 4); exit 3 while records still use it")
    .option("--file <path>", "env file holding WALLET_AUTH_KEYS")
    .option("--json", "print JSON")
    .action((id: string, opts: { file?: string; json?: boolean }) =>
      withRuntime(config, async (rt, cfg) => {
        const target = keyTarget(cfg, opts.file);
        if (!target.vars.entries.some((e) => e.id === id)) throw new CliExit(EXIT.usage, `no key with id ${id} in the ring`);
        if (target.vars.primaryKeyId === id) throw new CliExit(EXIT.usage, `key ${id} is the primary: promote another key first`);
        try {
          await rt.walletAuth.rotation.assertRetirable(id);
        } catch (error) {
          if (isWalletAuthError(error) && error.code === "KEY_IN_USE") {
            const records = (await rt.walletAuth.rotation.status()).keys.find((k) => k.keyId === id)?.records ?? 0;
            throw new CliExit(EXIT.notYet, `key ${id} still wraps ${records} record(s): run wallet-auth rotation start`);
          }
          throw error;
        }
        const vars = { ...target.vars, entries: target.vars.entries.filter((e) => e.id !== id) };
        saveKeys(target, vars, opts.json, { retired: id }, `retired key ${id} (keep an offline copy until old backups expire)`);
      }),
    );

  const rotation = program.command("rotation").description("rewrap every record onto the primary key");
  const rewrap = (mode: "start" | "resume") => async (opts: { batchSize?: string; json?: boolean; progress?: boolean }) =>
    withRuntime(config, async (rt) => {
      const before = await rt.walletAuth.rotation.status();
      if (mode === "resume" && before.lastJob?.status !== "running") {
        throw new CliExit(EXIT.notYet, "no interrupted rotation to resume");
      }
      if (before.pending === 0) {
        print(opts.json, { rewrapped: 0, failed: 0, remaining: 0, primaryKeyId: before.primaryKeyId }, `nothing to rewrap: every record is on ${before.primaryKeyId}`);
        return;
      }
      const tty = process.stderr.isTTY && opts.progress !== false && !opts.json;
      const bar = tty ? new SingleBar({ format: "rewrap [{bar}] {value}/{total} records | {rate}/s | {eta_formatted} left", stream: process.stderr }) : null;
      const started = performance.now();
      bar?.start(before.pending, 0, { rate: "0" });
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        const result = await rt.walletAuth.rotation.runRewrap({
          ...(opts.batchSize ? { batchSize: Number(opts.batchSize) } : {}),
          signal: abort.signal,
          onProgress: (p) => {
            const done = p.rewrapped + p.failed + p.skipped;
            const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
            if (bar) bar.update(Math.min(done, before.pending), { rate: rate.toFixed(0) });
            else if (!opts.json) process.stdout.write(`progress job=${p.jobId} batches=${p.batches} done=${done}/${before.pending} rewrapped=${p.rewrapped} failed=${p.failed} rate=${rate.toFixed(0)}/s\n`);
          },
        });
        bar?.stop();
        const summary = { jobId: result.jobId, targetKeyId: result.targetKeyId, rewrapped: result.rewrapped, failed: result.failed, skipped: result.skipped, remaining: result.remaining, failures: result.failures };
        print(opts.json, summary, `rewrapped ${result.rewrapped}, failed ${result.failed}, remaining ${result.remaining} (target ${result.targetKeyId})${result.failures.map((f) => `\nfailed ${f.credentialId} on ${f.keyId}: ${f.code}`).join("")}`);
        if (result.remaining > 0 || result.failed > 0) throw new CliExit(EXIT.notYet, `${result.remaining} record(s) still on an old key`);
      } catch (error) {
        bar?.stop();
        if (abort.signal.aborted) throw new CliExit(EXIT.failed, "rotation interrupted; committed batches stay; run wallet-auth rotation resume");
        throw error;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
  for (const mode of ["start", "resume"] as const) {
    rotation
      .command(mode)
      .description(mode === "start" ? "rewrap every record not on the primary key (resumable; several workers may run at once)" : "continue an interrupted rotation (exit 3 when there is none)")
      .option("--batch-size <n>", "records per transaction (1..1000)")
      .option("--no-progress", "plain lines even on a terminal")
      .option("--json", "print JSON")
      .action(rewrap(mode));
  }
  rotation
    .command("status")
    .description("records per key and the last job; exit 3 while records remain on old keys")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withRuntime(config, async (rt) => {
        const s = await rt.walletAuth.rotation.status();
        const job = s.lastJob ? `last job ${s.lastJob.id} ${s.lastJob.status} processed=${s.lastJob.processed} failed=${s.lastJob.failed}` : "no job yet";
        print(opts.json, s, `primary ${s.primaryKeyId}, pending ${s.pending}; ${job}`);
        if (s.pending > 0) process.exitCode = EXIT.notYet;
      }),
    );

  const audit = program.command("audit").description("audit log: verify chains, export, anchor heads");
  audit
    .command("verify")
    .description("verify every audit chain (or one user's); exit 3 on a broken or truncated chain")
    .option("--user <userId>", "only this user's chain (also checks personal digests)")
    .option("--anchors <file>", "anchor file written by `audit anchor`: also detects deleted newest events")
    .option("--json", "print JSON")
    .action((opts: { user?: string; anchors?: string; json?: boolean }) =>
      withRuntime(config, async (rt) => {
        const anchored = opts.anchors ? latestAnchor(opts.anchors) : {};
        const chains: { chainKey: string; userId?: string }[] = opts.user
          ? [{ chainKey: rt.walletAuth.audit.chainKeyOf(opts.user), userId: opts.user }]
          : ((await rt.knex("audit_events").distinct("chain_key").orderBy("chain_key")) as { chain_key: string }[]).map((r) => ({ chainKey: r.chain_key }));
        for (const chainKey of Object.keys(anchored)) if (!opts.user && !chains.some((c) => c.chainKey === chainKey)) chains.push({ chainKey });
        const results = [];
        for (const chain of chains) {
          const expectedHead = anchored[chain.chainKey];
          const result = await verifyAuditChain({
            store: rt.walletAuth.store,
            ...(chain.userId ? { userId: chain.userId, hashKey: rt.secrets.auditKey } : { chainKey: chain.chainKey, hashKey: rt.secrets.auditKey }),
            ...(expectedHead ? { expectedHead } : {}),
          });
          results.push({ chainKey: chain.chainKey, ...result });
        }
        const broken = results.filter((r) => !r.ok);
        print(
          opts.json,
          { ok: broken.length === 0, chains: results.length, events: results.reduce((n, r) => n + r.count, 0), broken },
          broken.length === 0
            ? `ok: ${results.length} chain(s), ${results.reduce((n, r) => n + r.count, 0)} event(s) verified`
            : broken.map((r) => (r.ok ? "" : `broken chain ${r.chainKey} at seq ${r.brokenAt.seq}: ${r.brokenAt.reason}`)).join("\n"),
        );
        if (broken.length > 0) process.exitCode = EXIT.notYet;
      }),
    );
  audit
    .command("export")
    .description("export one user's audit log")
    .requiredOption("--user <userId>", "whose log")
    .option("--format <format>", "ndjson | csv | json", "ndjson")
    .option("--out <file>", "write to a file instead of stdout")
    .action((opts: { user: string; format: string; out?: string }) =>
      withRuntime(config, async (rt) => {
        if (!["ndjson", "csv", "json"].includes(opts.format)) throw new CliExit(EXIT.usage, `unknown format ${opts.format} (ndjson, csv, json)`);
        const ctx: RequestContext = { userId: opts.user, actor: { type: "operator", id: "cli" } };
        const exported = await rt.walletAuth.auditLog.export(ctx, { format: opts.format as "ndjson" });
        const out = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
        for await (const chunk of exported) out.write(chunk);
        if (opts.out) {
          (out as NodeJS.WritableStream & { end(): void }).end();
          await finished(out as NodeJS.WritableStream);
        }
      }),
    );
  audit
    .command("anchor")
    .description("append the newest head of every chain to an anchor file (keep it outside the database)")
    .option("--out <file>", "anchor file (NDJSON, appended); default <data dir>/audit-anchors.ndjson")
    .option("--json", "print JSON")
    .action((opts: { out?: string; json?: boolean }) =>
      withRuntime(config, async (rt, cfg) => {
        const file = opts.out ?? join(dataDirOf(cfg), "audit-anchors.ndjson");
        const anchor = await anchorHeads(rt);
        appendFileSync(file, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
        print(opts.json, { file, chains: Object.keys(anchor.heads).length, at: anchor.at }, `anchored ${Object.keys(anchor.heads).length} chain head(s) to ${file}`);
      }),
    );

  const tokens = program.command("tokens").description("bot access tokens");
  tokens
    .command("rehash")
    .description("one-time step after upgrading: key the hashes of bot tokens stored before keyed hashes (WALLET_AUTH_TOKEN_KEY), so they work again")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withRuntime(config, async (rt) => {
        const { rehashed } = await rt.walletAuth.tokens.rehashLegacy();
        print(opts.json, { rehashed }, `keyed ${rehashed} legacy bot token hash(es)`);
      }),
    );
  tokens
    .command("revoke <tokenId>")
    .description("revoke a user's bot token at once (exit 3 when absent or already revoked)")
    .requiredOption("--user <userId>", "the token's owner")
    .option("--json", "print JSON")
    .action((tokenId: string, opts: { user: string; json?: boolean }) =>
      withRuntime(config, async (rt) => {
        try {
          const view = await rt.walletAuth.tokens.revoke({ userId: opts.user, actor: { type: "operator", id: "cli" } }, tokenId);
          print(opts.json, { id: view.id, revokedAt: view.revokedAt }, `revoked ${view.id}`);
        } catch (error) {
          if (isWalletAuthError(error) && error.code === "NOT_FOUND") throw new CliExit(EXIT.notYet, `no active token ${tokenId} for that user`);
          throw error;
        }
      }),
    );

  program
    .command("kill-switch")
    .description("for a user whose key may be leaked: disable every credential, revoke every bot token, stop the proxy, optionally cancel open orders; prints the incident with the steps to delete each key at its exchange")
    .requiredOption("--user <userId>", "the user to stop")
    .option("--cancel-open-orders", "also cancel every open order at every venue")
    .option("--json", "print JSON")
    .action((opts: { user: string; cancelOpenOrders?: boolean; json?: boolean }) =>
      withRuntime(config, async (rt) => {
        const { incident, alreadyStopped } = await rt.walletAuth.killSwitch.run({ userId: opts.user, actor: { type: "operator", id: "cli" } }, { cancelOpenOrders: opts.cancelOpenOrders === true });
        const d = incident.details as { credentialsDisabled?: unknown[]; tokensRevoked?: unknown[]; keyDeletion?: { exchange: string; keyHint: string; page: string | null }[] };
        const steps = (d.keyDeletion ?? []).map((k) => `  delete the ${k.exchange} key ending in ${k.keyHint} at ${k.page ?? "the exchange's API key page"}`).join("\n");
        print(
          opts.json,
          { alreadyStopped, incident },
          `${alreadyStopped ? "already stopped" : "stopped"}: incident ${incident.id}, ${d.credentialsDisabled?.length ?? 0} credential(s) disabled, ${d.tokensRevoked?.length ?? 0} token(s) revoked${steps ? `\n${steps}` : ""}`,
        );
      }),
    );
}

/** `{ at, heads: { chainKey: { seq, hash } } }`: the newest head of every chain. */
export async function anchorHeads(rt: Pick<CliRuntime, "knex" | "walletAuth">): Promise<{ at: string; heads: Record<string, { seq: number; hash: string }> }> {
  const rows = (await rt.knex("audit_events").distinct("chain_key")) as { chain_key: string }[];
  const heads: Record<string, { seq: number; hash: string }> = {};
  for (const { chain_key } of rows) {
    const head = await chainHead({ store: rt.walletAuth.store, chainKey: chain_key });
    if (head) heads[chain_key] = { seq: head.seq, hash: head.hash };
  }
  return { at: new Date().toISOString(), heads };
}

function latestAnchor(file: string): Record<string, { seq: number; hash: string }> {
  if (!existsSync(file)) throw new CliExit(EXIT.usage, `anchor file not found: ${file}`);
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  const merged: Record<string, { seq: number; hash: string }> = {};
  for (const line of lines) Object.assign(merged, (JSON.parse(line) as { heads: Record<string, { seq: number; hash: string }> }).heads);
  return merged;
}
