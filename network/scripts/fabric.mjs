#!/usr/bin/env node
// The local Fabric network's commands:
//   install [PATH | --release PATH] [--sha256 HEX] [--go]
//                        Fabric's binaries into network/.cache (reused when present): from a release
//                        tarball (PATH, GRIDSPACE_FABRIC_RELEASE, or ../shared/fabric beside the
//                        repository) or built with `go install` (--go, or when no tarball is found)
//   up                   start (or complete) the network and deploy the chaincode; idempotent
//   down [--keep]        stop its processes by PID and remove its state (--keep: keep the state)
//   status               which recorded processes run
//   stop-node NAME [--kill]  /  start-node NAME    one node (orderer0, chaincode, peer0.<org>.gridspace.local)
import { install, parseInstallArgs } from './lib/install.mjs';
import { down, startNode, status, up } from './lib/network.mjs';
import { stopProcess } from './lib/processes.mjs';

const [command, ...rest] = process.argv.slice(2);
const commands = {
  install: () => install(parseInstallArgs(rest)),
  up: () => up(),
  down: () => down({ purge: !rest.includes('--keep') }),
  status: () => status(),
  'stop-node': () => stopProcess(rest[0], rest.includes('--kill') ? { signal: 'SIGKILL' } : {}),
  'start-node': () => startNode(rest[0]),
};

if (!commands[command]) {
  console.error(`usage: node network/scripts/fabric.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
try {
  await commands[command]();
} catch (error) {
  console.error(`fabric ${command}: ${error.message}`);
  process.exit(1);
}
