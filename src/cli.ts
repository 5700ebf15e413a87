/**
 * scimcheck's command line: thin on purpose. It parses the command name, hands the rest of argv to the
 * part that owns the command, and turns the answer into an exit code (DESIGN.md: 0 pass, 1 a check
 * failed, 2 bad usage or configuration, 3 target unreachable or credentials rejected).
 *
 * This is the one place that may wire the provider and the harness together (the embedded provider of
 * `scimcheck run` without --target): the harness itself never imports the provider.
 */
import { UsageError } from './usage-error.ts';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: {
    summary: 'run the conformance checks, scenarios and property suites against a target (or the embedded provider)',
    load: async () => (await import('./commands/run.ts')).runCommand,
  },
  serve: {
    summary: 'start the reference SCIM service provider',
    // Through the CLI layer, which wires the harness's report writer in for --grade-clients.
    load: async () => (await import('./commands/serve.ts')).serveCli,
  },
  list: {
    summary: 'list every check: id, RFC clause, level, title',
    load: async () => (await import('./harness/commands.ts')).listCommand,
  },
  report: {
    summary: 're-render HTML / JUnit / Markdown from a saved report.json',
    load: async () => (await import('./harness/commands.ts')).reportCommand,
  },
  idp: {
    summary: "replay an IdP profile's traffic for lifecycle scenarios against a target",
    load: async () => (await import('./idp/commands.ts')).idpCli,
  },
  load: {
    summary: 'an IdP-scale sync (users, groups, memberships, incremental cycle) with a read-back verdict',
    load: async () => (await import('./commands/load.ts')).loadCommand,
  },
  proxy: {
    summary: 'forward a real IdP to a real SCIM endpoint and grade both sides of every exchange',
    load: async () => (await import('./commands/proxy.ts')).proxyCommand,
  },
  replay: {
    summary: 'play a proxy --record recording against another target and report answers that differ in kind',
    load: async () => (await import('./commands/proxy-replay.ts')).replayCommand,
  },
};

function usage(): string {
  const lines = ['usage: scimcheck <command> [flags]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push('', "run 'scimcheck <command> --help' for a command's flags");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { version } = await import('./version.ts');
    console.log(version);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`scimcheck: unknown command '${name}' (try: ${Object.keys(commands).join(', ')})`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`scimcheck ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/** Runs the command line as this process: the exit code becomes the process's, a crash is exit 2 with its stack. */
export function runAsProcess(argv: string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`scimcheck: internal error: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 2;
    },
  );
}

// `tsx src/cli.ts` in a clone, `node dist/cli.js` after a build; the package's bin calls runAsProcess itself.
if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) runAsProcess(process.argv.slice(2));
