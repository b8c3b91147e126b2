// fabric:install — Fabric's binaries built with `go install` from the Go module proxy at the pinned
// release commit, into a git-ignored cache that later runs reuse.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN_DIR, CCAAS_BINARIES, CCAAS_BUILDER_DIR, FABRIC_BINARIES, FABRIC_COMMIT, FABRIC_PSEUDO_VERSION, FABRIC_VERSION, GO_TOOLCHAIN,
} from './layout.mjs';
import { run } from './processes.mjs';

export function binariesPresent() {
  return FABRIC_BINARIES.every((name) => existsSync(join(BIN_DIR, name))) &&
    CCAAS_BINARIES.every((name) => existsSync(join(CCAAS_BUILDER_DIR, 'bin', name)));
}

export async function install() {
  if (binariesPresent()) {
    console.log(`fabric:install: Fabric ${FABRIC_VERSION} binaries already in ${BIN_DIR} (cached)`);
    return;
  }
  const started = Date.now();
  const env = { GOTOOLCHAIN: GO_TOOLCHAIN, CGO_ENABLED: '0', GOFLAGS: '-trimpath' };
  mkdirSync(BIN_DIR, { recursive: true });
  mkdirSync(join(CCAAS_BUILDER_DIR, 'bin'), { recursive: true });
  console.log(`fabric:install: building Fabric ${FABRIC_VERSION} (${FABRIC_PSEUDO_VERSION}) into ${BIN_DIR}; this takes minutes the first time`);
  try {
    // The module path has no /v3 suffix, so the release is addressed by its pseudo-version.
    await run('go', ['install', ...FABRIC_BINARIES.map((name) => `github.com/hyperledger/fabric/cmd/${name}@${FABRIC_PSEUDO_VERSION}`)], {
      env: { ...env, GOBIN: BIN_DIR },
    });
    // The chaincode-as-a-service builder is a module of its own in the same repository and commit.
    await run('go', ['install', ...CCAAS_BINARIES.map((name) => `github.com/hyperledger/fabric/ccaas_builder/cmd/${name}@${FABRIC_COMMIT}`)], {
      env: { ...env, GOBIN: join(CCAAS_BUILDER_DIR, 'bin') },
    });
  } catch (error) {
    throw new Error(
      `${error.message}\nfabric:install could not build Fabric from the Go module proxy. Alternatively, put Fabric ${FABRIC_VERSION} ` +
        `binaries (${FABRIC_BINARIES.join(', ')}) in a folder named by GRIDSPACE_FABRIC_BIN, and the ccaas builder ` +
        `(bin/${CCAAS_BINARIES.join(', bin/')}) in a folder named by GRIDSPACE_FABRIC_CCAAS_BUILDER.`,
    );
  }
  console.log(`fabric:install: built in ${Math.round((Date.now() - started) / 1000)} s`);
}
