// Independent check of credentials issued by Merit, with digitalbazaar's libraries (the ones
// 1EdTech's own tooling builds on) and ajv, fully offline: contexts and schemas come from
// ../tests/fixtures/ob3 (or $OB3), did:key is resolved here, did:web from --did-doc.
//
// node verify.mjs [--status-list FILE]... [--did-doc FILE] FILE...   (JSON, baked PNG or SVG)
// Revocation is decided by digitalbazaar's Bitstring Status List library, which loads each
// list by the URL the credential names (here: from the files given).
// Each credential must verify, and a tampered copy of each must not. Exit 0 only then.

import {readFileSync} from 'node:fs';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {inflateSync} from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as jcsVerify} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const ob3 = process.env.OB3 || join(here, '..', 'tests', 'fixtures', 'ob3');

const contexts = {
  'https://www.w3.org/ns/credentials/v2': 'contexts/credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'contexts/ob_v3p0_context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'contexts/ob_v3p0_extensions.json',
};

// Bundled in the repository (not in the OB 3.0 reference data): the CLR 2.0 context and schema.
const repo = join(here, '..');
const repoContexts = {
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json': 'contexts/clr-v2p0-2.0.1.json',
};

const args = process.argv.slice(2);
const statusLists = {};
let didDoc = null;
const files = [];
for(let i = 0; i < args.length; i++) {
  if(args[i] === '--status-list') {
    const list = JSON.parse(readFileSync(args[++i], 'utf8'));
    statusLists[list.id] = list;
  } else if(args[i] === '--did-doc') {
    didDoc = JSON.parse(readFileSync(args[++i], 'utf8'));
  } else {
    files.push(args[i]);
  }
}

function multikeyDocs(did, vmId, publicKeyMultibase) {
  const vm = {
    '@context': 'https://w3id.org/security/multikey/v1',
    id: vmId, type: 'Multikey', controller: did, publicKeyMultibase,
  };
  const controller = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [vm],
    assertionMethod: [vmId],
  };
  return {vm, controller};
}

async function documentLoader(url) {
  if(statusLists[url]) {
    return {documentUrl: url, document: statusLists[url]};
  }
  if(repoContexts[url]) {
    return {documentUrl: url, document: JSON.parse(readFileSync(join(repo, repoContexts[url]), 'utf8'))};
  }
  if(contexts[url]) {
    return {documentUrl: url, document: JSON.parse(readFileSync(join(ob3, contexts[url]), 'utf8'))};
  }
  if(url.startsWith('did:key:')) {
    const did = url.split('#')[0];
    const key = did.slice('did:key:'.length);
    const {vm, controller} = multikeyDocs(did, `${did}#${key}`, key);
    return {documentUrl: url, document: url.includes('#') ? vm : controller};
  }
  if(url.startsWith('did:web:') && didDoc) {
    const did = url.split('#')[0];
    if(didDoc.id !== did) {
      throw new Error(`the DID document given is for ${didDoc.id}, not ${did}`);
    }
    const found = didDoc.verificationMethod.find(m => m.id === url);
    if(url.includes('#')) {
      if(!found) throw new Error(`no verification method ${url}`);
      return {documentUrl: url, document: {'@context': 'https://w3id.org/security/multikey/v1', ...found}};
    }
    return {documentUrl: url, document: didDoc};
  }
  throw new Error(`offline: refusing to load ${url}`);
}

// Revocation: digitalbazaar's library verifies the list (its proof, and that its issuer is
// the credential's) and reads the bit. Without any list given, status is not checked.
async function checkStatus({credential}) {
  if(Object.keys(statusLists).length === 0) {
    return {verified: true, note: 'no status list given: not checked'};
  }
  const result = await checkBitstringStatus({
    credential, documentLoader, suite,
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true,
  });
  // `verified` says the check could be made; `status` is the bit (set: revoked).
  if(!result.verified) {
    return result;
  }
  const set = result.results.filter(r => r.status === true);
  if(set.length > 0) {
    const what = set.map(r => `${r.credentialStatus.statusPurpose} entry ${r.credentialStatus.statusListIndex}`);
    return {verified: false, error: new Error(`status set: ${what.join(', ')}`)};
  }
  return result;
}

