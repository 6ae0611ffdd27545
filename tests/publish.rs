//! `merit publish`, end to end: the site is served on 127.0.0.1, and every URL a credential
//! names answers there; a downloaded credential verifies against the site; a revoked one
//! does not; a withdrawn page is gone; nothing private is published; publishing again
//! changes nothing.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;

use serde_json::Value;

/// Serves `root` on 127.0.0.1 for `requests` GETs (a directory answers with its index.html),
/// then stops. Returns the base URL.
fn serve(root: PathBuf, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut s) = stream else { continue };
            // The whole request head, so that closing never cuts a client's write short.
            let mut reader = BufReader::new(&s);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 0) && header != "\r\n" {
                header.clear();
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut file = root.join(path.trim_start_matches('/'));
            if file.is_dir() {
                file = file.join("index.html");
            }
            let ok = !path.contains("..") && file.is_file();
            let body = if ok {
                std::fs::read(&file).unwrap_or_default()
            } else {
                Vec::new()
            };
            let head = if ok { "200 OK" } else { "404 Not Found" };
            let mut response = format!(
                "HTTP/1.1 {head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend(body);
            let _ = s.write_all(&response);
        }
    });
    format!("http://{addr}")
}

/// GET `url` (http://127.0.0.1:PORT/PATH): the status code and the body.
fn get(url: &str) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut s = TcpStream::connect(host).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let text = String::from_utf8_lossy(&all);
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| all[i + 4..].to_vec())
        .unwrap_or_default();
    (code, body)
}

