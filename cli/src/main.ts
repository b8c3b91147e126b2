#!/usr/bin/env node
// The `gridspace` command.
import { start, startOptionsFromEnv } from './start.js';

const usage = `usage: gridspace <command>

commands:
  start     start the network on embedded defaults (data folder: $GRIDSPACE_DATA_DIR or ./.gridspace)`;

const [command] = process.argv.slice(2);
switch (command) {
  case 'start': {
    const running = await start(startOptionsFromEnv());
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`gridspace: ${signal}, shutting down`);
      await running.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    break;
  }
  case undefined:
  case '--help':
  case '-h':
    console.log(usage);
    break;
  default:
    console.error(`gridspace: unknown command ${command}\n${usage}`);
    process.exit(2);
}
