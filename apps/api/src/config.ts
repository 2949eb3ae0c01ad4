import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  jwtSecret: string;
  sessionHours: number;
  /** Months after an event's end when registrations' personal data is anonymised. */
  retentionMonths: number;
  /** Where the built SvelteKit app lives; absent in API-only runs and tests. */
  webBuildDir: string | undefined;
  logLevel: string;
  /** Login and login-link attempts allowed per client address and minute. */
  loginRateLimit: number;
  /** Registrations per client address and minute (a whole class may register from one school network). */
  registrationRateLimit: number;
  /** Days sent mail stays in the outbox before it is deleted (pending mail is never purged). */
  mailRetentionDays: number;
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For): false (the socket's
   * address; the default), a number of hops, or a list of proxy addresses and CIDR ranges. Passed
   * to Fastify's trustProxy.
   */
  trustProxy: false | number | string[];
  /** Scheduled online backups; undefined without BACKUP_DIR. */
  backup: { dir: string; keep: number; intervalHours: number } | undefined;
  /**
   * Whether whole answers for visitors (API lists, pages) are kept while the data has not
   * changed. Off only to measure the uncached paths (tests/bench/paths-bench.mjs): read at start,
   * never from a request, so no caller can make the server skip its caches.
   */
  answerCache: boolean;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return n;
}

function url(env: Env, name: string, fallback: string | undefined, protocols: string[]): string | undefined {
  const raw = env[name] || fallback;
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, not "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(`${name} must start with ${protocols.join(' or ')}`);
  return raw.replace(/\/$/, '');
}

/**
 * The signing key comes from JWT_SECRET, or is generated once into DATA_DIR with owner-only
 * permissions, so there is never a secret in the code and restarts keep sessions valid.
 */
function jwtSecret(env: Env, dataDir: string): string {
  if (env.JWT_SECRET) {
    if (env.JWT_SECRET.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
    return env.JWT_SECRET;
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/** TRUST_PROXY: empty or "false" (off), a hop count, or a comma-separated list of addresses and CIDR ranges. */
function trustProxy(env: Env): false | number | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 1, 10);
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const address = /^(?:[0-9.]+|[0-9a-fA-F:.]+)(?:\/\d{1,3})?$|^(?:loopback|linklocal|uniquelocal)$/;
  const bad = list.find((a) => !address.test(a));
  if (bad !== undefined)
    throw new ConfigError(
      `TRUST_PROXY must be a number of proxies or a list of their addresses (such as 127.0.0.1,10.0.0.0/8), not "${bad}"`,
    );
  return list;
}

/** ANSWER_CACHE: "on" (the default) or "off". */
function answerCache(env: Env): boolean {
  const raw = (env.ANSWER_CACHE ?? '').trim();
  if (raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(`ANSWER_CACHE must be "on" or "off", not "${raw}"`);
}

/** Reads and validates the environment once, at start. Every variable is listed in .env.example. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const dataDir = resolve(env.DATA_DIR || './data');
  mkdirSync(dataDir, { recursive: true });
  const smtpUrl = url(env, 'SMTP_URL', undefined, ['smtp:', 'smtps:']);
  const mailFrom = env.MAIL_FROM || 'Samverka <noreply@samverka.local>';
  if (/[\r\n]/.test(mailFrom)) throw new ConfigError('MAIL_FROM must be one line');
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseFile: join(dataDir, 'samverka.db'),
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:'])!,
    smtpUrl,
    mailFrom,
    jwtSecret: jwtSecret(env, dataDir),
    sessionHours: integer(env, 'SESSION_HOURS', 168, 1, 24 * 90),
    retentionMonths: integer(env, 'RETENTION_MONTHS', 12, 1, 120),
    webBuildDir: env.WEB_BUILD_DIR === '' ? undefined : resolve(env.WEB_BUILD_DIR || new URL('../../web/build', import.meta.url).pathname),
    logLevel: env.LOG_LEVEL || 'info',
    loginRateLimit: integer(env, 'LOGIN_RATE_LIMIT', 10, 1, 100_000),
    registrationRateLimit: integer(env, 'REGISTRATION_RATE_LIMIT', 60, 1, 1_000_000),
    mailRetentionDays: integer(env, 'MAIL_RETENTION_DAYS', 30, 1, 3650),
    trustProxy: trustProxy(env),
    answerCache: answerCache(env),
    backup: env.BACKUP_DIR
      ? {
          dir: resolve(env.BACKUP_DIR),
          keep: integer(env, 'BACKUP_KEEP', 7, 1, 1000),
          intervalHours: integer(env, 'BACKUP_INTERVAL_HOURS', 24, 1, 24 * 31),
        }
      : undefined,
  };
}
