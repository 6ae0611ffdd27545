//! `merit publish`: the issuer's public site, a folder of static files to upload to the
//! issuer's URL. Every URL a credential names resolves there: the status lists, the
//! achievements, the issuer's profile, a did:web issuer's `did.json`; and each credential has
//! a page of its own at `/c/<token>/`, reached only from the link its holder shares.
//!
//! Publishing is incremental and idempotent: a file is written only when its content changed
//! (no page carries the time it was made), and a status list is signed again only when a
//! revocation changed it. Nothing private is published: no learner's email, no assessor's
//! comment or score, no page that lists or links other learners.

pub mod html;
pub mod site;

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use ed25519_dalek::SigningKey;
use serde_json::Value;

use crate::credential::build::Issuer;
use crate::credential::proof::Suite;
use crate::credential::{bake, issuer, status};
use crate::store::Store;
use site::{Counts, Site};

/// Bumped whenever the pages' HTML changes, so that every page is made again.
const RENDER_VERSION: u32 = 1;

/// What the pages of one site folder were made from (kept in the workspace).
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct State {
    pages: std::collections::HashMap<String, Made>,
    achievements: std::collections::BTreeMap<String, Value>,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Made {
    fingerprint: String,
    achievement: Option<String>,
}

/// A credential page to draw and write.
struct PageJob {
    token: String,
    credential_json: String,
    credential: Value,
    revoked_at: Option<i64>,
    learner: Option<String>,
    picture: std::sync::Arc<crate::art::Picture>,
}

/// Draws and writes `jobs`' pages on as many threads as there are cores.
fn write_pages(site: &Site, issuer: &Issuer, jobs: Vec<PageJob>) -> Result<site::Counts> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let per = jobs.len().div_ceil(threads).max(1);
    let mut chunks: Vec<Vec<PageJob>> = Vec::new();
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        chunks.push(jobs.by_ref().take(per).collect());
    }
    let results: Vec<Result<site::Counts>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    let mut counts = site::Counts::default();
                    for job in chunk {
                        write_page(site, issuer, &job, &mut counts)?;
                    }
                    Ok(counts)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a page writer failed")))
            })
            .collect()
    });
    let mut total = site::Counts::default();
    for r in results {
        let c = r?;
        total.written += c.written;
        total.unchanged += c.unchanged;
    }
    Ok(total)
}

/// One credential's page folder: the page, `credential.json`, the baked PNG and SVG.
fn write_page(
    site: &Site,
    issuer: &Issuer,
    job: &PageJob,
    counts: &mut site::Counts,
) -> Result<()> {
    let cred = &job.credential;
    let dir = format!("c/{}", job.token);
    let base = format!("{}/c/{}/", issuer.url.trim_end_matches('/'), job.token);
    let json_url = format!("{base}credential.json");
    let status = cred["credentialStatus"]["statusListCredential"]
        .as_str()
        .and_then(|u| site_path(issuer, u).ok())
        .zip(
            cred["credentialStatus"]["statusListIndex"]
                .as_str()
                .and_then(|i| i.parse().ok()),
        )
        .map(|(rel, i)| (format!("../../{rel}"), i));
    let text = html::credential(&html::CredentialPage {
        credential: cred,
        learner: job.learner.as_deref(),
        issuer_name: &issuer.name,
        issuer_url: &issuer.url,
        page_url: &base,
        json_url: &json_url,
        revoked_on: job.revoked_at.map(crate::store::format_time),
        status,
        qr_svg: &qr_svg(&json_url)?,
        linkedin: &linkedin(cred, issuer, &base),
    });
    let files: [(&str, Vec<u8>); 4] = [
        ("index.html", text.into_bytes()),
        (
            "credential.json",
            serde_json::to_string_pretty(cred)?.into_bytes(),
        ),
        ("badge.png", bake::png(&job.credential_json, &job.picture)?),
        (
            "badge.svg",
            bake::svg(&job.credential_json, &job.picture)?.into_bytes(),
        ),
    ];
    for (name, bytes) in files {
        if site.put(&format!("{dir}/{name}"), &bytes)? {
            counts.written += 1;
        } else {
            counts.unchanged += 1;
        }
    }
    Ok(())
}

/// The workspace file remembering what was published into `out`.
fn state_file(root: &Path, out: &Path) -> Result<std::path::PathBuf> {
    let canonical = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    let key = crate::hash::sha256_hex(canonical.to_string_lossy().as_bytes());
    Ok(issuer::dir(root).join(format!("published-{}.json", &key[..16])))
}

