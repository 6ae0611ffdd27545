//! The site's pages. Every value from a credential, a rubric or the workspace is escaped for
//! HTML where it is written; pages carry `noindex` and work without JavaScript (the live
//! status check is the only script, and says when it could not check).

use serde_json::Value;

use crate::letters::escape as e;

/// A whole page around `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"robots\" content=\"noindex, nofollow\">\
<title>{}</title>\n<style>\
body{{font-family:system-ui,sans-serif;max-width:46em;margin:0 auto;padding:1em;line-height:1.5;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}}\
img.badge{{width:160px;height:160px}}dt{{font-weight:600}}dd{{margin:0 0 .6em 0}}\
code{{word-break:break-all;font-size:.9em}}.status{{font-weight:600}}a{{color:#0645ad}}\
</style></head><body>\n<main>\n{body}</main>\n</body></html>\n",
        e(title)
    )
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// What the credential page shows, gathered by the publisher.
pub struct CredentialPage<'a> {
    pub credential: &'a Value,
    /// The learner's name, or None when the cohort keeps names off pages.
    pub learner: Option<&'a str>,
    pub issuer_name: &'a str,
    pub issuer_url: &'a str,
    /// This page's own URL, and its credential.json's.
    pub page_url: &'a str,
    pub json_url: &'a str,
    /// "revoked on DATE", when it is.
    pub revoked_on: Option<String>,
    /// The status list, relative to the page, and the entry (for the live check).
    pub status: Option<(String, u64)>,
    pub qr_svg: &'a str,
    pub linkedin: &'a str,
}

pub fn credential(p: &CredentialPage<'_>) -> String {
    let c = p.credential;
    let achievement = &c["credentialSubject"]["achievement"];
    let name = s(achievement, "name");
    let mut b = String::new();
    b.push_str(&format!(
        "<h1>{}</h1>\n<p><img class=\"badge\" src=\"badge.svg\" alt=\"The {} badge\"></p>\n",
        e(name),
        e(name)
    ));
    if let Some(l) = p.learner {
        b.push_str(&format!("<p>Awarded to <strong>{}</strong></p>\n", e(l)));
    }
    b.push_str("<dl>\n");
    b.push_str(&format!(
        "<dt>Issued by</dt><dd><a href=\"{}\">{}</a></dd>\n",
        e(p.issuer_url),
        e(p.issuer_name)
    ));
    b.push_str(&format!(
        "<dt>Issued</dt><dd>{}</dd>\n",
        e(s(c, "validFrom"))
    ));
    if !s(c, "validUntil").is_empty() {
        b.push_str(&format!(
            "<dt>Valid until</dt><dd>{}</dd>\n",
            e(s(c, "validUntil"))
        ));
    }
    let static_status = match &p.revoked_on {
        Some(when) => format!("revoked on {}", e(when)),
        None => "not revoked when this page was published".to_string(),
    };
    b.push_str(&format!(
        "<dt>Status</dt><dd class=\"status\" id=\"status\" aria-live=\"polite\">{static_status}</dd>\n"
    ));
    b.push_str(&format!(
        "<dt>What it certifies</dt><dd>{}</dd>\n",
        e(s(achievement, "description"))
    ));
    let criteria = s(&achievement["criteria"], "narrative");
    if !criteria.is_empty() {
        b.push_str(&format!(
            "<dt>Criteria</dt><dd>{}</dd>\n",
            e(criteria).replace('\n', "<br>")
        ));
    }
    b.push_str(&format!(
        "<dt>Achievement</dt><dd><a href=\"{}\">{}</a></dd>\n",
        e(s(achievement, "id")),
        e(s(achievement, "id"))
    ));
    b.push_str("</dl>\n");
    if let Some(evidence) = c["evidence"].as_array().filter(|a| !a.is_empty()) {
        b.push_str("<h2>Evidence assessed</h2>\n<ul>\n");
        for ev in evidence {
            b.push_str(&format!(
                "<li>{}: <code>{}</code></li>\n",
                e(s(ev, "name")),
                e(s(ev, "id"))
            ));
        }
        b.push_str("</ul>\n");
    }
    b.push_str(&format!(
        "<h2>Keep it, share it</h2>\n<ul>\n<li><a href=\"credential.json\" download>credential.json</a> \
(the signed Open Badges 3.0 credential)</li>\n<li><a href=\"badge.png\" download>badge.png</a> and \
<a href=\"badge.svg\" download>badge.svg</a> (the badge, with the credential inside)</li>\n\
<li><a href=\"{}\">Add to LinkedIn profile</a></li>\n\
<li>This page's address, to share: <a href=\"{}\">{}</a></li>\n</ul>\n\
<figure><figcaption>The credential's address, for a wallet's \"add from URL\": <code>{}</code></figcaption>\n{}</figure>\n",
        e(p.linkedin),
        e(p.page_url),
        e(p.page_url),
        e(p.json_url),
        p.qr_svg
    ));
    b.push_str(
        "<h2>Check it yourself</h2>\n<p>Download <code>credential.json</code> and run \
<code>merit verify credential.json</code>, or any Open Badges 3.0 verifier: it checks the \
issuer's signature, the dates and the revocation list, offline. The status above is checked \
live by this page when scripts run; the verifier is the authority.</p>\n",
    );
    if let Some((list, index)) = &p.status {
        b.push_str(&status_script(list, *index));
    }
    page(name, &b)
}

