// Dev identities for the embedded ledger: per org a CA and one client certificate (ECDSA P-256),
// real X.509 so that fabric-shim's ClientIdentity reads MSP ID, ID and attributes from them as it
// does on a peer. Generated once per data folder and kept, so a restart keeps the same identities.
// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { DEV_ORGS, type DevOrg } from './dev-orgs.js';

x509.cryptoProvider.set(webcrypto as never);

type KeyPair = webcrypto.CryptoKeyPair;

/** Fabric CA's attribute extension: a JSON document `{"attrs": {...}}`. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

export interface EnrolledIdentity {
  name: string;
  mspId: string;
  orgId: string;
  certificatePem: string;
  privateKeyPem: string;
  caCertificatePem: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function exportPrivateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function issueIdentity(org: DevOrg): Promise<EnrolledIdentity> {
  const notBefore = new Date(Date.UTC(2026, 0, 1));
  const notAfter = new Date(Date.UTC(2036, 0, 1));
  const domain = `${org.orgId}.gridspace.local`;
  const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `C=CN, O=${domain}, CN=ca.${domain}`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const userKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair;
  const attrs = { 'gridspace.org': org.orgId, 'gridspace.orgType': org.type, 'gridspace.jurisdiction': org.jurisdiction };
  const userCert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `C=CN, O=${domain}, OU=client, CN=${org.identity}@${domain}`,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: userKeys.publicKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.Extension(FABRIC_ATTRS_OID, false, new TextEncoder().encode(JSON.stringify({ attrs }))),
    ],
  });
  return {
    name: org.identity,
    mspId: org.mspId,
    orgId: org.orgId,
    certificatePem: userCert.toString('pem'),
    privateKeyPem: await exportPrivateKeyPem(userKeys.privateKey),
    caCertificatePem: caCert.toString('pem'),
  };
}

/** Loads the dev identities kept in `folder`, issuing any that are missing. */
export async function loadDevIdentities(folder: string, orgs: readonly DevOrg[] = DEV_ORGS): Promise<EnrolledIdentity[]> {
  mkdirSync(folder, { recursive: true });
  const identities: EnrolledIdentity[] = [];
  for (const org of orgs) {
    const file = join(folder, `${org.identity}.json`);
    if (existsSync(file)) {
      identities.push(JSON.parse(readFileSync(file, 'utf8')) as EnrolledIdentity);
      continue;
    }
    const identity = await issueIdentity(org);
    writeFileSync(file, JSON.stringify(identity, null, 2), { mode: 0o600 });
    identities.push(identity);
  }
  return identities;
}
