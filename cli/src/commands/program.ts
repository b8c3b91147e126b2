// The `gridspace` command line (commander): every subcommand, one-line errors, exit codes. Only
// light modules load before a command runs: `start` and `gateway` are imported when they run, the
// other commands import the packages they need inside their actions.
import { Command, type CommanderError } from 'commander';
import { action, CliError, dataDir, demoPartnersOf, tokenFor } from './context.js';
import { emit } from './output.js';
import { idCommands } from './id.js';
import { agreementCommands, STATES } from './agreement.js';
import { traceCommands } from './trace.js';
import { indicesCommands } from './indices.js';

export function program(): Command {
  const root = new Command('gridspace')
    .description('Gridspace: the data-sharing and identity network of an energy ecosystem, on your machine')
    .option('-d, --data-dir <dir>', 'data folder of the network (default: $GRIDSPACE_DATA_DIR or ./.gridspace)')
    .option('--json', 'print JSON for scripts instead of text for people')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride((error: CommanderError) => {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') process.exit(0);
      process.exit(error.exitCode === 0 ? 0 : 2);
    });

  root
    .command('start')
    .description('start the whole network on embedded defaults (ports and folders from GRIDSPACE_* variables); Ctrl-C stops it')
    .option('-q, --quiet', 'no per-request logs')
    .action(action(async (options: { quiet?: boolean }, command: Command) => (await import('./start.js')).startCommand({ dataDir: command.optsWithGlobals<{ dataDir?: string }>().dataDir, quiet: options.quiet })));

  root
    .command('gateway')
    .description('start the gateway alone: subgraphs from GRIDSPACE_SUBGRAPHS, or a ready supergraph; partners from GRIDSPACE_PARTNER_REGISTRY (default: the data folder\'s); ledger from GRIDSPACE_LEDGER (default: the data folder\'s embedded ledger)')
    .option('--supergraph <file>', 'serve this federation v2 supergraph SDL (data products from its composed @dataProduct markings)')
    .action(action(async (options: { supergraph?: string }, command: Command) => (await import('./gateway.js')).gatewayCommand({ dataDir: dataDir(command), supergraph: options.supergraph })));

  root
    .command('token')
    .description('print a dev token (JWT) of a demo org, signed with its key from the data folder')
    .argument('<org>', 'org id: gd-grid, gd-drc, gd-stats, tx-maker, cable-maker, hk-partner, mo-partner')
    .option('--for <service>', 'gateway (default) or resolver (the second-level node)', 'gateway')
    .option('--purpose <purpose>', 'purpose claim, e.g. macro-economic-monitoring')
    .option('--role <role...>', 'roles claim, e.g. admin')
    .option('--expires-in <duration>', 'lifetime, e.g. 15m, 1h, 8h', '1h')
    .action(
      action(async (org: string, options: { for: string; purpose?: string; role?: string[]; expiresIn: string }, command: Command) => {
        if (options.for !== 'gateway' && options.for !== 'resolver') throw new CliError(`--for: must be gateway or resolver, not "${options.for}"`);
        const token = await tokenFor(dataDir(command), { org, audience: options.for, purpose: options.purpose, roles: options.role, expiresIn: options.expiresIn });
        emit(command, { org, for: options.for, expiresIn: options.expiresIn, token }, (t) => t.token);
      }),
    );

  idCommands(root);
  agreementCommands(root);
  traceCommands(root);
  indicesCommands(root);

  root
    .command('completion')
    .description('print a completion script for your shell: source <(gridspace completion bash), or zsh')
    .argument('<shell>', 'bash or zsh')
    .action(
      action(async (shell: string, _options: unknown, command: Command) => {
        const { completionScript, SHELLS } = await import('./completion.js');
        if (!(SHELLS as readonly string[]).includes(shell)) throw new CliError(`shell: must be ${SHELLS.join(' or ')}, not "${shell}"`);
        let orgs: string[] | undefined;
        try {
          orgs = demoPartnersOf(dataDir(command)).registry.orgs.map((o) => o.id);
        } catch {
          orgs = undefined; // no network started here yet: the demo orgs
        }
        process.stdout.write(completionScript(shell as (typeof SHELLS)[number], root, { orgs, states: STATES }));
      }),
    );
  return root;
}
