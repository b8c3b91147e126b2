// fabric:up / fabric:down — the local network: crypto, channel, orderer, one peer per demo org, the
// gridspace chaincode as a service. Every step checks what is already there, so `up` is idempotent.
import { createConnection } from 'node:net';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binariesPresent } from './install.mjs';
import { issueChaincodeServerTls, issueClientIdentities } from './crypto.mjs';
import {
  CHAINCODE, CHAINCODE_DIR, CHANNEL, CONFIG_DIR, CONNECTION_FILE, CRYPTO_DIR, DATA_DIR, LOG_DIR, NETWORK_DIR,
  ORDERER, PID_DIR, REPO_DIR, RUN_DIR, binDir, ccaasBuilderDir, loadOrgs, ports,
} from './layout.mjs';
import { healthy, run, runningPid, startProcess, stopProcess, waitFor } from './processes.mjs';

const bin = (name) => join(binDir(), name);
const log = (message) => console.log(`fabric: ${message}`);
const CHAINCODE_LABEL = `${CHAINCODE}_1`;
/** Per-call loggers (each gRPC call, proposal, gateway request) at warning: info on every call costs throughput. */
const LOGGING_SPEC = 'info:comm.grpc.server,endorser,gateway,grpc,transport,orderer.common.broadcast=warning';
const CHAINCODE_VERSION = '1';
const CHAINCODE_SEQUENCE = '1';
const CHAINCODE_TLS_DIR = () => join(RUN_DIR, 'chaincode', 'tls');
const CHAINCODE_PACKAGE = () => join(RUN_DIR, 'chaincode', `${CHAINCODE_LABEL}.tar.gz`);

function render(templateName, values) {
  let text = readFileSync(join(NETWORK_DIR, 'config', templateName), 'utf8');
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{{${key}}}`, String(value));
  mkdirSync(CONFIG_DIR, { recursive: true });
  writeFileSync(join(CONFIG_DIR, templateName), text);
}

async function generateCrypto(orgs) {
  if (existsSync(join(RUN_DIR, 'identities'))) return;
  log('generating crypto material (cryptogen, NodeOUs, TLS)');
  render('crypto-config.yaml', {
    PEER_ORGS: orgs.map((org) => [
      `  - Name: ${org.mspId.replace(/MSP$/, '')}`,
      `    Domain: ${org.domain}`,
      '    EnableNodeOUs: true',
      '    Template:',
      '      Count: 1',
      '      SANS: [127.0.0.1, localhost]',
      '    Users:',
      '      Count: 0',
    ].join('\n')).join('\n'),
  });
  rmSync(CRYPTO_DIR, { recursive: true, force: true });
  await run(bin('cryptogen'), ['generate', `--config=${join(CONFIG_DIR, 'crypto-config.yaml')}`, `--output=${CRYPTO_DIR}`]);
  await issueChaincodeServerTls(CHAINCODE_TLS_DIR());
  // Written last: its presence marks the crypto step as done.
  await issueClientIdentities(orgs, join(RUN_DIR, 'identities'));
}

async function generateGenesisBlock(orgs) {
  const block = join(RUN_DIR, 'channel', `${CHANNEL}.block`);
  if (existsSync(block)) return block;
  log(`creating the genesis block of channel ${CHANNEL} (configtxgen)`);
  render('configtx.yaml', {
    CHANNEL,
    CRYPTO: CRYPTO_DIR,
    ORDERER_PORT: ports().orderer,
    PEER_ORGS: orgs.map((org) => {
      const m = org.mspId;
      return [
        `  - &${m}`,
        `    Name: ${m}`,
        `    ID: ${m}`,
        `    MSPDir: ${join(org.orgDir, 'msp')}`,
        '    Policies:',
        `      Readers: { Type: Signature, Rule: "OR('${m}.admin', '${m}.peer', '${m}.client')" }`,
        `      Writers: { Type: Signature, Rule: "OR('${m}.admin', '${m}.client')" }`,
        `      Admins: { Type: Signature, Rule: "OR('${m}.admin')" }`,
        `      Endorsement: { Type: Signature, Rule: "OR('${m}.peer')" }`,
        '    AnchorPeers:',
        `      - { Host: 127.0.0.1, Port: ${org.peerPort} }`,
      ].join('\n');
    }).join('\n'),
    PEER_ORG_REFS: orgs.map((org) => `        - *${org.mspId}`).join('\n'),
  });
  mkdirSync(join(RUN_DIR, 'channel'), { recursive: true });
  await run(bin('configtxgen'), ['-profile', 'GridspaceChannel', '-channelID', CHANNEL, '-outputBlock', block, '-configPath', CONFIG_DIR]);
  return block;
}

function ordererEnv() {
  const p = ports();
  const node = ORDERER.nodeDir;
  return {
    FABRIC_CFG_PATH: CONFIG_DIR,
    FABRIC_LOGGING_SPEC: LOGGING_SPEC,
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(p.orderer),
    ORDERER_GENERAL_LOCALMSPDIR: join(node, 'msp'),
    ORDERER_GENERAL_TLS_CERTIFICATE: join(node, 'tls', 'server.crt'),
    ORDERER_GENERAL_TLS_PRIVATEKEY: join(node, 'tls', 'server.key'),
    ORDERER_GENERAL_TLS_ROOTCAS: `[${join(node, 'tls', 'ca.crt')}]`,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: join(node, 'tls', 'server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: join(node, 'tls', 'server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${join(node, 'tls', 'ca.crt')}]`,
    ORDERER_FILELEDGER_LOCATION: join(DATA_DIR, 'orderer0'),
    ORDERER_CONSENSUS_WALDIR: join(DATA_DIR, 'orderer0', 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(DATA_DIR, 'orderer0', 'etcdraft', 'snapshot'),
    ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${p.ordererOperations}`,
    ORDERER_ADMIN_LISTENADDRESS: `127.0.0.1:${p.ordererAdmin}`,
    ORDERER_ADMIN_TLS_CERTIFICATE: join(node, 'tls', 'server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: join(node, 'tls', 'server.key'),
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${ORDERER.tlsCa}]`,
  };
}

