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
  };
}
