/**
 * scimcheck.config.json: what discovery cannot learn about a target (endpoint overrides, which attribute is
 * the unique identifier, generators for required attributes, how it deprovisions, extra headers).
 * Invalid files are a UsageError with one clear line (exit 2, DESIGN.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { UsageError } from '../usage-error.ts';
import { isKnownGenerator } from './generators.ts';

export interface HarnessConfig {
  /** Path relative to the base URL, overriding what /ResourceTypes says (e.g. '/Users'). */
  usersEndpoint?: string;
  groupsEndpoint?: string;
  /** 'email': the target keys users by email, so userName is generated as an email address. */
  uniqueIdentifier?: 'userName' | 'email';
  /** attribute path (e.g. 'name.givenName', 'urn:...:User:employeeNumber') → generator name. */
  requiredAttributes?: Record<string, string>;
  /** 'disable': DELETE deactivates and the record stays (Files.com-style). */
  deprovision?: 'delete' | 'disable';
  /** Extra headers sent on every request to the target's origin (redacted in transcripts when secret-like). */
  headers?: Record<string, string>;
}

const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    usersEndpoint: { type: 'string', pattern: '^/' },
    groupsEndpoint: { type: 'string', pattern: '^/' },
    uniqueIdentifier: { enum: ['userName', 'email'] },
    requiredAttributes: { type: 'object', additionalProperties: { type: 'string' } },
    deprovision: { enum: ['delete', 'disable'] },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export const DEFAULT_CONFIG_FILE = 'scimcheck.config.json';

/** Validates an already-parsed config; `source` names the file in error messages. */
export function validateConfig(raw: unknown, source: string): HarnessConfig {
  const ajv = new Ajv({ allErrors: false });
  const validate = ajv.compile(CONFIG_SCHEMA);
  if (!validate(raw)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
    const extra = e?.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : '';
    const allowed = e?.keyword === 'enum' ? ` (${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')})` : '';
    throw new UsageError(`${source}: ${where} ${e?.message ?? 'is invalid'}${extra}${allowed}`);
  }
  const config = raw as HarnessConfig & { $schema?: string };
  for (const [attr, gen] of Object.entries(config.requiredAttributes ?? {})) {
    if (!isKnownGenerator(gen)) throw new UsageError(`${source}: requiredAttributes.${attr}: unknown generator '${gen}'`);
  }
  const { $schema: _ignored, ...rest } = config;
  return rest;
}

/** Reads `--config FILE`, or ./scimcheck.config.json when present; {} when neither. */
export function loadConfig(file: string | undefined, cwd = process.cwd()): HarnessConfig {
  const path = file ?? `${cwd}/${DEFAULT_CONFIG_FILE}`;
  if (!file && !existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return validateConfig(raw, path);
}

export interface Preset {
  description: string;
  /** Used when the target URL has no path of its own. */
  basePath?: string;
  config: HarnessConfig;
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  // Files.com's SCIM endpoint lives under /api/scim, keys users by email (userName is an email address),
  // and deprovisions by disabling; it accepts Basic (API key as user) or bearer auth.
  'files-com': {
    description: 'Files.com: base path /api/scim, email as unique identifier, deprovision by disable',
    basePath: '/api/scim',
    config: { uniqueIdentifier: 'email', deprovision: 'disable' },
  },
};

/** Preset values first, then the config file on top (a file can refine a preset). */
export function applyPreset(name: string | undefined, target: string | undefined, config: HarnessConfig): { target: string | undefined; config: HarnessConfig } {
  if (!name) return { target, config };
  const preset = PRESETS[name];
  if (!preset) throw new UsageError(`unknown preset '${name}' (known: ${Object.keys(PRESETS).join(', ')})`);
  let t = target;
  if (t && preset.basePath) {
    const u = new URL(t);
    if (u.pathname === '/' || u.pathname === '') {
      u.pathname = preset.basePath;
      t = u.toString().replace(/\/+$/, '');
    }
  }
  return {
    target: t,
    config: {
      ...preset.config,
      ...config,
      requiredAttributes: { ...preset.config.requiredAttributes, ...config.requiredAttributes },
      headers: { ...preset.config.headers, ...config.headers },
    },
  };
}
