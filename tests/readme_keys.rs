//! README's key table is the keymap: the text between its `keys` markers is what
//! `merit::tui::keymap::markdown()` writes. `MERIT_UPDATE_README=1 cargo test --test
//! readme_keys` rewrites it after a change to the keys.

#[test]
fn readme_key_table_matches_the_keymap() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- keys:begin -->\n", "<!-- keys:end -->");
    let a = readme.find(begin).expect("README has <!-- keys:begin -->") + begin.len();
    let b = readme.find(end).expect("README has <!-- keys:end -->");
    let want = merit::tui::keymap::markdown();
    if std::env::var_os("MERIT_UPDATE_README").is_some() {
        let new = format!("{}{want}{}", &readme[..a], &readme[b..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        readme[a..b] == want,
        "README's key table differs from the keymap; run MERIT_UPDATE_README=1 cargo test --test readme_keys"
    );
}
