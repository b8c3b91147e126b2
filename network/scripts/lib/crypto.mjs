// Crypto material beyond what cryptogen makes: the client identity of each demo org (issued by the
// org's own CA, with the same names and attributes as the embedded ledger's dev identities) and the
// TLS certificate of the chaincode server.
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
/** Fabric CA's attribute extension, read by fabric-shim's ClientIdentity. */
const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

function pemToDer(pem) {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function derToPem(label, der) {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

async function loadCa(caDir) {
  const certFile = readdirSync(caDir).find((name) => name.endsWith('-cert.pem'));
  const cert = new x509.X509Certificate(readFileSync(join(caDir, certFile), 'utf8'));
  const key = await webcrypto.subtle.importKey('pkcs8', pemToDer(readFileSync(join(caDir, 'priv_sk'), 'utf8')), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  return { cert, key };
}

async function issue(ca, { subject, extensions }) {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    subject,
    // The issuer name is copied byte for byte from the CA certificate: Go's chain building matches
    // issuer and subject by their raw encoding.
    issuer: ca.cert.subjectName,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 10 * 365 * 24 * 3600_000),
    signingKey: ca.key,
    publicKey: keys.publicKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ...extensions,
    ],
  });
  const keyPem = derToPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certificatePem: cert.toString('pem'), privateKeyPem: keyPem };
}

/** Issues `<identity>@<domain>` for each org, kept as identities/<identity>/{cert.pem,key.pem,identity.json}. */
export async function issueClientIdentities(orgs, outDir) {
  const identities = [];
  for (const org of orgs) {
    const ca = await loadCa(join(org.orgDir, 'ca'));
    const attrs = { 'gridspace.org': org.orgId, 'gridspace.orgType': org.type, 'gridspace.jurisdiction': org.jurisdiction };
    const { certificatePem, privateKeyPem } = await issue(ca, {
      subject: `C=CN, O=${org.domain}, OU=client, CN=${org.identity}@${org.domain}`,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.Extension(FABRIC_ATTRS_OID, false, new TextEncoder().encode(JSON.stringify({ attrs }))),
      ],
    });
    const dir = join(outDir, org.identity);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cert.pem'), certificatePem);
    writeFileSync(join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 });
    identities.push({ name: org.identity, mspId: org.mspId, certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem') });
  }
  return identities;
}

/** A self-signed CA and a server certificate for 127.0.0.1, for the chaincode server's TLS. */
export async function issueChaincodeServerTls(outDir) {
  const caKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'C=CN, O=chaincode.gridspace.local, CN=tlsca.chaincode.gridspace.local',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 10 * 365 * 24 * 3600_000),
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const server = await issue({ cert: caCert, key: caKeys.privateKey }, {
    subject: 'C=CN, O=chaincode.gridspace.local, CN=chaincode.gridspace.local',
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
    ],
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'ca.crt'), caCert.toString('pem'));
  writeFileSync(join(outDir, 'server.crt'), server.certificatePem);
  writeFileSync(join(outDir, 'server.key'), server.privateKeyPem, { mode: 0o600 });
}
