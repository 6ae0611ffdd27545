//! Badge pictures: a rubric's own PNG or SVG file (validated, stored with the version,
//! published only as plain drawing), the generated badge, and `data:` URIs when asked for.

mod common;

use std::path::Path;

use serde_json::Value;

/// The bundled data-cleaning rubric with `image:` naming `file`.
fn rubric_with_image(folder: &Path, file: &str) -> std::path::PathBuf {
    let src = merit::rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .unwrap()
        .1;
    let with = src.replacen(
        "  type: MicroCredential\n",
        &format!("  type: MicroCredential\n  image: {file}\n"),
        1,
    );
    assert_ne!(with, src);
    let path = folder.join("data-cleaning.yaml");
    std::fs::write(&path, with).unwrap();
    path
}

const HOSTILE_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)"><script>alert(document.cookie)</script><image href="/etc/hostname" width="9" height="9"/><rect width="100" height="100" fill="#c00000"/></svg>"##;

#[test]
fn rubric_check_says_where_a_picture_is_missing_or_bad() {
    let dir = tempfile::tempdir().unwrap();
    let path = rubric_with_image(dir.path(), "badge.svg");
    let o = common::merit()
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = common::stdout(&o);
    let line = merit::rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .unwrap()
        .1
        .lines()
        .position(|l| l == "  type: MicroCredential")
        .unwrap()
        + 2;
    assert!(
        out.contains(&format!(
            "data-cleaning.yaml:{line}:10: cannot read the picture"
        )),
        "{out}"
    );
    std::fs::write(dir.path().join("badge.svg"), "<svg><oops").unwrap();
    let o = common::merit()
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        common::stdout(&o).contains("is not a readable SVG"),
        "{}",
        common::stdout(&o)
    );
    let path = rubric_with_image(dir.path(), "../up.png");
    let o = common::merit()
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        common::stdout(&o).contains("leaves the rubric's folder"),
        "{}",
        common::stdout(&o)
    );
    std::fs::write(dir.path().join("badge.svg"), HOSTILE_SVG).unwrap();
    let path = rubric_with_image(dir.path(), "badge.svg");
    let o = common::merit()
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stdout(&o));
}

