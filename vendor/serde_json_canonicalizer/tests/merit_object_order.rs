//! Merit patch: objects are written once and only rewritten when their properties arrive out
//! of canonical order. These cover both paths, nesting, escaped and non-BMP keys, duplicates.

use serde::Serialize;
use serde_json_canonicalizer::to_string;

#[derive(Serialize)]
struct Inner {
    z: u8,
    #[serde(rename = "a\n")]
    escaped: u8,
    a: Vec<Inner2>,
}

#[derive(Serialize)]
struct Inner2 {
    y: &'static str,
    x: bool,
}

#[derive(Serialize)]
struct Outer {
    b: Inner,
    a: u8,
    #[serde(rename = "\u{20ac}")]
    euro: u8,
    #[serde(rename = "\u{1f600}")]
    astral: u8,
    #[serde(rename = "\u{fb33}")]
    hebrew: u8,
}

#[test]
fn struct_fields_are_reordered_at_every_level() {
    let v = Outer {
        b: Inner {
            z: 1,
            escaped: 2,
            a: vec![Inner2 { y: "q", x: true }, Inner2 { y: "r", x: false }],
        },
        a: 3,
        euro: 4,
        astral: 5,
        hebrew: 6,
    };
    // U+1F600 is a surrogate pair (D83D DE00) in UTF-16, so it sorts before U+FB33.
    assert_eq!(
        to_string(&v).unwrap(),
        "{\"a\":3,\"b\":{\"a\":[{\"x\":true,\"y\":\"q\"},{\"x\":false,\"y\":\"r\"}],\"a\\n\":2,\"z\":1},\"\u{20ac}\":4,\"\u{1f600}\":5,\"\u{fb33}\":6}"
    );
}

#[test]
fn sorted_values_and_top_level_arrays_pass_through() {
    let v = serde_json::json!([{"a": {"b": [1, {"c": null}]}}, 2, {"d": "e"}]);
    assert_eq!(
        to_string(&v).unwrap(),
        r#"[{"a":{"b":[1,{"c":null}]}},2,{"d":"e"}]"#
    );
}

struct Twice(bool);

impl Serialize for Twice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        if self.0 {
            m.serialize_entry("b", &1)?;
        }
        m.serialize_entry("a", &1)?;
        m.serialize_entry("a", &2)?;
        m.end()
    }
}

#[test]
fn duplicate_keys_are_an_error_in_either_path() {
    for unsorted in [false, true] {
        let err = to_string(&Twice(unsorted)).unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }
}