/// What a publish did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub pages: usize,
    pub withdrawn: usize,
    pub lists_signed: usize,
    pub files: Counts,
}

/// The path under the site of `url`, which must be on the issuer's site.
fn site_path(issuer: &Issuer, url: &str) -> Result<String> {
    let base = issuer.url.trim_end_matches('/');
    url.strip_prefix(base)
        .map(|p| p.trim_start_matches('/').to_string())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| anyhow!("{url} is not on the issuer's site {base}"))
}

/// Where a did:web DID's document goes: `did:web:HOST` → `.well-known/did.json`,
/// `did:web:HOST:PATH` → `PATH/did.json`; the host must be the site's.
pub fn did_json_path(did: &str, site_url: &str) -> Result<String> {
    let rest = did
        .strip_prefix("did:web:")
        .ok_or_else(|| anyhow!("{did} is not a did:web DID"))?;
    let mut parts = rest.split(':');
    let host = parts.next().unwrap_or_default().replace("%3A", ":");
    let site_host = site_url
        .split_once("://")
        .map_or(site_url, |(_, r)| r)
        .split('/')
        .next()
        .unwrap_or_default();
    if !host.eq_ignore_ascii_case(site_host) {
        bail!(
            "the issuer's DID {did} names the host {host}, but the site is {site_url}: its \
             did.json must be published on {host}, not here"
        );
    }
    let path: Vec<&str> = parts.collect();
    Ok(if path.is_empty() {
        ".well-known/did.json".to_string()
    } else {
        format!("{}/did.json", path.join("/"))
    })
}

/// A QR code, as SVG, of `text`.
pub fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| anyhow!("QR code: {e}"))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    // Inline in HTML: without the XML declaration, and named for screen readers.
    let svg = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
    Ok(svg.replacen(
        "<svg",
        "<svg role=\"img\" aria-label=\"QR code of the credential's address\"",
        1,
    ))
}

/// LinkedIn's "add certification to profile" link.
pub fn linkedin(cred: &Value, issuer: &Issuer, page_url: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("startTask", "CERTIFICATION_NAME");
    q.append_pair(
        "name",
        cred["credentialSubject"]["achievement"]["name"]
            .as_str()
            .unwrap_or(""),
    );
    q.append_pair("organizationName", &issuer.name);
    let ym = |k: &str| -> Option<(String, String)> {
        let d = cred[k].as_str()?;
        Some((
            d.get(0..4)?.to_string(),
            d.get(5..7)?.trim_start_matches('0').to_string(),
        ))
    };
    if let Some((y, m)) = ym("validFrom") {
        q.append_pair("issueYear", &y);
        q.append_pair("issueMonth", &m);
    }
    if let Some((y, m)) = ym("validUntil") {
        q.append_pair("expirationYear", &y);
        q.append_pair("expirationMonth", &m);
    }
    q.append_pair("certUrl", page_url);
    q.append_pair("certId", cred["id"].as_str().unwrap_or(""));
    format!("https://www.linkedin.com/profile/add?{}", q.finish())
}