/// demo → a new rubric version naming its own SVG → its unscored work assessed and approved →
/// publish: the credential names `…/v2/image.svg`, the site has that picture only as plain
/// drawing (no script, no file read), and the baked PNG is the red picture, not the
/// generated badge.
#[test]
fn a_rubrics_own_picture_is_the_badge() {
    let (dir, ws) = common::demo_workspace(18, 4);
    let folder = dir.path().join("authoring");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("badge.svg"), HOSTILE_SVG).unwrap();
    let path = rubric_with_image(&folder, "badge.svg");
    let o = common::run(&ws, &["rubric", "import", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("version 2 imported"),
        "{}",
        common::stdout(&o)
    );
    // Changing only the picture is a new version too.
    std::fs::write(
        folder.join("badge.svg"),
        HOSTILE_SVG.replace("c00000", "c00001"),
    )
    .unwrap();
    let o = common::run(&ws, &["rubric", "import", path.to_str().unwrap()]);
    assert!(
        common::stdout(&o).contains("version 3 imported"),
        "{}",
        common::stdout(&o)
    );
    std::fs::write(folder.join("badge.svg"), HOSTILE_SVG).unwrap();
    let o = common::run(&ws, &["rubric", "import", path.to_str().unwrap()]);
    assert!(
        common::stdout(&o).contains("same as version 2"),
        "{}",
        common::stdout(&o)
    );
    let o = common::run(
        &ws,
        &["rubric", "diff", "data-cleaning@2", "data-cleaning@3"],
    );
    assert!(
        common::stdout(&o).contains("picture in badge.svg changed"),
        "{}",
        common::stdout(&o)
    );

    let mut store = merit::store::Store::create(&ws).unwrap();
    let v2 = store.current_rubric("data-cleaning").unwrap().unwrap();
    assert_eq!(v2.version, 2);
    let moved = store
        .move_unscored("data-cleaning", &v2.hash, &common::me())
        .unwrap();
    assert!(moved > 0);
    let fresh: Vec<i64> = store
        .cohort_submissions("data-2026-q2")
        .unwrap()
        .into_iter()
        .filter(|(id, ..)| store.submission_rubric(*id).unwrap() == v2.hash)
        .map(|(id, ..)| id)
        .collect();
    for id in &fresh {
        common::assess(&mut store, *id, "amir", true).unwrap();
    }
    drop(store);
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "data-2026-q2", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let site = dir.path().join("site");
    let o = common::merit_as(&ws, "ines", &["publish", "--out", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));

    let creds: Vec<(Value, std::path::PathBuf)> = common::walk(&site.join("c"))
        .into_iter()
        .filter(|p| p.ends_with("credential.json"))
        .map(|p| {
            (
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap(),
                p,
            )
        })
        .collect();
    let own: Vec<_> = creds
        .iter()
        .filter(|(c, _)| {
            c["credentialSubject"]["achievement"]["id"]
                .as_str()
                .unwrap()
                .ends_with("/achievements/data-cleaning/v2")
        })
        .collect();
    assert_eq!(own.len(), fresh.len());
    let (cred, page) = own[0];
    let image = cred["credentialSubject"]["achievement"]["image"]["id"]
        .as_str()
        .unwrap();
    assert!(
        image.ends_with("/achievements/data-cleaning/v2/image.svg"),
        "{image}"
    );
    let published =
        std::fs::read_to_string(site.join("achievements/data-cleaning/v2/image.svg")).unwrap();
    for bad in ["script", "onload", "alert", "hostname", "<image"] {
        assert!(!published.contains(bad), "{bad} was published: {published}");
    }
    assert!(
        site.join("achievements/data-cleaning/v2/image.png")
            .is_file()
    );
    // The baked PNG is the rubric's red picture, with the credential inside.
    let png = std::fs::read(page.with_file_name("badge.png")).unwrap();
    assert_eq!(
        merit::credential::bake::extract_png(&png).unwrap(),
        serde_json::to_string(cred).unwrap()
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(png.as_slice()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).unwrap();
    let mid = (128 * 256 + 128) * 4;
    assert_eq!(&buf[mid..mid + 3], &[0xc0, 0, 0]);
    let svg = std::fs::read_to_string(page.with_file_name("badge.svg")).unwrap();
    assert!(!svg.contains("<script") && !svg.contains("onload"));
    // The credential still verifies with its picture named.
    let o = common::merit()
        .args(["verify", "--site"])
        .arg(&site)
        .arg(page)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        common::stdout(&o),
        common::stderr(&o)
    );
}

/// `badges.image = "data-uri"`: the picture travels inside the credential, which verifies.
#[test]
fn a_workspace_can_embed_the_picture_as_a_data_uri() {
    let (dir, ws) = common::demo_workspace(18, 4);
    // Added to what merit.toml holds already (a database, when the tests run on PostgreSQL).
    let toml = std::fs::read_to_string(ws.join("merit.toml")).unwrap_or_default();
    std::fs::write(
        ws.join("merit.toml"),
        format!("{toml}[badges]\nimage = \"data-uri\"\n"),
    )
    .unwrap();
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "data-2026-q2", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = dir.path().join("out");
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "export",
            "--cohort",
            "data-2026-q2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let file = common::walk(&out)
        .into_iter()
        .find(|p| p.ends_with("credential.json"))
        .unwrap();
    let cred: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let image = cred["credentialSubject"]["achievement"]["image"]["id"]
        .as_str()
        .unwrap();
    let b64 = image
        .strip_prefix("data:image/svg+xml;base64,")
        .expect(image);
    use base64::Engine;
    let svg = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert!(
        String::from_utf8(svg)
            .unwrap()
            .contains("<title>Data Cleaning Practitioner</title>")
    );
    let o = common::merit()
        .args(["verify"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        common::stdout(&o),
        common::stderr(&o)
    );

    std::fs::write(ws.join("merit.toml"), "[badges]\nimage = \"inline\"\n").unwrap();
    let o = common::run(&ws, &["config"]);
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("badges.image is `inline`"),
        "{}",
        common::stderr(&o)
    );
}
