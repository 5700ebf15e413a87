/**
 * `scimcheck serve --grade-clients` (issue 14): the reference provider grades every request its clients send
 * with the client-side grader (src/grading/client-request.ts), against its own /Schemas, read once at start the
 * way a proxy reads a target's. Findings go on the console's log entries (--ui) and are gathered into report
 * results (suite `clients`) that the CLI layer writes on stop: the provider never imports the harness.
 */
import { gradeClientRequest, recogniseClient, type ClientRecognition } from '../grading/client-request.ts';
import { CLIENT_RULES } from '../grading/client-rules.ts';
import type { Finding, GradedRequest } from '../grading/finding.ts';
import { createFindingGatherer } from '../grading/gather.ts';
import { getMember } from '../scim/resource-access.ts';
import type { CheckResult, TranscriptEntry } from '../scim/results.ts';
import { registryFromDiscovery, type SchemaRegistry } from '../scim/schema-registry.ts';
import type { CapturedExchange, ExchangeGrader } from './ui/capture.ts';

export interface ClientGradingSession {
  /** The grader the request capture calls for each exchange (src/provider/ui/capture.ts). */
  grade: ExchangeGrader;
  /** Report results so far: one per finding id, plus the client-profile note. */
  results(): CheckResult[];
  /** Who the client looks like, from what it sent so far. */
  recognition(): ClientRecognition | undefined;
  stats(): { requests: number; graded: number; findings: number; errors: number };
}

export interface ClientGradingOptions {
  basePath: string;
  registry: SchemaRegistry;
  /** Told once per exchange with its findings (the serve command prints MUST findings as they happen). */
  onFindings?(exchange: CapturedExchange, findings: Finding[]): void;
  /** A grader exception: our bug, said once per exchange, never the client's failure. */
  onError?(err: unknown, exchange: CapturedExchange): void;
}

/** The provider's own schemas and resource types, asked for in-process over its fetch handler. */
export async function providerRegistry(fetch: (req: Request) => Promise<Response>, basePath: string, authorization: string): Promise<SchemaRegistry> {
  const list = async (endpoint: string): Promise<unknown[]> => {
    const res = await fetch(new Request(`http://127.0.0.1${basePath}${endpoint}`, { headers: { authorization, accept: 'application/scim+json' } }));
    if (!res.ok) throw new Error(`the provider answered ${res.status} to GET ${endpoint}`);
    const resources = getMember(await res.json(), 'Resources');
    return Array.isArray(resources) ? resources : [];
  };
  return registryFromDiscovery(await list('/Schemas'), await list('/ResourceTypes'));
}

/** The path under the base, each segment percent-decoded (GradedRequest.path); undefined outside the base. */
function relativePath(url: URL, basePath: string): string | undefined {
  const base = basePath === '/' ? '' : basePath;
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return undefined;
  const segments = url.pathname.slice(base.length).split('/').filter((s) => s !== '');
  try {
    return `/${segments.map(decodeURIComponent).join('/')}`;
  } catch {
    return `/${segments.join('/')}`;
  }
}

function gradedRequestOf(exchange: CapturedExchange, path: string): GradedRequest {
  const headers: Record<string, string> = {};
  exchange.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const req: GradedRequest = { method: exchange.method, path, query: Object.fromEntries(exchange.url.searchParams), headers };
  // A body the provider refused before reading it (413, 415) is unknown: only the headers are graded.
  if (exchange.hadBody && exchange.body === undefined) req.bodyUnread = true;
  else if (exchange.body !== undefined && exchange.body !== '') {
    req.rawBody = exchange.body;
    try {
      req.body = JSON.parse(exchange.body);
    } catch {
      // Not JSON: the endpoint's rules say what that costs.
    }
  }
  return req;
}

/** The logged (redacted) exchange as a report transcript entry. */
function transcriptOf(exchange: CapturedExchange): TranscriptEntry {
  const { logged } = exchange;
  return {
    request: { method: logged.method, url: `${exchange.url.origin}${logged.path}`, headers: logged.request.headers, ...(logged.request.body ? { body: logged.request.body } : {}) },
    response: { status: logged.status, headers: logged.response.headers, ...(logged.response.body ? { body: logged.response.body } : {}) },
  };
}

const TITLES: Record<string, string> = Object.fromEntries(Object.entries(CLIENT_RULES).map(([id, rule]) => [id, rule.title]));

export function createClientGradingSession(opts: ClientGradingOptions): ClientGradingSession {
  const gatherer = createFindingGatherer({ suite: 'clients', titles: TITLES });
  let recognised: ClientRecognition | undefined;
  let requests = 0;
  let graded = 0;
  let findingCount = 0;
  let errors = 0;
  return {
    grade(exchange) {
      requests++;
      const path = relativePath(exchange.url, opts.basePath);
      // Outside the base (a 404) there is no SCIM request to grade; a refused credential is no client habit.
      if (path === undefined || exchange.logged.status === 401) return undefined;
      let findings: Finding[];
      try {
        const req = gradedRequestOf(exchange, path);
        findings = gradeClientRequest(req, { registry: opts.registry });
        recognised = recogniseClient(req, recognised);
      } catch (err) {
        errors++;
        opts.onError?.(err, exchange);
        return undefined;
      }
      graded++;
      findingCount += findings.length;
      gatherer.add(findings, transcriptOf(exchange));
      opts.onFindings?.(exchange, findings);
      return findings.map((f) => ({ id: f.id, side: f.side, level: f.level, rfc: f.rfc, message: f.message }));
    },
    results() {
      const results = gatherer.results();
      if (recognised) {
        // An informational result: who the client looks like and why (never a verdict).
        results.unshift({
          id: 'client.profile',
          title: `The client looks like: ${recognised.label}`,
          suite: 'clients',
          area: 'clients',
          rfc: 'RFC7644 §3',
          level: 'MAY',
          status: 'passed',
          durationMs: 0,
          message: `${recognised.label}${recognised.evidence.length > 0 ? ` (${recognised.evidence.join('; ')})` : ''}; ${graded} request${graded === 1 ? '' : 's'} graded`,
          transcript: [],
        });
      }
      return results;
    },
    recognition: () => recognised,
    stats: () => ({ requests, graded, findings: findingCount, errors }),
  };
}
