//! The `storage` target's input: localStorage entries, one `key<TAB>value` per line, as the
//! seeds generator writes them. A line without a tab is a key with an empty value; empty
//! lines are skipped. Bytes that are not UTF-8 become U+FFFD, as text in storage is text.
//! Stored records are one-line JSON, so a real record never holds a line break.

use crate::json::{self, Json};
use crate::Rng;
use pipewright::storage::codec::{deal_key, LANG_KEY, LAST_BACKUP_KEY, META_KEY};

/// The entries in input order; a key may come more than once.
pub fn parse(data: &[u8]) -> Vec<(String, String)> {
    data.split(|&byte| byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (key, value) = match line.iter().position(|&byte| byte == b'\t') {
                Some(tab) => (&line[..tab], &line[tab + 1..]),
                None => (line, &[][..]),
            };
            let text = |bytes| String::from_utf8_lossy(bytes).into_owned();
            (text(key), text(value))
        })
        .collect()
}

pub fn write(entries: &[(String, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in entries {
        out.extend_from_slice(key.as_bytes());
        out.push(b'\t');
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out
}

/// Keys that are not the app's records, or look almost like them.
const OTHER_KEYS: &[&str] = &[
    LANG_KEY,
    LAST_BACKUP_KEY,
    "pipewright.snapshot",
    "pipewright.unreadable.pipewright.workspace",
    "pipewright.deal",
    "pipewright.deal.",
    "Pipewright.workspace",
    "pipewright.workspace ",
    "another-app.settings",
    "",
];

/// Changes one entry: its key (to the workspace key, the key of a deal record's own id or
/// another's, or a key of another kind), its value (one JSON mutation), or the set of
/// entries (one removed, one copied under another key, two values swapped).
pub fn mutate_text(data: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let mut entries = parse(data);
    if entries.is_empty() {
        return None;
    }
    let n = rng.below(entries.len());
    let other = rng.below(entries.len());
    match rng.below(8) {
        0 => entries[n].0 = key_for(&entries[other].1, rng),
        1 => {
            let key = key_for(&entries[other].1, rng);
            let value = entries[n].1.clone();
            entries.push((key, value));
        }
        2 => drop(entries.remove(n)),
        3 => {
            let value = std::mem::take(&mut entries[n].1);
            entries[n].1 = std::mem::replace(&mut entries[other].1, value);
        }
        _ => {
            entries[n].1 =
                String::from_utf8(json::mutate_text(entries[n].1.as_bytes(), rng)?).ok()?
        }
    }
    Some(write(&entries))
}

fn key_for(value: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => META_KEY.to_string(),
        1 => deal_key(&deal_id(value).unwrap_or_default()),
        2 => deal_key(rng.pick(&["", " ", "d-1", "../x", "\u{1F680}", META_KEY])),
        _ => rng.pick(OTHER_KEYS).to_string(),
    }
}

/// The id inside a deal record, which is what its key must end with.
fn deal_id(value: &str) -> Option<String> {
    let doc = json::parse(value.as_bytes())?;
    let Some(Json::Token(id)) = doc.field("deal")?.field("id") else {
        return None;
    };
    serde_json::from_str(id).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_write_and_read_back() {
        let entries = vec![
            (META_KEY.to_string(), "{\"a\":1}".to_string()),
            (deal_key("d-1"), String::new()),
        ];
        assert_eq!(parse(&write(&entries)), entries);
        let pair = |key: &str, value: &str| (key.to_string(), value.to_string());
        assert_eq!(parse(b"k\n\nv\tw\tx"), [pair("k", ""), pair("v", "w\tx")]);
    }

    #[test]
    fn a_deal_record_gives_the_key_it_belongs_under() {
        let record = r#"{"format":"pipewright-deal","version":1,"deal":{"id":"d-\u00f8"}}"#;
        assert_eq!(deal_id(record).as_deref(), Some("d-ø"));
    }
}
