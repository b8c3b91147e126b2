// `gridspace start`: runs the network until Ctrl-C (SIGINT) or SIGTERM, then stops it cleanly.
import { networkOptionsFromEnv } from '../network/config.js';
import { printWelcome, startNetwork } from '../network/start.js';

export async function startCommand(options: { dataDir?: string; quiet?: boolean }): Promise<void> {
  const config = networkOptionsFromEnv(options.dataDir ? { ...process.env, GRIDSPACE_DATA_DIR: options.dataDir } : process.env);
  const started = Date.now();
  const network = await startNetwork(config, { quiet: options.quiet });
  printWelcome(network, config.log);
  config.log(`started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    config.log(`${signal}: shutting down ...`);
    await network.stop();
    config.log('stopped; data kept in ' + network.dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