/// Publishes the workspace's site into `out`, as `actor` (an issuer). `key` is asked for only
/// when a status list must be signed again.
pub fn publish(
    store: &mut Store,
    actor: &str,
    out: &Path,
    key: &mut dyn FnMut() -> Result<SigningKey>,
) -> Result<Report> {
    let pages = store.pages(actor)?; // checks the Publish permission
    let root = store.root().to_path_buf();
    let issuer = issuer::load(&root)?;
    let mut site = Site::new(out)?;
    let mut report = Report::default();

    // The status lists, at the URLs credentials name; signed again only when changed.
    let revoked: Vec<u64> = store
        .revoked_indexes()?
        .into_iter()
        .map(|i| i as u64)
        .collect();
    let next = store.next_status_index()?.max(0) as u64;
    let mut signing: Option<SigningKey> = None;
    for n in 0..status::lists_needed(next) {
        let url = status::list_url(&issuer, n);
        let rel = site_path(&issuer, &url)?;
        let bits: Vec<u64> = revoked
            .iter()
            .filter(|&&i| status::locate(i).0 == n)
            .map(|&i| status::locate(i).1)
            .collect();
        let wanted = status::encode(&bits, status::MIN_ENTRIES)?;
        let current: Option<Value> = site
            .read(&rel)
            .and_then(|b| serde_json::from_slice(&b).ok());
        let fresh = current.as_ref().is_some_and(|c| {
            c["id"] == url.as_str() && c["credentialSubject"]["encodedList"] == wanted.as_str()
        });
        if !fresh {
            let k = match &signing {
                Some(k) => k.clone(),
                None => signing.insert(key()?).clone(),
            };
            let now = crate::credential::issue::rfc3339(std::time::SystemTime::now());
            let list = status::credentials(&issuer, &k, &revoked, next, &now, Suite::Rdfc)?
                .into_iter()
                .nth(n as usize)
                .ok_or_else(|| anyhow!("no status list {n}"))?;
            let text = serde_json::to_string_pretty(&list)?;
            site.write(&rel, text.as_bytes())?;
            // The workspace keeps a copy, which `merit verify` uses.
            std::fs::write(
                status::list_file(&issuer::dir(&root).join("status-list.json"), n),
                &text,
            )?;
            report.lists_signed += 1;
        } else {
            site.counts.unchanged += 1;
        }
    }

    // The issuer: its page, its profile, a did:web DID's document, the latest sealed head.
    if issuer.did.starts_with("did:web:") {
        let rel = did_json_path(&issuer.did, &issuer.url)?;
        let doc = std::fs::read(issuer::did_doc_path(&root))
            .with_context(|| "the issuer's did.json is missing from the workspace")?;
        site.write(&rel, &doc)?;
    }
    let profile = issuer.profile();
    site.write(
        "issuer.json",
        serde_json::to_string_pretty(&profile)?.as_bytes(),
    )?;
    let head = store.last_seal()?.map(|s| s.head());
    if let Some(h) = &head {
        site.write("audit-head.txt", format!("{h}\n").as_bytes())?;
    }
    site.write(
        "index.html",
        html::issuer(&profile, &issuer.did, head.as_deref()).as_bytes(),
    )?;
    site.write("robots.txt", b"User-agent: *\nDisallow: /\n")?;

    // Credentials' pages and the achievements they name. What each page was made from is
    // remembered in the workspace (never on the site, where a list of pages would be an index
    // of every learner): a page whose inputs did not change is not made again.
    let state_path = state_file(&root, out)?;
    let old: State = std::fs::read(&state_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut state = State::default();
    let mut achievements: std::collections::BTreeMap<String, Value> = Default::default();
    let mut live = std::collections::HashSet::new();
    let mut names_shown: std::collections::HashMap<String, bool> = Default::default();
    let mut pictures: std::collections::HashMap<String, std::sync::Arc<crate::art::Picture>> =
        Default::default();
    let mut todo = Vec::new();
    for page in &pages {
        if page.withdrawn {
            site.remove_dir(&format!("c/{}", page.token))?;
            report.withdrawn += 1;
            continue;
        }
        // A credential's page names the learner when its cohort says so; a program
        // credential's page never does (it spans cohorts that may say otherwise).
        let (credential_json, revoked_at, learner) = match page.submission_id {
            Some(sid) => {
                let Some(award) = store.award(sid)? else {
                    continue;
                };
                let source = store.award_source(sid)?;
                let show = match names_shown.get(&source.cohort_id) {
                    Some(s) => *s,
                    None => {
                        let s = store.page_names(&source.cohort_id)?;
                        names_shown.insert(source.cohort_id.clone(), s);
                        s
                    }
                };
                (
                    award.credential_json,
                    award.revoked_at,
                    show.then_some(source.learner_name),
                )
            }
            None => {
                let Some(p) = store.program_award(&page.credential_id)? else {
                    continue;
                };
                (p.credential_json, p.revoked_at, None)
            }
        };
        live.insert(page.token.clone());
        let learner = learner.as_deref();
        let dir = format!("c/{}", page.token);
        let fingerprint = crate::hash::sha256_hex(
            serde_json::json!([
                RENDER_VERSION,
                credential_json,
                revoked_at,
                learner,
                issuer.name,
                issuer.url
            ])
            .to_string()
            .as_bytes(),
        );
        if let Some(done) = old.pages.get(&page.token)
            && done.fingerprint == fingerprint
            && site.path(&format!("{dir}/index.html"))?.is_file()
        {
            if let Some(rel) = &done.achievement
                && let Some(a) = old.achievements.get(rel)
            {
                achievements.entry(rel.clone()).or_insert_with(|| a.clone());
            }
            state.pages.insert(page.token.clone(), done.clone());
            site.counts.unchanged += 4;
            report.pages += 1;
            continue;
        }
        let cred: Value = serde_json::from_str(&credential_json)?;
        let ach = &cred["credentialSubject"]["achievement"];
        let ach_rel = ach["id"]
            .as_str()
            .and_then(|id| site_path(&issuer, id).ok());
        if let Some(rel) = &ach_rel {
            achievements
                .entry(rel.clone())
                .or_insert_with(|| ach.clone());
        }
        let key = ach["id"].as_str().unwrap_or("").to_string();
        let picture = match pictures.get(&key) {
            Some(p) => std::sync::Arc::clone(p),
            None => {
                let p = bake::picture_of(store, ach)?;
                pictures.insert(key, std::sync::Arc::clone(&p));
                p
            }
        };
        state.pages.insert(
            page.token.clone(),
            Made {
                fingerprint,
                achievement: ach_rel,
            },
        );
        report.pages += 1;
        todo.push(PageJob {
            token: page.token.clone(),
            credential_json,
            credential: cred,
            revoked_at,
            learner: learner.map(str::to_string),
            picture,
        });
    }
    // The pages themselves: drawn and written on every core (each is independent).
    let counts = write_pages(&site, &issuer, todo)?;
    site.counts.written += counts.written;
    site.counts.unchanged += counts.unchanged;
    state.achievements = achievements.clone();
    // Pages no credential has any more (a withdrawn one published by an older workspace).
    for d in site.dirs("c")? {
        if !live.contains(&d) {
            site.remove_dir(&format!("c/{d}"))?;
        }
    }
    // Each achievement at its id; a rubric's own address lists the versions named.
    let mut versions: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for rel in achievements.keys() {
        if let Some((parent, v)) = rel.rsplit_once('/')
            && v.len() > 1
            && v.starts_with('v')
            && v[1..].chars().all(|c| c.is_ascii_digit())
        {
            versions
                .entry(parent.to_string())
                .or_default()
                .push(v.to_string());
        }
    }
    for (rel, a) in &achievements {
        let listed = versions.get(rel).map(Vec::as_slice).unwrap_or(&[]);
        site.write(
            &format!("{rel}/index.html"),
            html::achievement(a, listed).as_bytes(),
        )?;
        site.write(
            &format!("{rel}/achievement.json"),
            serde_json::to_string_pretty(a)?.as_bytes(),
        )?;
        // The picture the achievement names, when it is on this site (as SVG and as PNG).
        if let Some(img) = a["image"]["id"].as_str()
            && let Ok(img_rel) = site_path(&issuer, img)
            && (img_rel == format!("{rel}/image.svg") || img_rel == format!("{rel}/image.png"))
        {
            let picture = bake::picture_of(store, a)?;
            site.write(&format!("{rel}/image.svg"), picture.svg.as_bytes())?;
            site.write(&format!("{rel}/image.png"), &picture.png)?;
        }
    }
    for (parent, vs) in &versions {
        if !achievements.contains_key(parent) {
            let rubric = parent.rsplit('/').next().unwrap_or(parent);
            site.write(
                &format!("{parent}/index.html"),
                html::versions_page(rubric, vs).as_bytes(),
            )?;
        }
    }
    crate::authoring::write_back(&state_path, &serde_json::to_string(&state)?)?;
    report.files = std::mem::take(&mut site.counts);
    store.audit(
        actor,
        "site.publish",
        &issuer.url,
        &format!(
            "{} page(s), {} withdrawn, {} list(s) signed, {} file(s) written",
            report.pages, report.withdrawn, report.lists_signed, report.files.written
        ),
    )?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_documents_go_where_the_did_says() {
        let site = "https://badges.example.org";
        assert_eq!(
            did_json_path("did:web:badges.example.org", site).unwrap(),
            ".well-known/did.json"
        );
        assert_eq!(
            did_json_path("did:web:badges.example.org:issuers:a", site).unwrap(),
            "issuers/a/did.json"
        );
        let e = did_json_path("did:web:other.example.org", site).unwrap_err();
        assert!(
            e.to_string().contains("names the host other.example.org"),
            "{e}"
        );
    }
}
