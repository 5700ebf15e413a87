/**
 * The reference provider as msw 2 request handlers: `setupServer(...scimHandlers({ baseUrl }))` puts a
 * strict SCIM service provider behind `fetch('https://sp.test/scim/v2/Users')` in-process, no port.
 * The handlers delegate to the same fetch handler `scimcheck serve` uses.
 */
import { http, type HttpHandler } from 'msw';
import { createProvider, type Provider } from './create-provider.ts';
import type { ProviderOptions } from './options.ts';

export interface ScimHandlersOptions extends Omit<ProviderOptions, 'basePath'> {
  /** Where the provider appears, e.g. 'https://sp.test/scim/v2'; its path becomes the base path. */
  baseUrl: string;
}

/** The handlers, plus the provider behind them (for its store). */
export function scimHandlersWithProvider(options: ScimHandlersOptions): { handlers: HttpHandler[]; provider: Provider } {
  const base = new URL(options.baseUrl);
  const { baseUrl: _ignored, ...rest } = options;
  const provider = createProvider({ ...rest, basePath: base.pathname });
  const prefix = `${base.origin}${provider.basePath}`;
  const handlers = [
    http.all(`${prefix}`, ({ request }) => provider.fetch(request)),
    http.all(`${prefix}/*`, ({ request }) => provider.fetch(request)),
  ];
  return { handlers, provider };
}

export function scimHandlers(options: ScimHandlersOptions): HttpHandler[] {
  return scimHandlersWithProvider(options).handlers;
}
