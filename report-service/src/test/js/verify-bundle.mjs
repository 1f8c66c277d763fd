// Verifies a TraitTrace certificate bundle with stock sigstore-js and a plain public key.
//   node verify-bundle.mjs BUNDLE.json PUB.pem
// Prints {"verified":true,...} and exits 0, or prints the error and exits 1.
// The keyid is recomputed here (hex SHA-256 of the DER SubjectPublicKeyInfo), independently of the service.
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';

const [bundlePath, keyPath] = process.argv.slice(2);
try {
  const publicKey = createPublicKey(readFileSync(keyPath, 'utf8'));
  const keyid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  const bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));

  // Key-based trust: no Fulcio CAs, no Rekor or CT logs, no timestamp authorities; the key finder answers
  // only for our keyid (sigstore-js does not compare the hint with the DSSE keyid itself; our verifier does).
  const trustedRoot = { tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] };
  const keyFinder = (hint) => {
    if (hint !== keyid) {
      throw new Error(`unknown key hint ${hint}; trusted keyid is ${keyid}`);
    }
    return { publicKey, validFor: () => true };
  };
  const verifier = new Verifier(toTrustMaterial(trustedRoot, keyFinder),
    { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  const signer = verifier.verify(toSignedEntity(bundle));

  const envelope = bundle.content.dsseEnvelope;
  const statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  console.log(JSON.stringify({
    verified: true,
    keyid,
    hint: bundle.verificationMaterial.content.publicKey.hint,
    signerKey: signer.key.export({ type: 'spki', format: 'pem' }).length > 0,
    payloadType: envelope.payloadType,
    predicateType: statement.predicateType,
    subject: statement.subject,
  }));
} catch (e) {
  console.log(JSON.stringify({ verified: false, error: `${e.name}: ${e.message}` }));
  process.exit(1);
}
