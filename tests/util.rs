//! Builders every test module shares: moments, dates, currencies, ids and stages; and the
//! reading of the gzipped localStorage dumps in `e2e/fixtures/` (also used by `web.rs`).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pipewright::domain::{Currency, Stage};
use std::collections::BTreeMap;

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

/// CRC-32 (IEEE), as gzip's trailer has it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    !bytes.iter().fold(!0u32, |crc, &b| {
        table[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8)
    })
}

/// The contents of a gzip file (RFC 1952) of one member: the header with whatever optional
/// fields its flags say it has, raw DEFLATE, then the CRC-32 and length, both checked.
pub fn gunzip(gz: &[u8]) -> Vec<u8> {
    assert!(gz.len() >= 18, "too short for gzip");
    assert_eq!(gz[..3], [0x1f, 0x8b, 8], "not gzip with DEFLATE");
    let flags = gz[3];
    assert_eq!(flags & 0xE0, 0, "reserved flags set");
    let mut at = 10;
    if flags & 0x04 != 0 {
        let extra = usize::from(u16::from_le_bytes([gz[at], gz[at + 1]]));
        at += 2 + extra;
    }
    for flag in [0x08, 0x10] {
        // A file name, then a comment: each ends with a zero byte.
        if flags & flag != 0 {
            at += gz[at..]
                .iter()
                .position(|&b| b == 0)
                .expect("a terminated field")
                + 1;
        }
    }
    if flags & 0x02 != 0 {
        let header_crc = u16::from_le_bytes([gz[at], gz[at + 1]]);
        assert_eq!(
            u32::from(header_crc),
            crc32(&gz[..at]) & 0xFFFF,
            "header CRC"
        );
        at += 2;
    }
    let (body, trailer) = gz[at..].split_at(gz.len() - at - 8);
    let out = miniz_oxide::inflate::decompress_to_vec(body).expect("a whole DEFLATE stream");
    assert_eq!(crc32(&out).to_le_bytes(), trailer[..4], "CRC-32");
    assert_eq!((out.len() as u32).to_le_bytes(), trailer[4..], "length");
    out
}

/// A localStorage dump, gzipped: one JSON object of keys and their values.
pub fn store_of_gzip(gz: &[u8]) -> BTreeMap<String, String> {
    serde_json::from_slice(&gunzip(gz)).expect("a JSON object of keys and values")
}
