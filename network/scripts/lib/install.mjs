// fabric:install — Fabric's binaries into the git-ignored cache (network/.cache/), by one of two ways:
//   - a Fabric release tarball (hyperledger-fabric-<os>-<arch>-<version>.tar.gz, the layout of Fabric's
//     own releases: bin/, builders/ccaas/bin/, config/), checked against a SHA-256 when one is given,
//     unpacked once per tarball;
//   - `go install` from the Go module proxy at the pinned release commit.
// Which one: a tarball named by `--release PATH` (or a bare PATH argument) or GRIDSPACE_FABRIC_RELEASE;
// else a tarball in ../shared/fabric beside the repository, when that folder holds one; else the Go
// build (`--go` forces it). The install used is recorded in network/.cache/installed.json.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, accessSync, constants } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  CACHE_DIR, CCAAS_BINARIES, FABRIC_BINARIES, FABRIC_COMMIT, FABRIC_PSEUDO_VERSION, FABRIC_VERSION, GO_BIN_DIR, GO_BUILD_DIR,
  GO_CCAAS_BUILDER_DIR, GO_TOOLCHAIN, INSTALLED_FILE, REPO_DIR, binDir, ccaasBuilderDir,
} from './layout.mjs';
import { run } from './processes.mjs';

const log = (message) => console.log(`fabric:install: ${message}`);

/** The default place of the release: ../shared/fabric beside the repository (as in CI). */
export const DEFAULT_RELEASE_DIR = resolve(REPO_DIR, '..', 'shared', 'fabric');
/** Binaries a release must hold besides FABRIC_BINARIES (configtxlator computes channel updates). */
const RELEASE_EXTRA_BINARIES = ['configtxlator'];

function missingIn(bin, ccaasBuilder, names = FABRIC_BINARIES) {
  const missing = names.filter((name) => !isExecutable(join(bin, name))).map((name) => join(bin, name));
  missing.push(...CCAAS_BINARIES.filter((name) => !isExecutable(join(ccaasBuilder, 'bin', name))).map((name) => join(ccaasBuilder, 'bin', name)));
  return missing;
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function binariesPresent() {
  return missingIn(binDir(), ccaasBuilderDir()).length === 0;
}

/** `install [PATH | --release PATH] [--sha256 HEX] [--go]`; the flags override the environment. */
export function parseInstallArgs(args) {
  const options = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new Error(`${arg} needs a value`);
      i += 1;
      return args[i];
    };
    if (arg === '--release') options.release = value();
    else if (arg.startsWith('--release=')) options.release = arg.slice('--release='.length);
    else if (arg === '--sha256') options.sha256 = value();
    else if (arg.startsWith('--sha256=')) options.sha256 = arg.slice('--sha256='.length);
    else if (arg === '--go') options.go = true;
    else if (!arg.startsWith('-') && options.release === undefined) options.release = arg;
    else throw new Error(`unknown argument ${arg}: expected [PATH | --release PATH] [--sha256 HEX] [--go]`);
  }
  return options;
}

export async function install(options = {}) {
  const release = options.release ?? (process.env.GRIDSPACE_FABRIC_RELEASE || undefined);
  const releaseSetting = options.release !== undefined ? 'the release argument' : 'GRIDSPACE_FABRIC_RELEASE';
  const sha256 = options.sha256 ?? (process.env.GRIDSPACE_FABRIC_RELEASE_SHA256 || undefined);
  const shaSetting = options.sha256 !== undefined ? '--sha256' : 'GRIDSPACE_FABRIC_RELEASE_SHA256';

  const explicitBin = process.env.GRIDSPACE_FABRIC_BIN || process.env.GRIDSPACE_FABRIC_CCAAS_BUILDER;
  if (explicitBin) {
    if (release !== undefined || options.go) {
      throw new Error(`GRIDSPACE_FABRIC_BIN / GRIDSPACE_FABRIC_CCAAS_BUILDER name prebuilt binaries, so there is nothing to install: unset them to install ${options.go ? 'with go install' : `from ${releaseSetting}`}`);
    }
    const missing = missingIn(binDir(), ccaasBuilderDir());
    if (missing.length > 0) {
      throw new Error(`GRIDSPACE_FABRIC_BIN=${binDir()} and GRIDSPACE_FABRIC_CCAAS_BUILDER=${ccaasBuilderDir()} must hold ${FABRIC_BINARIES.join(', ')} and bin/${CCAAS_BINARIES.join(', bin/')}; missing or not executable: ${missing.join(', ')}`);
    }
    log(`using the prebuilt binaries of GRIDSPACE_FABRIC_BIN (${binDir()}) and GRIDSPACE_FABRIC_CCAAS_BUILDER (${ccaasBuilderDir()})`);
    return;
  }
  if (options.go) {
    if (release !== undefined) throw new Error(`--go and ${releaseSetting} (${release}) name two ways of installing: give one`);
    await goInstall();
    return;
  }
  if (release !== undefined) {
    await installRelease(findTarball(release, releaseSetting), { sha256, shaSetting });
    return;
  }
  if (existsSync(DEFAULT_RELEASE_DIR)) {
    const tarballs = releaseTarballs(DEFAULT_RELEASE_DIR);
    if (tarballs.length > 0) {
      await installRelease(findTarball(DEFAULT_RELEASE_DIR, `the default release folder ${DEFAULT_RELEASE_DIR}`), { sha256, shaSetting });
      return;
    }
    log(`${DEFAULT_RELEASE_DIR} holds no hyperledger-fabric-*.tar.gz; building with go install instead`);
  }
  await goInstall();
}

