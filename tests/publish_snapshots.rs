//! Snapshots of the published pages for a fixed credential (the shared reference vector): any
//! change to what an employer or a learner reads shows in review. Nothing in them depends on
//! when they were made.

use merit::credential::build::Issuer;
use merit::publish::html;
use serde_json::Value;

fn credential() -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ob3/vectors/status-revoked-rdfc.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn issuer() -> Issuer {
    Issuer {
        did: "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw".into(),
        verification_method: "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw#z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw".into(),
        name: "Assessor <Example> & Co".into(),
        url: "https://assessor.example".into(),
        email: None,
        embed_images: false,
    }
}

fn page(revoked: bool, learner: Option<&str>) -> String {
    let cred = credential();
    let issuer = issuer();
    let page_url = "https://assessor.example/c/00112233445566778899aabbccddeeff/";
    let json_url = format!("{page_url}credential.json");
    html::credential(&html::CredentialPage {
        credential: &cred,
        learner,
        issuer_name: &issuer.name,
        issuer_url: &issuer.url,
        page_url,
        json_url: &json_url,
        revoked_on: revoked.then(|| "2025-02-01T00:00:00Z".to_string()),
        status: Some(("../../status/revocation/1".into(), 42)),
        qr_svg: &merit::publish::qr_svg(&json_url).unwrap(),
        linkedin: &merit::publish::linkedin(&cred, &issuer, page_url),
    })
}

#[test]
fn credential_page() {
    insta::assert_snapshot!(page(false, Some("Ada <b>Lovelace</b>")));
}

#[test]
fn revoked_credential_page_without_a_name() {
    let p = page(true, None);
    assert!(p.contains("revoked on 2025-02-01T00:00:00Z"));
    assert!(!p.contains("Awarded to"));
    insta::assert_snapshot!(p);
}

#[test]
fn achievement_page() {
    let cred = credential();
    insta::assert_snapshot!(html::achievement(
        &cred["credentialSubject"]["achievement"],
        &["v1".to_string(), "v2".to_string()]
    ));
}

#[test]
fn issuer_page() {
    let i = issuer();
    insta::assert_snapshot!(html::issuer(&i.profile(), &i.did, Some("42:abcdef")));
}