#[test]
fn the_published_site_answers_every_url_a_credential_names() {
    let (dir, ws) = common::demo_workspace(18, 4);
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "data-2026-q2", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = merit::store::Store::create(&ws).unwrap();
    let awards = store.cohort_awards("data-2026-q2").unwrap();
    assert!(awards.len() >= 2, "{}", awards.len());
    let revoked_id = awards[0].credential_id.clone();
    let withdrawn_id = awards[1].credential_id.clone();
    drop(store);
    let o = common::merit_as(&ws, "ines", &["revoke", &revoked_id, "--reason", "test"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let site = dir.path().join("site");
    let o = common::merit_as(&ws, "ines", &["publish", "--out", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));

    // Publishing again changes nothing.
    let o = common::merit_as(&ws, "ines", &["publish", "--out", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("0 status list(s) signed; 0 file(s) written"),
        "{}",
        common::stdout(&o)
    );

    let pages: Vec<PathBuf> = common::walk(&site.join("c"))
        .into_iter()
        .filter(|p| p.ends_with("credential.json"))
        .collect();
    assert_eq!(pages.len(), awards.len());
    let issuer: Value =
        serde_json::from_slice(&std::fs::read(site.join("issuer.json")).unwrap()).unwrap();
    let site_url = issuer["url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let base = serve(site.clone(), 8 * pages.len() + 8);
    let local = |u: &str| u.replacen(&site_url, &base, 1);
    let (code, _) = get(&format!("{base}/issuer.json"));
    assert_eq!(code, 200);
    // New credentials name a versioned achievement; the rubric's address lists its versions.
    let first: Value = serde_json::from_slice(&std::fs::read(&pages[0]).unwrap()).unwrap();
    let ach = first["credentialSubject"]["achievement"]["id"]
        .as_str()
        .unwrap();
    let (parent, version) = ach.rsplit_once('/').unwrap();
    assert!(
        version.starts_with('v') && version[1..].parse::<u32>().is_ok(),
        "{ach}"
    );
    let (code, body) = get(&local(&format!("{parent}/")));
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains(&format!("href=\"{version}/\"")));
    let (code, _) = get(&format!("{base}/"));
    assert_eq!(code, 200);
    for p in &pages {
        let cred: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        let token = p.parent().unwrap().file_name().unwrap().to_str().unwrap();
        for url in [
            cred["credentialStatus"]["statusListCredential"]
                .as_str()
                .unwrap()
                .to_string(),
            cred["credentialSubject"]["achievement"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
            cred["credentialSubject"]["achievement"]["image"]["id"]
                .as_str()
                .expect("the achievement names its image")
                .to_string(),
            format!("{site_url}/c/{token}/"),
            format!("{site_url}/c/{token}/badge.png"),
        ] {
            let (code, body) = get(&local(&url));
            assert_eq!(code, 200, "{url}");
            assert!(!body.is_empty(), "{url}");
        }
        // The downloaded credential verifies against the site (the revoked one does not).
        let (_, body) = get(&local(&format!("{site_url}/c/{token}/credential.json")));
        let f = dir.path().join("downloaded.json");
        std::fs::write(&f, &body).unwrap();
        let o = common::merit()
            .env("MERIT_HOME", dir.path().join("elsewhere"))
            .args([
                "verify",
                "--site",
                site.to_str().unwrap(),
                f.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let revoked = cred["id"] == revoked_id.as_str();
        assert_eq!(o.status.success(), !revoked, "{}", common::stdout(&o));
        if revoked {
            assert!(common::stdout(&o).contains("REVOKED"));
            let page = std::fs::read_to_string(p.with_file_name("index.html")).unwrap();
            assert!(page.contains("revoked on"), "the page says so");
        }
    }

    // Nothing private: no learner's email, no assessor's comment, one learner per page.
    let store = merit::store::Store::create(&ws).unwrap();
    let mut emails = Vec::new();
    let mut names = Vec::new();
    for (id, ..) in store.cohort_submissions("data-2026-q2").unwrap() {
        let src = store.award_source(id).unwrap();
        emails.extend(src.learner_email);
        names.push(src.learner_name);
    }
    let comments: Vec<String> = common::db(&ws)
        .prepare("SELECT overall_feedback FROM assessments WHERE overall_feedback != ''")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!emails.is_empty() && !comments.is_empty());
    for f in common::walk(&site) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        for e in &emails {
            assert!(!text.contains(e.as_str()), "{} holds {e}", f.display());
        }
        for c in comments.iter().filter(|c| c.len() > 20) {
            assert!(
                !text.contains(c.as_str()),
                "{} holds a comment",
                f.display()
            );
        }
        if f.ends_with("index.html") && f.starts_with(site.join("c")) {
            let shown = names.iter().filter(|n| text.contains(n.as_str())).count();
            assert_eq!(shown, 1, "{} names {shown} learners", f.display());
        }
    }

    // A withdrawn page is gone at the next publish; the credential stays valid.
    let before = pages.len();
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "publish",
            "--out",
            site.to_str().unwrap(),
            "--withdraw",
            &withdrawn_id,
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let after = common::walk(&site.join("c"))
        .into_iter()
        .filter(|p| p.ends_with("credential.json"))
        .count();
    assert_eq!(after, before - 1);

    // The registrar's CSV gives each published credential's page, the last column.
    let out = dir.path().join("export");
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "export",
            "--cohort",
            "data-2026-q2",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "csv",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let csv = std::fs::read_to_string(out.join("data-2026-q2.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",page_url"));
    let mut with_pages = 0;
    for line in csv.lines().skip(1) {
        let url = line.rsplit(',').next().unwrap().trim_matches('"');
        if let Some(token) = url.strip_prefix(&format!("{site_url}/c/")) {
            let page = site
                .join("c")
                .join(token.trim_end_matches('/'))
                .join("index.html");
            assert!(page.is_file(), "{url}");
            with_pages += 1;
        }
    }
    assert_eq!(with_pages, before - 1, "{csv}");

    // A lead can keep names off the cohort's pages; the next publish rewrites them so.
    let o = common::run(
        &ws,
        &[
            "--as",
            "lena",
            "cohort",
            "set",
            "data-2026-q2",
            "--no-page-names",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::merit_as(&ws, "ines", &["publish", "--out", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    for f in common::walk(&site.join("c"))
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
    {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains("Awarded to"), "{}", f.display());
        assert!(
            !names.iter().any(|n| text.contains(n.as_str())),
            "{}",
            f.display()
        );
    }
}
