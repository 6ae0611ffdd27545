//! Date-times in credentials: RFC 3339, every form the OB 3.0 schemas' `date-time` format
//! allows (`T` or `t`, fractional seconds, `Z`, `z` or a `±hh:mm` offset).

use std::time::SystemTime;

use anyhow::{Result, anyhow};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The instant `s` names.
pub fn parse(s: &str) -> Result<SystemTime> {
    let t = OffsetDateTime::parse(s, &Rfc3339).map_err(|e| {
        anyhow!("`{s}` is not an RFC 3339 date-time (like 2026-01-31T09:30:00Z): {e}")
    })?;
    Ok(SystemTime::from(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn offsets_name_the_same_instant_as_utc() {
        let utc = parse("2022-11-10T15:38:00Z").unwrap();
        assert_eq!(parse("2022-11-10T07:38:00-08:00").unwrap(), utc);
        assert_eq!(parse("2022-11-10t15:38:00z").unwrap(), utc);
        assert_eq!(
            parse("2022-11-10T15:38:00.250Z").unwrap(),
            utc + Duration::from_millis(250)
        );
    }

    #[test]
    fn other_forms_are_refused_with_the_value() {
        for bad in [
            "2026-11-27 10:00",
            "2026-11-27",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("`{bad}`")), "{e}");
        }
    }
}
