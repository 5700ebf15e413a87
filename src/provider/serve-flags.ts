/** The flags of `scimcheck serve`, parsed with node:util parseArgs; any mistake is a UsageError (exit 2). */
import { parseFlags } from '../cli-args.ts';
import { UsageError } from '../usage-error.ts';
import { FAULTS } from './faults.ts';
import type { Policy } from './policy/format.ts';
import { readPolicyFile } from './policy/load.ts';
import { VARIANTS, isVariantName, unknownVariantError } from './variants.ts';

/** Each variant with what it does, the RFC sentence that allows it, and where that sentence lives. */
function variantHelp(): string {
  const indent = ' '.repeat(24);
  return Object.entries(VARIANTS)
    .map(([name, v]) => `${indent}${name.padEnd(28)} ${v.summary}\n${indent}${' '.repeat(29)}${v.clause}: "${v.rfc}"`)
    .join('\n');
}

export const HELP = `usage: scimcheck serve [flags]

Starts the reference SCIM 2.0 service provider (RFC 7643 / RFC 7644).

  --port N            port to listen on (default 8080; 0 picks a free one)
  --host H            address to bind (default 127.0.0.1)
  --token T           accept this bearer token (repeatable)
  --basic USER:PASS   accept these Basic credentials (repeatable)
  --base-path P       where the endpoints live (default /scim/v2)
  --public-discovery  serve /ServiceProviderConfig, /Schemas, /ResourceTypes without credentials
  --state FILE        load the store from FILE (+ its journal); journal every change before answering;
                      one server per FILE (FILE.lock holds its pid)
  --state-recover     start even if the journal is damaged: keep its valid records, move the damaged
                      file aside and say how many lines were dropped
  --fault NAME        a deliberately broken behaviour (repeatable); one of:
${Object.entries(FAULTS)
  .map(([name, what]) => `                        ${name.padEnd(28)} ${what}`)
  .join('\n')}
  --variant NAME      an RFC-legal choice real servers make, on which the harness must report no failure
                      (repeatable; combines with other variants and with faults); one of:
${variantHelp()}
  --policy FILE       Files.com-style provisioning policy, JSON or YAML (docs/policy.md)
  --ui                serve the live console at /ui (users, groups, requests as they arrive)
  --ui-token T        a separate token for the console (else the API's credentials open it)
  --grade-clients     grade every request a client sends against RFC 7643/7644 (content type, schemas,
                      PATCH ops and paths, filters, readOnly writes, Bulk shape, If-Match); findings show
                      per request in --ui, MUST and SHOULD findings are printed, and on stop (Ctrl-C,
                      SIGTERM) a report is written to --out; exit 1 then if a client broke a MUST
                      (docs/provider.md, Grading clients)
  --out DIR           where --grade-clients writes report.json, junit.xml, summary.md, report.html
                      (default reports/clients)
  --help              this text

With neither --token nor --basic a random bearer token is generated and printed:
the provider never serves without authentication.`;

export interface ServeFlags {
  port: number;
  host: string;
  tokens: string[];
  basic: { user: string; password: string }[];
  basePath: string;
  publicDiscovery: boolean;
  statePath?: string;
  /** --state-recover: start on a damaged journal, keeping its valid records (state-read.ts). */
  stateRecover: boolean;
  faults: string[];
  /** --variant names, validated against VARIANTS (variants.ts). */
  variants: string[];
  /** The validated --policy file (read here, so a bad file is a usage error before anything listens). */
  policy?: Policy;
  /** Serve the live console at /ui (src/provider/ui). */
  ui: boolean;
  uiToken?: string;
  /** --grade-clients: grade each request a client sends (src/provider/grade-clients.ts, issue 14). */
  gradeClients: boolean;
  /** Where the client grading report goes on stop. */
  out: string;
  help: boolean;
}

export function parseServeFlags(argv: string[]): ServeFlags {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseFlags({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string', multiple: true },
        basic: { type: 'string', multiple: true },
        'base-path': { type: 'string' },
        'public-discovery': { type: 'boolean' },
        state: { type: 'string' },
        'state-recover': { type: 'boolean' },
        fault: { type: 'string', multiple: true },
        variant: { type: 'string', multiple: true },
        policy: { type: 'string' },
        ui: { type: 'boolean' },
        'ui-token': { type: 'string' },
        'grade-clients': { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const portText = (values.port as string | undefined) ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got '${portText}'`);
  const basic = ((values.basic as string[] | undefined) ?? []).map((b) => {
    const colon = b.indexOf(':');
    if (colon <= 0 || colon === b.length - 1) throw new UsageError(`--basic must be USER:PASS, got '${b}'`);
    return { user: b.slice(0, colon), password: b.slice(colon + 1) };
  });
  const tokens = (values.token as string[] | undefined) ?? [];
  if (tokens.some((t) => t.trim() === '')) throw new UsageError('--token must not be empty');
  if (values['ui-token'] !== undefined && (values['ui-token'] as string).trim() === '') throw new UsageError('--ui-token must not be empty');
  const basePath = (values['base-path'] as string | undefined) ?? '/scim/v2';
  if (!basePath.startsWith('/') || /\s/.test(basePath)) throw new UsageError(`--base-path must start with / and contain no spaces, got '${basePath}'`);
  const faults = (values.fault as string[] | undefined) ?? [];
  const unknown = faults.filter((f) => !Object.hasOwn(FAULTS, f));
  if (unknown.length > 0) throw new UsageError(`unknown fault '${unknown.join("', '")}' (valid: ${Object.keys(FAULTS).join(', ')})`);
  const variants = (values.variant as string[] | undefined) ?? [];
  const unknownVariants = variants.filter((v) => !isVariantName(v));
  if (unknownVariants.length > 0) throw unknownVariantError(unknownVariants);
  if (values['state-recover'] === true && values.state === undefined) throw new UsageError('--state-recover needs --state FILE');
  if (values.out !== undefined && values['grade-clients'] !== true) throw new UsageError('--out needs --grade-clients (the report it writes is the client grading report)');
  if (values.out !== undefined && (values.out as string).trim() === '') throw new UsageError('--out must not be empty');
  return {
    port: Number(portText),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    tokens,
    basic,
    basePath: basePath.replace(/\/+$/, '') || '/',
    publicDiscovery: values['public-discovery'] === true,
    statePath: values.state as string | undefined,
    stateRecover: values['state-recover'] === true,
    faults,
    variants,
    policy: values.policy !== undefined ? readPolicyFile(values.policy as string) : undefined,
    ui: values.ui === true || values['ui-token'] !== undefined,
    uiToken: values['ui-token'] as string | undefined,
    gradeClients: values['grade-clients'] === true,
    out: (values.out as string | undefined) ?? 'reports/clients',
    help: values.help === true,
  };
}