function platformName() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform] ?? process.platform;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  return `${os}-${arch}`;
}

function releaseTarballs(dir) {
  return readdirSync(dir).filter((name) => /^hyperledger-fabric-.*\.(tar\.gz|tgz)$/.test(name) && !name.includes('-ca-')).sort();
}

/** A tarball path as given, or the one tarball of a folder (this platform's and Fabric version's first). */
function findTarball(path, setting) {
  // Relative to where the user ran `npm run` (npm itself runs the script in the package's folder).
  const full = resolve(process.env.INIT_CWD || process.cwd(), path);
  if (!existsSync(full)) throw new Error(`${setting}: ${full} does not exist (a Fabric release tarball or a folder holding one)`);
  if (statSync(full).isFile()) return full;
  const tarballs = releaseTarballs(full);
  if (tarballs.length === 0) throw new Error(`${setting}: ${full} holds no Fabric release tarball (hyperledger-fabric-<os>-<arch>-<version>.tar.gz)`);
  const wanted = `hyperledger-fabric-${platformName()}-${FABRIC_VERSION.replace(/^v/, '')}.tar.gz`;
  if (tarballs.includes(wanted)) return join(full, wanted);
  const forPlatform = tarballs.filter((name) => name.startsWith(`hyperledger-fabric-${platformName()}-`));
  if (forPlatform.length === 1) return join(full, forPlatform[0]);
  if (tarballs.length === 1 && forPlatform.length === 0) {
    throw new Error(`${setting}: ${join(full, tarballs[0])} is not a release for this machine (${platformName()}); name the tarball itself to use it anyway`);
  }
  throw new Error(`${setting}: ${full} holds several Fabric release tarballs (${tarballs.join(', ')}) and none is ${wanted}: name the one to use`);
}

function fileSha256(file) {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolvePromise(hash.digest('hex')));
  });
}

/** The expected SHA-256 of `tarball`: the explicit one, else its line in a SHA256SUMS beside it, else none. */
function expectedSha256(tarball, { sha256, shaSetting }) {
  if (sha256 !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(sha256)) throw new Error(`${shaSetting}: expected 64 hexadecimal digits (a SHA-256), got "${sha256}"`);
    return { hex: sha256.toLowerCase(), source: shaSetting };
  }
  const sums = join(dirname(tarball), 'SHA256SUMS');
  if (!existsSync(sums)) return undefined;
  for (const line of readFileSync(sums, 'utf8').split('\n')) {
    // `sha256sum` format: hex, a space, a space or `*` (binary mode), the file name.
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (match && basename(match[2].trim()) === basename(tarball)) return { hex: match[1].toLowerCase(), source: sums };
  }
  throw new Error(`${sums} does not list ${basename(tarball)}: the tarball cannot be checked (add its line, or give the SHA-256 in GRIDSPACE_FABRIC_RELEASE_SHA256 or --sha256)`);
}

function recordInstalled(record) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = `${INSTALLED_FILE}.${process.pid}.tmp`;
  writeFileSync(file, `${JSON.stringify({ ...record, bin: relative(CACHE_DIR, record.bin), ccaasBuilder: relative(CACHE_DIR, record.ccaasBuilder) }, null, 2)}\n`);
  renameSync(file, INSTALLED_FILE);
}

/** `peer version` says "Version: 3.1.5"; the network's configuration needs Fabric v3 (channel capability V3_0). */
async function checkVersion(peer, what) {
  const { stdout } = await run(peer, ['version']);
  const version = /Version:\s*v?(\S+)/.exec(stdout)?.[1];
  if (!version) throw new Error(`${what}: \`${peer} version\` printed no version:\n${stdout}`);
  if (!version.startsWith('3.')) {
    throw new Error(`${what} is Fabric ${version}; this network needs Fabric 3 (channel capability V3_0) and is tested with ${FABRIC_VERSION}`);
  }
  if (version !== FABRIC_VERSION.replace(/^v/, '')) log(`note: ${what} is Fabric ${version}; the network is tested with ${FABRIC_VERSION}`);
  return version;
}

