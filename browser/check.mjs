// Loads Merit's published credential pages in headless Chromium (Debian's `chromium`, driven
// by playwright-core), served from the site folder on 127.0.0.1:
//
//   node check.mjs SITE_DIR OK_TOKEN REVOKED_TOKEN SHOTS_DIR
//
// It checks the rendered text (achievement, issuer, learner) after the live status check ran
// ("not revoked" / "revoked"), the same pages with JavaScript off, the LinkedIn link's
// parameters, and axe-core's rules (no serious or critical violation); it saves screenshots at
// 390 and 1280 pixels wide and the QR code as a PNG (decoded by the calling script). Exit 0
// only when every check passed.

import http from 'node:http';
import {readFileSync, existsSync, statSync} from 'node:fs';
import {join, extname, normalize} from 'node:path';
import {createRequire} from 'node:module';
import {chromium} from 'playwright-core';

const require = createRequire(import.meta.url);
const [site, okToken, revokedToken, shots] = process.argv.slice(2);
const types = {'.html': 'text/html; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.txt': 'text/plain'};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = normalize(join(site, decodeURIComponent(url.pathname)));
  if(!file.startsWith(normalize(site))) { res.writeHead(403); res.end(); return; }
  if(existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if(!existsSync(file)) { res.writeHead(404); res.end(); return; }
  const type = file.includes('/status/') ? 'application/json' : (types[extname(file)] || 'application/octet-stream');
  res.writeHead(200, {'content-type': type});
  res.end(readFileSync(file));
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

let passed = 0, failed = 0;
function check(what, ok, detail = '') {
  if(ok) { passed++; console.log(`ok   ${what}`); } else { failed++; console.log(`FAIL ${what} ${detail}`); }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  for(const [token, revoked] of [[okToken, false], [revokedToken, true]]) {
    const cred = JSON.parse(readFileSync(join(site, 'c', token, 'credential.json'), 'utf8'));
    const name = cred.credentialSubject.achievement.name;
    const issuer = JSON.parse(readFileSync(join(site, 'issuer.json'), 'utf8')).name;
    const label = revoked ? 'revoked page' : 'page';
    for(const width of [390, 1280]) {
      const page = await browser.newPage({viewport: {width, height: 900}});
      await page.goto(`${base}/c/${token}/`);
      await page.waitForFunction(() => /checked now|as of|could not check/.test(document.getElementById('status').textContent), null, {timeout: 15000});
      const status = await page.textContent('#status');
      check(`${label} at ${width}px: live status`, revoked ? status.startsWith('revoked (as of') : status === 'not revoked (checked now)', status);
      const body = await page.textContent('body');
      check(`${label} at ${width}px: achievement and issuer shown`, body.includes(name) && body.includes(issuer));
      const img = await page.evaluate(() => { const i = document.querySelector('img.badge'); return i.complete && i.naturalWidth > 0; });
      check(`${label} at ${width}px: the badge image loads`, img);
      await page.screenshot({path: join(shots, `${revoked ? 'revoked' : 'ok'}-${width}.png`), fullPage: true});
      if(width === 1280) {
        await page.addScriptTag({path: require.resolve('axe-core/axe.min.js')});
        const result = await page.evaluate(async () => await window.axe.run());
        const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
        check(`${label}: axe-core finds no serious or critical violation`, bad.length === 0, bad.map(v => `${v.id}: ${v.help}`).join('; '));
        if(!revoked) {
          await page.locator('figure svg').screenshot({path: join(shots, 'qr.png')});
          const href = await page.getAttribute('a[href^="https://www.linkedin.com/profile/add"]', 'href');
          const q = new URL(href).searchParams;
          const pageUrl = `${JSON.parse(readFileSync(join(site, 'issuer.json'), 'utf8')).url.replace(/\/$/, '')}/c/${token}/`;
          check('LinkedIn link parameters', q.get('startTask') === 'CERTIFICATION_NAME' && q.get('name') === name &&
            q.get('organizationName') === issuer && q.get('issueYear') === cred.validFrom.slice(0, 4) &&
            q.get('issueMonth') === String(Number(cred.validFrom.slice(5, 7))) && q.get('certUrl') === pageUrl &&
            q.get('certId') === cred.id, href);
        }
      }
      await page.close();
    }
    // Without JavaScript everything but the live check works.
    const context = await browser.newContext({javaScriptEnabled: false});
    const page = await context.newPage();
    await page.goto(`${base}/c/${token}/`);
    const status = await page.textContent('#status');
    check(`${label} without JavaScript`, revoked ? status.startsWith('revoked on') : status === 'not revoked when this page was published', status);
    check(`${label} without JavaScript: content`, (await page.textContent('body')).includes(name));
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