// The credential baked into a PNG (iTXt `openbadgecredential`) or an SVG.
function extract(bytes) {
  if(bytes[0] === 0x89 && bytes.toString('latin1', 1, 4) === 'PNG') {
    let pos = 8;
    while(pos < bytes.length) {
      const len = bytes.readUInt32BE(pos);
      const type = bytes.toString('latin1', pos + 4, pos + 8);
      const data = bytes.subarray(pos + 8, pos + 8 + len);
      if(type === 'iTXt') {
        const k = data.indexOf(0);
        if(data.toString('latin1', 0, k) === 'openbadgecredential') {
          const compressed = data[k + 1];
          let rest = data.subarray(k + 3);
          rest = rest.subarray(rest.indexOf(0) + 1); // language tag
          rest = rest.subarray(rest.indexOf(0) + 1); // translated keyword
          return (compressed ? inflateSync(rest) : rest).toString('utf8');
        }
      }
      pos += 12 + len;
    }
    throw new Error('no openbadgecredential iTXt chunk');
  }
  const text = bytes.toString('utf8');
  if(text.trimStart().startsWith('<')) {
    const m = /<openbadges:credential[^>]*>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*<\/openbadges:credential>/.exec(text);
    if(!m) throw new Error('no <openbadges:credential> element');
    return m[1];
  }
  return text;
}

const schemas = [
  'schemas/ob_v3p0_achievementcredential_schema.json',
  'schemas/ob_v3p0_achievementcredential_schema.strict-2024.json',
].map(f => {
  // The schemas use the formats date-time and date: check them, as a strict verifier would.
  const ajv = new Ajv2019({strict: false, allErrors: true});
  addFormats(ajv, ['date-time', 'date']);
  return [f, ajv.compile(JSON.parse(readFileSync(join(ob3, f), 'utf8')))];
});

const suite = [
  new DataIntegrityProof({cryptosuite: rdfc}),
  new DataIntegrityProof({cryptosuite: jcsVerify()}),
];

// A learner record (CLR 2.0 ClrCredential) passes the CLR schema and its own proof, and every
// credential it embeds passes every check a credential gets.
const clrSchema = (() => {
  const ajv = new Ajv2019({strict: false, allErrors: true});
  addFormats(ajv, ['date-time', 'date']);
  const f = 'schemas/clr_v2p0_clrcredential_schema.json';
  return [f, ajv.compile(JSON.parse(readFileSync(join(repo, f), 'utf8')))];
})();

const isRecord = c => [].concat(c.type ?? []).includes('ClrCredential');

function embedded(record) {
  return [].concat(record.credentialSubject?.verifiableCredential ?? []);
}

async function check(credential) {
  if(isRecord(credential)) {
    return checkRecord(credential);
  }
  const problems = [];
  for(const [name, validate] of schemas) {
    if(!validate(credential)) {
      problems.push(`${name}: ${validate.errors.map(e => `${e.instancePath} ${e.message}`).join('; ')}`);
    }
  }
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  if(!result.verified) {
    const why = result.error?.errors?.map(e => e.message) ?? [result.error?.message ?? 'not verified'];
    problems.push(...why);
  }
  return problems;
}

async function checkRecord(record) {
  const problems = [];
  const [name, validate] = clrSchema;
  if(!validate(record)) {
    problems.push(`${name}: ${validate.errors.map(e => `${e.instancePath} ${e.message}`).join('; ')}`);
  }
  const result = await vc.verifyCredential({credential: record, suite, documentLoader, checkStatus});
  if(!result.verified) {
    const why = result.error?.errors?.map(e => e.message) ?? [result.error?.message ?? 'not verified'];
    problems.push(...why.map(w => `the record: ${w}`));
  }
  const inner = embedded(record);
  if(inner.length === 0) problems.push('the record embeds no credential');
  for(const [i, c] of inner.entries()) {
    for(const p of await check(c)) problems.push(`embedded credential ${i + 1} (${c.id}): ${p}`);
  }
  return problems;
}

function tamper(credential) {
  const t = structuredClone(credential);
  const target = isRecord(t) ? embedded(t)[0] : t;
  if(target?.credentialSubject?.achievement) target.credentialSubject.achievement.name += ' (edited)';
  return t;
}

let failures = 0;
for(const file of files) {
  let credential;
  try {
    credential = JSON.parse(extract(readFileSync(file)));
  } catch(e) {
    console.log(`${file}: cannot read: ${e.message}`);
    failures++;
    continue;
  }
  const problems = await check(credential);
  const tampered = tamper(credential);
  const tamperedProblems = await check(tampered);
  const ok = problems.length === 0 && tamperedProblems.length > 0;
  if(!ok) failures++;
  console.log(`${file}: ${problems.length === 0 ? 'verified' : 'NOT VERIFIED: ' + problems.join('; ')}; tampered copy ${tamperedProblems.length > 0 ? 'rejected' : 'ACCEPTED'}`);
}
console.log(`${files.length - failures} passed, ${failures} failed`);
process.exit(failures === 0 && files.length > 0 ? 0 : 1);
