//! Builders every test module shares: moments, dates, currencies, ids and stages.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pipewright::domain::{Currency, Stage};

/// A moment in UTC, to the minute.
pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a valid test moment")
}

/// The moment the board tests are set up: 2 March 2026, 09:00 UTC.
pub fn start() -> DateTime<Utc> {
    utc(2026, 3, 2, 9, 0)
}

/// A moment written as RFC 3339, as stored and exported.
pub fn rfc3339(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a valid test timestamp")
        .with_timezone(&Utc)
}

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid test date")
}

pub fn currency(code: &str) -> Currency {
    Currency::parse(code).expect("a known test currency")
}

/// Ids "prefix-1", "prefix-2", … in the order they are asked for.
pub fn id_source(prefix: &'static str) -> impl FnMut() -> String {
    let mut n_issued = 0;
    move || {
        n_issued += 1;
        format!("{prefix}-{n_issued}")
    }
}

/// A stage with no guidance.
pub fn stage(id: &str, name: &str, probability: u8, rot_days: u32) -> Stage {
    Stage {
        id: id.into(),
        name: name.to_string(),
        guidance: String::new(),
        probability,
        rot_days,
    }
}