/// The live check: fetch the list from this site (a relative URL), inflate it, read the bit.
fn status_script(list_rel: &str, index: u64) -> String {
    let list = serde_json::to_string(list_rel).unwrap_or_else(|_| "\"\"".into());
    format!(
        "<script>\n(async () => {{\n  const el = document.getElementById('status');\n  try {{\n    \
const r = await fetch({list}, {{cache: 'no-store'}});\n    if (!r.ok) throw new Error(r.status);\n    \
const list = await r.json();\n    const enc = list.credentialSubject.encodedList;\n    \
if (!enc || enc[0] !== 'u') throw new Error('not multibase base64url');\n    \
let b64 = enc.slice(1).replace(/-/g, '+').replace(/_/g, '/');\n    \
b64 += '='.repeat((4 - b64.length % 4) % 4);\n    \
const gz = Uint8Array.from(atob(b64), ch => ch.charCodeAt(0));\n    \
const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));\n    \
const bits = new Uint8Array(await new Response(stream).arrayBuffer());\n    \
const i = {index};\n    if ((i >> 3) >= bits.length) throw new Error('index beyond the list');\n    \
const set = (bits[i >> 3] & (0x80 >> (i & 7))) !== 0;\n    \
el.textContent = set ? 'revoked (as of ' + (list.validFrom || 'the latest list') + ')' : 'not revoked (checked now)';\n  \
}} catch (err) {{\n    el.textContent = el.textContent + ' (could not check now)';\n  }}\n}})();\n</script>\n"
    )
}

/// The issuer's page.
pub fn issuer(profile: &Value, did: &str, head: Option<&str>) -> String {
    let mut b = format!(
        "<h1>{}</h1>\n<dl>\n<dt>Web site</dt><dd><a href=\"{}\">{}</a></dd>\n<dt>Signing key (DID)</dt><dd><code>{}</code></dd>\n</dl>\n",
        e(s(profile, "name")),
        e(s(profile, "url")),
        e(s(profile, "url")),
        e(did)
    );
    b.push_str("<p>This site publishes the issuer's <a href=\"issuer.json\">profile</a>, its achievements and revocation lists. Each credential's page is reached from the link its holder shares; no page lists them.</p>\n");
    if let Some(h) = head {
        b.push_str(&format!(
            "<p>Latest sealed audit head: <code>{}</code> (<a href=\"audit-head.txt\">audit-head.txt</a>).</p>\n",
            e(h)
        ));
    }
    page(s(profile, "name"), &b)
}

/// The versions of an achievement (`v1/`, `v2/`…), for the rubric's page.
fn versions_list(versions: &[String]) -> String {
    if versions.is_empty() {
        return String::new();
    }
    let items: String = versions
        .iter()
        .map(|v| format!("<li><a href=\"{}/\">{}</a></li>\n", e(v), e(v)))
        .collect();
    format!("<h2>Versions</h2>\n<ul>\n{items}</ul>\n")
}

/// The page of an achievement's versions, when no credential names the unversioned id.
pub fn versions_page(rubric: &str, versions: &[String]) -> String {
    page(
        rubric,
        &format!(
            "<h1>{}</h1>\n<p>The versions of this achievement that credentials name.</p>\n{}",
            e(rubric),
            versions_list(versions)
        ),
    )
}

/// An achievement's page: what it certifies, its criteria, the rubric's levels, alignments,
/// and (for the rubric's own address) its versions.
pub fn achievement(a: &Value, versions: &[String]) -> String {
    let mut b = format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        e(s(a, "name")),
        e(s(a, "description"))
    );
    let criteria = s(&a["criteria"], "narrative");
    if !criteria.is_empty() {
        b.push_str(&format!(
            "<h2>Criteria</h2>\n<p>{}</p>\n",
            e(criteria).replace('\n', "<br>")
        ));
    }
    if let Some(rds) = a["resultDescription"].as_array() {
        for rd in rds {
            b.push_str(&format!("<h2>{}</h2>\n<ul>\n", e(s(rd, "name"))));
            for lvl in rd["rubricCriterionLevel"].as_array().into_iter().flatten() {
                b.push_str(&format!(
                    "<li><strong>{}</strong>: {}</li>\n",
                    e(s(lvl, "name")),
                    e(s(lvl, "description"))
                ));
            }
            b.push_str("</ul>\n");
        }
    }
    if let Some(al) = a["alignment"].as_array().filter(|x| !x.is_empty()) {
        b.push_str("<h2>Aligned to</h2>\n<ul>\n");
        for x in al {
            b.push_str(&format!(
                "<li><a href=\"{}\">{}</a> {}</li>\n",
                e(s(x, "targetUrl")),
                e(s(x, "targetName")),
                e(s(x, "targetFramework"))
            ));
        }
        b.push_str("</ul>\n");
    }
    b.push_str("<p><a href=\"achievement.json\">achievement.json</a></p>\n");
    b.push_str(&versions_list(versions));
    page(s(a, "name"), &b)
}
