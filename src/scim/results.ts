/**
 * The result vocabulary every part writes and every reporter reads: a recorded request/response exchange and one
 * result of report.json (DESIGN.md: stable field names). It lives in the shared core so the IdP (scenario results,
 * transcripts) and the harness (checks, reporters) agree on it without the IdP importing the harness.
 */

export type Level = 'MUST' | 'SHOULD' | 'MAY';
export type Status = 'passed' | 'failed' | 'warned' | 'skipped' | 'errored';

export interface TranscriptEntry {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body?: string } | { error: string };
}

/** One result in report.json (DESIGN.md: stable field names). */
export interface CheckResult {
  id: string;
  title: string;
  /** 'proxy': a finding of `scimcheck proxy` on traffic it watched; 'clients': of `serve --grade-clients` on the requests it received (issue 14). */
  suite: 'conformance' | 'scenarios' | 'properties' | 'proxy' | 'clients';
  area: string;
  /** e.g. 'RFC7644 §3.3' */
  rfc: string;
  level: Level;
  status: Status;
  durationMs: number;
  message?: string;
  expected?: unknown;
  actual?: unknown;
  reproduce?: string;
  transcript: TranscriptEntry[];
  /** Scenario results name the IdP profile. */
  profile?: string;
  /** Set on a `skipped` result whose prerequisite check failed or errored: that check's id. */
  blockedBy?: string;
  /** Proxy findings (issue 14): whose message the finding judges, the client's request or the server's answer. */
  side?: 'client' | 'server';
}
