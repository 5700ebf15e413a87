/**
 * `scimcheck load` as the CLI runs it: the IdP's load command (src/idp/load/command.ts) with the embedded
 * reference provider wired in for runs without --target. Only the CLI layer may start the provider.
 */
import { runLoadCommand } from '../idp/load/command.ts';
import { startEmbedded } from './load-embedded.ts';

export async function loadCommand(argv: string[]): Promise<number> {
  return (await runLoadCommand(argv, { signals: true, startEmbedded })).code;
}