function peerEnv(org) {
  const node = join(org.orgDir, 'peers', org.peerName);
  return {
    FABRIC_CFG_PATH: CONFIG_DIR,
    FABRIC_LOGGING_SPEC: LOGGING_SPEC,
    CORE_PEER_ID: org.peerName,
    CORE_PEER_LISTENADDRESS: `127.0.0.1:${org.peerPort}`,
    CORE_PEER_ADDRESS: `127.0.0.1:${org.peerPort}`,
    CORE_PEER_CHAINCODELISTENADDRESS: `127.0.0.1:${org.peerChaincodePort}`,
    CORE_PEER_GOSSIP_BOOTSTRAP: `127.0.0.1:${org.peerPort}`,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: `127.0.0.1:${org.peerPort}`,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: join(node, 'msp'),
    CORE_PEER_TLS_CERT_FILE: join(node, 'tls', 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: join(node, 'tls', 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: join(node, 'tls', 'ca.crt'),
    CORE_PEER_FILESYSTEMPATH: join(DATA_DIR, org.peerName),
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(DATA_DIR, org.peerName, 'snapshots'),
    CORE_OPERATIONS_LISTENADDRESS: `127.0.0.1:${org.peerOperationsPort}`,
  };
}

/** Environment of the `peer` CLI acting as the org's admin against the org's peer. */
function adminEnv(org) {
  return {
    FABRIC_CFG_PATH: CONFIG_DIR,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: org.adminMsp,
    CORE_PEER_ADDRESS: `127.0.0.1:${org.peerPort}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: org.peerTlsCa,
  };
}

const ordererFlags = () => ['-o', `127.0.0.1:${ports().orderer}`, '--tls', '--cafile', ORDERER.tlsCa];

function osnadminFlags() {
  return [
    '-o', `127.0.0.1:${ports().ordererAdmin}`, '--ca-file', ORDERER.tlsCa,
    '--client-cert', join(ORDERER.adminTlsDir, 'client.crt'), '--client-key', join(ORDERER.adminTlsDir, 'client.key'),
  ];
}

/** Starts a named node unless it runs, and waits for its health endpoint. */
export async function startNode(name, orgs = undefined) {
  orgs ??= await loadOrgs();
  if (name === 'orderer0') {
    startProcess('orderer0', bin('orderer'), [], { env: ordererEnv() });
    await waitFor('orderer0 /healthz', () => healthy(ports().ordererOperations));
    return;
  }
  if (name === 'chaincode') {
    await startChaincodeServer(readFileSync(join(RUN_DIR, 'chaincode', 'package-id'), 'utf8').trim());
    return;
  }
  const org = orgs.find((candidate) => candidate.peerName === name);
  if (!org) throw new Error(`unknown node ${name}: expected orderer0, chaincode or one of ${orgs.map((o) => o.peerName).join(', ')}`);
  startProcess(org.peerName, bin('peer'), ['node', 'start'], { env: peerEnv(org) });
  await waitFor(`${org.peerName} /healthz`, () => healthy(org.peerOperationsPort));
}

async function joinChannel(orgs, block) {
  const listed = await run(bin('osnadmin'), ['channel', 'list', '--channelID', CHANNEL, ...osnadminFlags()], { allowFailure: true });
  if (!listed.stdout.includes('"status": 200') && !/"name":\s*"gridspace"/.test(listed.stdout.replace(CHANNEL, 'gridspace'))) {
    log(`joining orderer0 to ${CHANNEL} (osnadmin)`);
    await run(bin('osnadmin'), ['channel', 'join', '--channelID', CHANNEL, '--config-block', block, ...osnadminFlags()]);
  }
  await Promise.all(orgs.map(async (org) => {
    const joined = await run(bin('peer'), ['channel', 'list'], { env: adminEnv(org) });
    if (joined.stdout.split('\n').includes(CHANNEL)) return;
    log(`joining ${org.peerName} to ${CHANNEL}`);
    await run(bin('peer'), ['channel', 'join', '-b', block], { env: adminEnv(org) });
  }));
}

/** The chaincode-as-a-service package: metadata.json plus code.tar.gz holding connection.json. */
async function packageChaincode() {
  const pkg = CHAINCODE_PACKAGE();
  if (!existsSync(pkg)) {
    const work = join(RUN_DIR, 'chaincode', 'package');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'connection.json'), JSON.stringify({
      address: `127.0.0.1:${ports().chaincode}`,
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: false,
      root_cert: readFileSync(join(CHAINCODE_TLS_DIR(), 'ca.crt'), 'utf8'),
    }, null, 2));
    writeFileSync(join(work, 'metadata.json'), JSON.stringify({ type: 'ccaas', label: CHAINCODE_LABEL }));
    await run('tar', ['-C', work, '-czf', join(work, 'code.tar.gz'), 'connection.json']);
    await run('tar', ['-C', work, '-czf', pkg, 'metadata.json', 'code.tar.gz']);
  }
  const { stdout } = await run(bin('peer'), ['lifecycle', 'chaincode', 'calculatepackageid', pkg], { env: { FABRIC_CFG_PATH: CONFIG_DIR } });
  const packageId = stdout.trim();
  writeFileSync(join(RUN_DIR, 'chaincode', 'package-id'), packageId);
  return { pkg, packageId };
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => { socket.end(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

async function startChaincodeServer(packageId) {
  const main = join(CHAINCODE_DIR, 'dist', 'src', 'index.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the chaincode first (npx tsc -b chaincode)`);
  const tls = CHAINCODE_TLS_DIR();
  startProcess('chaincode', process.execPath, [
    join(REPO_DIR, 'node_modules', 'fabric-shim', 'cli.js'), 'server',
    '--chaincode-address', `127.0.0.1:${ports().chaincode}`,
    '--chaincode-id', packageId,
    '--chaincode-tls-cert-file', join(tls, 'server.crt'),
    '--chaincode-tls-key-file', join(tls, 'server.key'),
    '--module-path', CHAINCODE_DIR,
  ], { cwd: CHAINCODE_DIR, env: { CORE_CHAINCODE_LOGGING_LEVEL: 'warning' } });
  await waitFor('the chaincode server port', () => portOpen(ports().chaincode), { timeoutMs: 30_000 });
}

/** Optional explicit private data collections of the chaincode (implicit org collections need none). */
function collectionsFlags() {
  const file = join(CHAINCODE_DIR, 'collections.json');
  return existsSync(file) ? ['--collections-config', file] : [];
}

async function deployChaincode(orgs) {
  const { pkg, packageId } = await packageChaincode();
  await startChaincodeServer(packageId);
  await Promise.all(orgs.map(async (org) => {
    const installed = await run(bin('peer'), ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'], { env: adminEnv(org) });
    if (installed.stdout.includes(packageId)) return;
    log(`installing ${packageId} on ${org.peerName}`);
    await run(bin('peer'), ['lifecycle', 'chaincode', 'install', pkg], { env: adminEnv(org) });
  }));
  const committed = await run(bin('peer'), ['lifecycle', 'chaincode', 'querycommitted', '-C', CHANNEL, '-n', CHAINCODE], { env: adminEnv(orgs[0]), allowFailure: true });
  if (committed.ok) return;
  const definition = ['--channelID', CHANNEL, '--name', CHAINCODE, '--version', CHAINCODE_VERSION, '--sequence', CHAINCODE_SEQUENCE, ...collectionsFlags()];
  await Promise.all(orgs.map(async (org) => {
    const approved = await run(bin('peer'), ['lifecycle', 'chaincode', 'queryapproved', '-C', CHANNEL, '-n', CHAINCODE, '--sequence', CHAINCODE_SEQUENCE], { env: adminEnv(org), allowFailure: true });
    if (approved.ok) return;
    log(`approving ${CHAINCODE} for ${org.mspId}`);
    await run(bin('peer'), ['lifecycle', 'chaincode', 'approveformyorg', ...ordererFlags(), ...definition, '--package-id', packageId], { env: adminEnv(org) });
  }));
  log(`committing the ${CHAINCODE} chaincode definition on ${CHANNEL}`);
  const endorsers = orgs.flatMap((org) => ['--peerAddresses', `127.0.0.1:${org.peerPort}`, '--tlsRootCertFiles', org.peerTlsCa]);
  await run(bin('peer'), ['lifecycle', 'chaincode', 'commit', ...ordererFlags(), ...definition, ...endorsers], { env: adminEnv(orgs[0]) });
}

/**
 * Every peer reaches the chaincode server: a call of an unknown contract is answered by the contract
 * API itself ("Contract name is not known"), which only a running, connected chaincode can say.
 */
async function checkChaincode(orgs) {
  await Promise.all(orgs.map((org) => waitFor(`${CHAINCODE} on ${org.peerName}`, async () => {
    const { stdout, stderr } = await run(bin('peer'), ['chaincode', 'query', '-C', CHANNEL, '-n', CHAINCODE, '-c', '{"Args":["GridspaceHealthCheck:ping"]}'], { env: adminEnv(org), allowFailure: true });
    if (/Contract name is not known|does not exist/.test(stdout + stderr)) return true;
    throw new Error((stderr || stdout).trim().split('\n').pop());
  }, { timeoutMs: 60_000, intervalMs: 1000 })));
}

function writeConnectionFile(orgs) {
  const connection = {
    channel: CHANNEL,
    chaincode: CHAINCODE,
    peers: orgs.map((org) => ({ mspId: org.mspId, endpoint: `127.0.0.1:${org.peerPort}`, tlsCaPath: org.peerTlsCa, hostAlias: org.peerName })),
    identities: orgs.map((org) => ({
      name: org.identity,
      mspId: org.mspId,
      certPath: join(RUN_DIR, 'identities', org.identity, 'cert.pem'),
      keyPath: join(RUN_DIR, 'identities', org.identity, 'key.pem'),
    })),
  };
  writeFileSync(CONNECTION_FILE, JSON.stringify(connection, null, 2));
}

export async function up() {
  if (!binariesPresent()) throw new Error(`Fabric binaries are missing in ${binDir()} / ${ccaasBuilderDir()}: run npm run fabric:install first`);
  const started = Date.now();
  const orgs = await loadOrgs();
  mkdirSync(RUN_DIR, { recursive: true });
  await generateCrypto(orgs);
  const block = await generateGenesisBlock(orgs);
  render('core.yaml', { CCAAS_BUILDER: ccaasBuilderDir() });
  render('orderer.yaml', {});
  await startNode('orderer0', orgs);
  await Promise.all(orgs.map((org) => startNode(org.peerName, orgs)));
  await joinChannel(orgs, block);
  await deployChaincode(orgs);
  await checkChaincode(orgs);
  writeConnectionFile(orgs);
  log(`up in ${Math.round((Date.now() - started) / 1000)} s: orderer 127.0.0.1:${ports().orderer}, ${orgs.length} peers, channel ${CHANNEL}, chaincode ${CHAINCODE}; connection settings in ${CONNECTION_FILE}; logs in ${LOG_DIR}`);
}

/** Stops every recorded process; with `purge`, also removes the network's state (logs are kept). */
export async function down({ purge = true } = {}) {
  const names = existsSync(PID_DIR) ? readdirSync(PID_DIR).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4)) : [];
  // Clients first (chaincode), then peers, the orderer last.
  const order = (name) => (name === 'chaincode' ? 0 : name === 'orderer0' ? 2 : 1);
  for (const group of [0, 1, 2]) {
    await Promise.all(names.filter((name) => order(name) === group).map((name) => stopProcess(name)));
  }
  if (purge) {
    for (const entry of existsSync(RUN_DIR) ? readdirSync(RUN_DIR) : []) {
      if (entry !== 'logs') rmSync(join(RUN_DIR, entry), { recursive: true, force: true });
    }
  }
  log(`down: stopped ${names.length} processes${purge ? ', removed the network state' : ''}`);
}

export async function status() {
  const names = existsSync(PID_DIR) ? readdirSync(PID_DIR).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4)) : [];
  for (const name of names) console.log(`${name}\t${runningPid(name) ? `running (pid ${runningPid(name)})` : 'stopped'}`);
  if (names.length === 0) console.log('no network processes recorded');
}
