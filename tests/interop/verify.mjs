// Independent verification of credentials with Digital Bazaar's reference libraries, offline.
// Usage: node verify.mjs BUNDLE.json
//   BUNDLE = {"documents": {url: document, ...}, "credentials": [credential, ...]}
// Prints one JSON line per credential: {"verified": bool, "revoked": bool|null, "error": "..."},
// and for a CLR 2.0 transcript (ClrCredential) also "embedded": one such object per credential
// it bundles, each verified on its own (the library checks only the outer proof).
// (The library reports a revoked credential as verified; revocation is in its status result.)
// Every URL is served from the bundled contexts or the bundle's documents; anything else throws.
import fs from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {offlineLoader} from './loader.mjs';

const bundle = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const documentLoader = offlineLoader(bundle.documents || {});

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

async function check(credential) {
  try {
    const result = await vc.verifyCredential({
      credential, suite, documentLoader,
      checkStatus: credential.credentialStatus ?
        (options => checkStatus({...options, suite, documentLoader, verifyMatchingIssuers: true})) : undefined,
    });
    const errors = result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ');
    const revoked = result.statusResult ? Boolean(result.statusResult.results?.[0]?.status) : null;
    return {verified: result.verified, revoked, error: errors || ''};
  } catch(e) {
    return {verified: false, revoked: null, error: String(e && e.message || e)};
  }
}

for(const credential of bundle.credentials) {
  const line = await check(credential);
  const types = [].concat(credential.type || []);
  if(types.includes('ClrCredential')) {
    line.embedded = [];
    for(const embedded of credential.credentialSubject?.verifiableCredential || []) {
      line.embedded.push(await check(embedded));
    }
  }
  console.log(JSON.stringify(line));
}
