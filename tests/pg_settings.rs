//! Where a PostgreSQL workspace's parts live: `MERIT_DATABASE_URL` takes precedence over
//! `merit.toml`'s database, and artifacts go to the configured shared folder, not the
//! database or the workspace folder.

mod common;

use common::Backend;

#[test]
fn the_environment_names_the_database_and_artifacts_go_to_the_shared_folder() {
    let Some(Backend::Postgres(url)) = Backend::postgres("the_environment_names_the_database")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let shared = dir.path().join("shared-artifacts");
    std::fs::create_dir_all(&ws).unwrap();
    // merit.toml names a database nobody could reach; the environment overrides it.
    std::fs::write(
        ws.join("merit.toml"),
        format!(
            "[database]\nurl = \"postgres://nobody@127.0.0.1:1/none\"\n[artifacts]\ndir = \"{}\"\n",
            shared.display()
        ),
    )
    .unwrap();
    let merit = |args: &[&str]| {
        common::merit()
            .arg("--workspace")
            .arg(&ws)
            .args(args)
            .env("MERIT_DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let o = merit(&["workspace", "init"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = merit(&["config"]);
    let out = common::stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("database.url"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("$MERIT_DATABASE_URL"), "{line}");
    let rubric = common::repo().join("rubrics/data-cleaning.yaml");
    let o = merit(&["rubric", "import", rubric.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let src = tempfile::tempdir().unwrap();
    let learner = src.path().join("ada");
    std::fs::create_dir_all(&learner).unwrap();
    std::fs::write(learner.join("cleaned-data.csv"), "a,b\n1,2\n").unwrap();
    let o = merit(&[
        "import",
        "--cohort",
        "c1",
        "--rubric",
        "data-cleaning",
        src.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));

    // The database holds the workspace; no SQLite file was made beside it.
    assert!(!ws.join("merit.db").exists());
    let o = merit(&["cohort", "list"]);
    assert!(common::stdout(&o).contains("c1"), "{}", common::stdout(&o));
    // The artifact is in the shared folder, named by its hash, and nowhere in the workspace.
    let stored: Vec<_> = common::walk(&shared)
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == ".tmp"))
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(std::fs::read(&stored[0]).unwrap(), b"a,b\n1,2\n");
    assert!(
        !common::walk(&ws)
            .iter()
            .any(|p| std::fs::read(p).is_ok_and(|b| b == b"a,b\n1,2\n")),
        "no copy in the workspace folder"
    );
    // Without the variable, merit.toml's database is used, and cannot be reached.
    let o = common::run(&ws, &["cohort", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("postgres://nobody@127.0.0.1:1/none (from merit.toml)"),
        "{}",
        common::stderr(&o)
    );
}

/// Credentials, about 4 KB each, are compressed with LZ4 when the server has it: pglz costs
/// three times the CPU, the larger part of what approving a cohort costs the database.
#[test]
fn credentials_are_compressed_with_lz4_where_the_server_has_it() {
    let Some(Backend::Postgres(url)) = Backend::postgres("credentials_are_compressed_with_lz4")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let o = common::merit()
        .arg("--workspace")
        .arg(dir.path())
        .args(["workspace", "init"])
        .env("MERIT_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let lz4: bool = c
        .query_one(
            "SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
            &[],
        )
        .unwrap()
        .get(0);
    for table in ["awards", "program_awards"] {
        let method: String = c
            .query_one(
                "SELECT attcompression::text FROM pg_attribute
                 WHERE attrelid = to_regclass($1) AND attname = 'credential_json'",
                &[&table],
            )
            .unwrap()
            .get(0);
        assert_eq!(method, if lz4 { "l" } else { "" }, "{table}");
    }
}
