//! The one place where the two databases' SQL differs. Every query is written once, in the
//! SQL both understand, with SQLite's `?N` placeholders; for PostgreSQL it is rewritten here:
//! placeholders become `$N`, and the few SQLite functions PostgreSQL spells differently are
//! renamed. Text inside quotes is never touched.

/// SQLite spellings and their PostgreSQL equivalents, matched outside quotes.
const RENAMES: &[(&str, &str)] = &[
    // The current UTC time as RFC 3339, as credentials write `validUntil`.
    (
        "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
    ),
    // A JSON array of ids as a table (`merit_ids` is created with the PostgreSQL schema).
    ("json_each(", "merit_ids("),
    ("instr(", "strpos("),
    ("char(1)", "chr(1)"),
    // Always written with its separator: PostgreSQL's string_agg takes two arguments, and it
    // is built in (an aggregate written in SQL costs a function call per row, 0.5 s of a
    // 100,000-row cohort's plan).
    ("group_concat(", "string_agg("),
];

/// Rewrites a query written for SQLite into PostgreSQL's dialect.
pub fn postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let bytes = sql.as_bytes();
    let mut i = 0;
    let mut next_anonymous = 1;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' || c == b'"' {
            // Copy a quoted literal or identifier as it is ('' and "" escape the quote).
            let start = i;
            i += 1;
            while i < bytes.len() {
                if bytes[i] == c {
                    if bytes.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            out.push_str(&sql[start..i]);
            continue;
        }
        if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            // A comment runs to the end of the line; drop it (it may hold a quote).
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'?' {
            let digits = sql[i + 1..].bytes().take_while(u8::is_ascii_digit).count();
            out.push('$');
            if digits == 0 {
                out.push_str(&next_anonymous.to_string());
                next_anonymous += 1;
            } else {
                out.push_str(&sql[i + 1..i + 1 + digits]);
            }
            i += 1 + digits;
            continue;
        }
        if let Some((from, to)) = RENAMES
            .iter()
            .find(|(from, _)| sql[i..].starts_with(from) && word_starts(bytes, i))
        {
            out.push_str(to);
            i += from.len();
            continue;
        }
        let len = utf8_len(c);
        out.push_str(&sql[i..i + len]);
        i += len;
    }
    out
}

/// Whether position `i` starts a word (so that `json_each(` is not matched inside a longer
/// name).
fn word_starts(bytes: &[u8], i: usize) -> bool {
    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::postgres;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            postgres("SELECT a FROM t WHERE b = ?2 AND c = ?1"),
            "SELECT a FROM t WHERE b = $2 AND c = $1"
        );
        assert_eq!(postgres("VALUES (?, ?)"), "VALUES ($1, $2)");
    }

    #[test]
    fn quoted_text_is_left_alone() {
        assert_eq!(
            postgres("SELECT 'what? json_each(' || \"a?\" FROM t WHERE x = ?1"),
            "SELECT 'what? json_each(' || \"a?\" FROM t WHERE x = $1"
        );
        assert_eq!(postgres("SELECT 'it''s ?'"), "SELECT 'it''s ?'");
    }

    #[test]
    fn sqlite_functions_are_renamed() {
        assert_eq!(
            postgres("SELECT value FROM json_each(?1)"),
            "SELECT value FROM merit_ids($1)"
        );
        assert_eq!(
            postgres("substr(s, 1, instr(s || char(1), char(1)) - 1)"),
            "substr(s, 1, strpos(s || chr(1), chr(1)) - 1)"
        );
        assert_eq!(postgres("SELECT my_json_each(x)"), "SELECT my_json_each(x)");
        assert_eq!(
            postgres("SELECT group_concat(a, ', ' ORDER BY a) FROM t"),
            "SELECT string_agg(a, ', ' ORDER BY a) FROM t"
        );
        assert!(postgres("x > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')").contains("to_char(now()"));
    }

    #[test]
    fn comments_are_dropped() {
        assert_eq!(postgres("SELECT 1 -- it's\nFROM t"), "SELECT 1 \nFROM t");
    }
}
