//! The link to PostgreSQL: TLS whenever the server offers it or the URL requires it, and
//! then only to a server whose certificate a trusted CA signed for the host named; never a
//! certificate accepted unchecked, whatever `sslmode` says short of `disable`.

mod common;

use common::Backend;
use merit::store::Store;

/// `merit.toml` for a workspace on `url`, trusting `ca_file` when given.
fn configure(ws: &std::path::Path, url: &str, ca_file: Option<&std::path::Path>) {
    std::fs::create_dir_all(ws).unwrap();
    let mut toml = format!("[database]\nurl = \"{url}\"\n");
    if let Some(ca) = ca_file {
        toml.push_str(&format!("ca_file = \"{}\"\n", ca.display()));
    }
    std::fs::write(ws.join("merit.toml"), toml).unwrap();
}

/// `merit --workspace ws workspace init`, as a person would run it.
fn init(ws: &std::path::Path) -> std::process::Output {
    common::merit()
        .arg("--workspace")
        .arg(ws)
        .args(["workspace", "init"])
        .env_remove("MERIT_DATABASE_URL")
        .env_remove("MERIT_DATABASE_CA_FILE")
        .output()
        .unwrap()
}

#[test]
fn a_server_signed_by_the_named_ca_gets_an_encrypted_link() {
    let Some((url, ca)) = Backend::postgres_tls("a_server_signed_by_the_named_ca") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    configure(dir.path(), &url, Some(&ca));
    let o = init(dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.encrypted_link().unwrap(), Some(true));
    // A URL written for psql (libpq's verify-full) means the same here.
    configure(
        dir.path(),
        &url.replace("sslmode=require", "sslmode=verify-full"),
        Some(&ca),
    );
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.encrypted_link().unwrap(), Some(true));
}

#[test]
fn without_its_ca_the_server_is_refused_and_the_error_says_what_to_set() {
    let Some((url, _)) = Backend::postgres_tls("without_its_ca_the_server_is_refused") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The Mozilla roots do not include the test cluster's own CA.
    configure(dir.path(), &url, None);
    let o = init(dir.path());
    assert!(!o.status.success());
    let err = common::stderr(&o);
    assert!(err.contains("not signed by the Mozilla roots"), "{err}");
    assert!(err.contains("database.ca_file"), "{err}");
    assert!(err.contains("No password was sent"), "{err}");
}

#[test]
fn prefer_checks_the_certificate_too() {
    let Some((url, _)) = Backend::postgres_tls("prefer_checks_the_certificate_too") else {
        return;
    };
    // The default sslmode takes the TLS the server offers, and checks it all the same.
    let url = url.replace("sslmode=require", "sslmode=prefer");
    let dir = tempfile::tempdir().unwrap();
    configure(dir.path(), &url, None);
    let o = init(dir.path());
    assert!(!o.status.success());
    assert!(common::stderr(&o).contains("database.ca_file"));
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let Some((url, ca)) = Backend::postgres_tls("a_certificate_for_another_name") else {
        return;
    };
    // The server at 127.0.0.1, asked for as db.example.org: its certificate names 127.0.0.1.
    let url = url
        .replace("@127.0.0.1:", "@db.example.org:")
        .replace("sslmode=require", "sslmode=require&hostaddr=127.0.0.1");
    let dir = tempfile::tempdir().unwrap();
    configure(dir.path(), &url, Some(&ca));
    let o = init(dir.path());
    assert!(!o.status.success());
    let err = common::stderr(&o);
    assert!(err.contains("for another name"), "{err}");
}

#[test]
fn a_ca_file_that_is_no_certificate_is_named_in_the_error() {
    // No server is needed: the CA file is read before any connection is tried.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("db-ca.pem");
    std::fs::write(&ca, "this is not a certificate\n").unwrap();
    configure(
        dir.path(),
        "postgres://merit@127.0.0.1:1/merit?sslmode=require",
        Some(&ca),
    );
    let o = init(dir.path());
    assert!(!o.status.success());
    let err = common::stderr(&o);
    assert!(err.contains(&ca.display().to_string()), "{err}");
    assert!(err.contains("holds no certificate"), "{err}");
}
