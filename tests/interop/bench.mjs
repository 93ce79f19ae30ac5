// Reference timings for bench/credentials.py: sign and verify one Open Badges 3.0 credential
// with Digital Bazaar's libraries (pinned in package-lock.json), offline.
// Usage: node bench.mjs INPUT.json
//   INPUT = {
//     "credential": {...},           unsigned credential (the one Cairn signs)
//     "signed": {...},               the same credential signed by Cairn (verified once, cross-check)
//     "documents": {url: doc},       controller document of the issuer, the status list credential
//     "seed": "hex",                 the issuer's 32-byte Ed25519 private key (the seed)
//     "verificationMethod": "...",   its verification method id; its controller is the issuer
//     "created": "...",              proof creation date (the same as Cairn's, so proofs can match)
//     "runs": 200, "warmups": 20
//   }
// Prints one JSON object: medians in ms (performance.now()), the cross-check and the JS-signed
// credential (for Cairn to verify). Every URL is served from the bundled contexts or the input's
// documents; anything else throws (no network).
import fs from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {offlineLoader} from './loader.mjs';

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const runs = input.runs ?? 200;
const warmups = input.warmups ?? 20;

const documentLoader = offlineLoader(input.documents || {});

const verifySuite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const withStatus = options => checkStatus({...options, suite: verifySuite, documentLoader, verifyMatchingIssuers: true});
// vc.verifyCredential refuses a credential with credentialStatus unless checkStatus is given; this
// one accepts without looking, so the "proof" timing is the signature and the issuer check only.
const skipStatus = async () => ({verified: true});

const verification = input.verificationMethod;
const controller = verification.split('#')[0];
const key = await Ed25519Multikey.generate({seed: Buffer.from(input.seed, 'hex'), id: verification, controller});
const signSuite = new DataIntegrityProof({signer: key.signer(), cryptosuite: eddsaRdfc2022, date: input.created});

const median = values => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function timed(label, make, run) {
  const samples = [];
  for(let i = 0; i < warmups + runs; i++) {
    const argument = make();  // untimed: a fresh copy of the input, as a caller would hand over
    const start = performance.now();
    const result = await run(argument);
    const ms = performance.now() - start;
    if(result && result.verified === false) {
      throw new Error(`${label} failed: ${JSON.stringify(result.error?.errors?.map(e => e.message) ?? result.error)}`);
    }
    if(i >= warmups) samples.push(ms);
  }
  return median(samples);
}

function summary(result) {
  const errors = result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ');
  const revoked = result.statusResult ? Boolean(result.statusResult.results?.[0]?.status) : null;
  return {verified: result.verified, revoked, error: errors || ''};
}

async function verifyOnce(credential) {
  try {
    return summary(await vc.verifyCredential({credential, suite: verifySuite, documentLoader, checkStatus: withStatus}));
  } catch(e) {
    return {verified: false, revoked: null, error: String(e && e.message || e)};
  }
}

// Cross-check first (cold: it also pays for the first context loads).
const pythonSigned = await verifyOnce(input.signed);

const jsSigned = await vc.issue({credential: structuredClone(input.credential), suite: signSuite, documentLoader});

const signMs = await timed('sign', () => structuredClone(input.credential),
  credential => vc.issue({credential, suite: signSuite, documentLoader}));
const verifyMs = await timed('verify', () => structuredClone(jsSigned),
  credential => vc.verifyCredential({credential, suite: verifySuite, documentLoader, checkStatus: skipStatus}));
const verifyStatusMs = await timed('verify with status', () => structuredClone(jsSigned),
  credential => vc.verifyCredential({credential, suite: verifySuite, documentLoader, checkStatus: withStatus}));

const versions = {};
for(const name of ['@digitalbazaar/vc', '@digitalbazaar/data-integrity', '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
  'jsonld', 'rdf-canonize']) {
  try {
    const file = new URL(`./node_modules/${name}/package.json`, import.meta.url);
    versions[name] = JSON.parse(fs.readFileSync(file, 'utf8')).version;
  } catch {
    versions[name] = '?';
  }
}

console.log(JSON.stringify({
  sign_ms_median: signMs,
  verify_ms_median: verifyMs,
  verify_status_ms_median: verifyStatusMs,
  n: runs,
  warmups,
  node: process.version,
  versions,
  python_signed: pythonSigned,
  js_signed: jsSigned,
}));