async function installRelease(tarball, checksum) {
  const started = Date.now();
  const expected = expectedSha256(tarball, checksum);
  const actual = await fileSha256(tarball);
  if (expected && actual !== expected.hex) {
    throw new Error(`${tarball}: SHA-256 is ${actual}, but ${expected.source} says ${expected.hex}; the tarball is damaged or not the one expected (nothing was installed)`);
  }
  const target = join(CACHE_DIR, `fabric-release-${actual.slice(0, 16)}`);
  const bin = join(target, 'bin');
  const ccaasBuilder = join(target, 'builders', 'ccaas');
  const required = [...FABRIC_BINARIES, ...RELEASE_EXTRA_BINARIES];
  if (existsSync(target) && missingIn(bin, ccaasBuilder, required).length === 0) {
    const version = await checkVersion(join(bin, 'peer'), tarball);
    recordInstalled({ way: 'release', tarball, sha256: actual, version, bin, ccaasBuilder });
    log(`Fabric ${version} from ${basename(tarball)} already unpacked in ${target} (cached)`);
    return;
  }
  log(`unpacking ${tarball} (${expected ? `SHA-256 checked against ${expected.source}` : 'SHA-256 not checked: no SHA256SUMS beside it and no GRIDSPACE_FABRIC_RELEASE_SHA256'}) into ${target}`);
  // Unpacked beside the target and renamed into place, so an interrupted install leaves no half folder.
  const work = `${target}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    await run('tar', ['-xzf', tarball, '-C', work, '--no-same-owner']);
    const missing = missingIn(join(work, 'bin'), join(work, 'builders', 'ccaas'), required);
    if (missing.length > 0) {
      throw new Error(`${tarball} is not a Fabric release in the expected layout (bin/${required.join(', bin/')}, builders/ccaas/bin/${CCAAS_BINARIES.join(', builders/ccaas/bin/')}); missing or not executable: ${missing.map((file) => relative(work, file)).join(', ')}`);
    }
    await checkVersion(join(work, 'bin', 'peer'), tarball);
    rmSync(target, { recursive: true, force: true });
    renameSync(work, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const version = await checkVersion(join(bin, 'peer'), tarball);
  recordInstalled({ way: 'release', tarball, sha256: actual, version, bin, ccaasBuilder });
  log(`installed Fabric ${version} (bin/, builders/ccaas/, config/) in ${Math.round((Date.now() - started) / 100) / 10} s`);
}

async function goInstall() {
  const record = { way: 'go install', module: `github.com/hyperledger/fabric@${FABRIC_PSEUDO_VERSION}`, bin: GO_BIN_DIR, ccaasBuilder: GO_CCAAS_BUILDER_DIR };
  if (missingIn(GO_BIN_DIR, GO_CCAAS_BUILDER_DIR).length === 0) {
    recordInstalled(record);
    log(`Fabric ${FABRIC_VERSION} binaries already built in ${GO_BUILD_DIR} (cached)`);
    return;
  }
  const started = Date.now();
  const env = { GOTOOLCHAIN: GO_TOOLCHAIN, CGO_ENABLED: '0', GOFLAGS: '-trimpath' };
  mkdirSync(GO_BIN_DIR, { recursive: true });
  mkdirSync(join(GO_CCAAS_BUILDER_DIR, 'bin'), { recursive: true });
  log(`building Fabric ${FABRIC_VERSION} (${FABRIC_PSEUDO_VERSION}) with go install into ${GO_BUILD_DIR}; this takes minutes the first time`);
  try {
    // The module path has no /v3 suffix, so the release is addressed by its pseudo-version.
    await run('go', ['install', ...FABRIC_BINARIES.map((name) => `github.com/hyperledger/fabric/cmd/${name}@${FABRIC_PSEUDO_VERSION}`)], {
      env: { ...env, GOBIN: GO_BIN_DIR },
    });
    // The chaincode-as-a-service builder is a module of its own in the same repository and commit.
    await run('go', ['install', ...CCAAS_BINARIES.map((name) => `github.com/hyperledger/fabric/ccaas_builder/cmd/${name}@${FABRIC_COMMIT}`)], {
      env: { ...env, GOBIN: join(GO_CCAAS_BUILDER_DIR, 'bin') },
    });
  } catch (error) {
    throw new Error(
      `${error.message}\nfabric:install could not build Fabric with go install (no release tarball was given: GRIDSPACE_FABRIC_RELEASE ` +
        `or \`npm run fabric:install -- PATH\`, and none is in ${DEFAULT_RELEASE_DIR}). Install from a Fabric ${FABRIC_VERSION} release tarball ` +
        `(hyperledger-fabric-${platformName()}-${FABRIC_VERSION.replace(/^v/, '')}.tar.gz) that way, or put prebuilt binaries ` +
        `(${FABRIC_BINARIES.join(', ')}) in a folder named by GRIDSPACE_FABRIC_BIN and the ccaas builder ` +
        `(bin/${CCAAS_BINARIES.join(', bin/')}) in a folder named by GRIDSPACE_FABRIC_CCAAS_BUILDER.`,
    );
  }
  recordInstalled(record);
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}
