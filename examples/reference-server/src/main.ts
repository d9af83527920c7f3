#!/usr/bin/env node
/**
 * `wallet-auth`: the reference server's command line. `serve` (the default) runs the server;
 * the other commands operate on the same database and keys. Exit codes: 0 success, 1 failure,
 * 2 bad configuration or usage.
 */
import { Command, CommanderError } from "commander";
import { pino } from "pino";
import { ConfigError, loadConfig } from "./config.js";
import { CliExit, registerCommands } from "./cli/commands.js";
import { registerKeyProviderCommands } from "./cli/keyProviderCommands.js";
import { prepareDataDir } from "./dataDir.js";

// Everything this process creates (database files, keys, anchors, exports) is the owner's only.
process.umask(0o077);

const program = new Command("wallet-auth").description("wallet-auth reference server and operations").exitOverride();

function fail(line: string, code = 1): never {
  process.stderr.write(`wallet-auth: ${line}\n`);
  process.exit(code);
}

function config() {
  try {
    const cfg = loadConfig();
    prepareDataDir(cfg);
    return cfg;
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`, 2);
    throw error;
  }
}

program
  .command("serve", { isDefault: true })
  .description("run the HTTP server until SIGTERM/SIGINT")
  .action(async () => {
    const cfg = config();
    const logger = pino({
      level: cfg.LOG_LEVEL,
      redact: { paths: ["*.authorization", "*.cookie", "*.token", "*.secret", "*.apiKey", "*.password", "*.headers"], censor: "[redacted]" },
      base: { service: "wallet-auth" },
    });
    // Loaded after the configuration passed: a bad variable is refused in a fraction of a second.
    const { startServer } = await import("./server.js");
    const server = await startServer(cfg, logger).catch((error: unknown) => {
      // details.problem is a stable, public-safe word (key-disabled, timeout, missing-primary...): which fix to make.
      const problem = (error as { details?: { problem?: unknown } } | null)?.details?.problem;
      logger.error({ kind: error instanceof Error ? error.name : typeof error, code: (error as { code?: unknown })?.code, ...(typeof problem === "string" ? { problem } : {}) }, "start-up failed");
      fail("start-up failed (see the log line above)");
    });
    const mode = cfg.development ? "development" : "production";
    logger.info({ url: server.url, mode, ...(server.metricsUrl ? { metricsUrl: server.metricsUrl } : {}) }, "listening");
    if (server.metricsUrl) process.stdout.write(`wallet-auth metrics and readiness on ${server.metricsUrl}\n`);
    process.stdout.write(`wallet-auth listening on ${server.url} (${mode} mode)\n`);
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down");
      const hard = setTimeout(() => process.exit(1), 15_000);
      hard.unref();
      void server.close(10_000).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ kind: error instanceof Error ? error.name : typeof error }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });

const migrate = program.command("migrate").description("database migrations");
for (const action of ["latest", "rollback", "status"] as const) {
  migrate
    .command(action)
    .option("--json", "print JSON")
    .description(`${action} (on DATABASE_URL, else the embedded database in the data folder)`)
    .action(async (opts: { json?: boolean }) => {
      const cfg = config();
      const pg = await import("@wallet-auth/adapter-postgres");
      const { join } = await import("node:path");
      const { dataDirOf } = await import("./dataDir.js");
      const db = cfg.DATABASE_URL
        ? { knex: pg.createPostgresKnex({ connectionString: cfg.DATABASE_URL }), close: async function (this: { knex: { destroy(): Promise<void> } }) { await this.knex.destroy(); } }
        : await pg.createEmbeddedDatabase({ dataDir: join(dataDirOf(cfg), "pglite") });
      try {
        const result = action === "latest" ? await pg.migrateLatest(db.knex) : action === "rollback" ? await pg.migrateRollback(db.knex) : await pg.migrationStatus(db.knex);
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${action}: ${JSON.stringify(result)}\n`);
      } finally {
        await db.close();
      }
    });
}

const keys = program.command("keys").description("key ring");
keys
  .command("generate")
  .description("print a new 32-byte key as id:base64 (for WALLET_AUTH_KEYS)")
  .option("--id <id>", "key id")
  .option("--json", "print JSON")
  .action(async (opts: { id?: string; json?: boolean }) => {
    const { generateKey } = await import("@wallet-auth/core");
    const key = generateKey(opts.id ? { id: opts.id } : {});
    process.stdout.write(opts.json ? `${JSON.stringify({ id: key.id, entry: key.env })}\n` : `${key.env}\n`);
    key.key.fill(0);
  });

registerCommands(program, config);
registerKeyProviderCommands(program);
for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof CliExit) fail(error.message, error.exitCode);
  if (error instanceof ConfigError) fail(`configuration error: ${error.message}`, 2);
  const code = (error as { code?: unknown } | null)?.code;
  // Only a stable error code is printed: never a message that could carry a secret or SQL.
  fail(`failed${typeof code === "string" && /^[A-Z_]+$/.test(code) ? ` (${code})` : ""}`);
}
