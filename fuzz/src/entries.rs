//! The `storage` target's input: localStorage entries, one `key<TAB>value` per line, as the
//! seeds generator writes them. A line without a tab is a key with an empty value; empty
//! lines are skipped. Bytes that are not UTF-8 become U+FFFD, as text in storage is text.
//! Stored records are one-line JSON or packed text (`codec::pack`: CJK code units only),
//! so a real value never holds a tab or a line break.

use crate::json::{self, Json};
use crate::Rng;
use pipewright::storage::codec::{
    bucket_of, chunk_key, pack, v1, BUCKETS, LANG_KEY, LAST_BACKUP_KEY, META_KEY,
};

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
    "pipewright.current",
    "pipewright.unreadable.pipewright.store",
    "pipewright.unreadable.pipewright.deals.5",
    "pipewright.unreadable.pipewright.workspace",
    "pipewright.deal",
    "pipewright.deal.",
    "pipewright.deals",
    "pipewright.deals.",
    "pipewright.deals.07",
    "pipewright.deals.+7",
    "pipewright.deals.-1",
    "pipewright.deals.128",
    "pipewright.deals.65536",
    "pipewright.deals.4294967296",
    "pipewright.store ",
    "Pipewright.workspace",
    "pipewright.workspace ",
    "another-app.settings",
    "",
];

/// Changes one entry: its key (to a workspace record's key, the chunk or format-1 key of a
/// deal the value holds or another's, or a key of another kind), its value (one JSON
/// mutation, inside the packing when the value is packed; or the value packed or unpacked),
/// or the set of entries (one removed, one copied under another key, two values swapped).
pub fn mutate_text(data: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let mut entries = parse(data);
    if entries.is_empty() {
        return None;
    }
    let n = rng.below(entries.len());
    let other = rng.below(entries.len());
    match rng.below(10) {
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
        // Across the formats: a record packed (as a chunk or a deal packed in place is),
        // or a packed value written out as its text.
        4 => {
            let value = &entries[n].1;
            entries[n].1 = match pack::unpack_text(value) {
                Ok(text) => text,
                Err(_) => pack::pack_text(value),
            };
        }
        _ => entries[n].1 = mutate_value(&entries[n].1, rng)?,
    }
    Some(write(&entries))
}

/// One JSON mutation of a value; a packed value is unpacked, changed and packed again, so
/// the change reaches the chunk's deals rather than breaking its DEFLATE stream.
fn mutate_value(value: &str, rng: &mut Rng) -> Option<String> {
    match pack::unpack_text(value) {
        Ok(text) => {
            let changed = String::from_utf8(json::mutate_text(text.as_bytes(), rng)?).ok()?;
            Some(pack::pack_text(&changed))
        }
        Err(_) => String::from_utf8(json::mutate_text(value.as_bytes(), rng)?).ok(),
    }
}

fn key_for(value: &str, rng: &mut Rng) -> String {
    let id = deal_id(value);
    match rng.below(7) {
        0 => META_KEY.to_string(),
        1 => v1::META_KEY.to_string(),
        // The chunk the deal belongs in, or its neighbour.
        2 => {
            let bucket = bucket_of(id.as_deref().unwrap_or_default(), BUCKETS);
            chunk_key((bucket + u32::from(rng.one_in(4))) % (BUCKETS + 2))
        }
        3 => chunk_key(rng.below(BUCKETS as usize + 2) as u32),
        4 => v1::deal_key(&id.unwrap_or_default()),
        5 => v1::deal_key(rng.pick(&["", " ", "d-1", "../x", "\u{1F680}", META_KEY])),
        _ => rng.pick(OTHER_KEYS).to_string(),
    }
}

/// The id of a deal the value holds, which is what its key must follow: the deal of a
/// format-1 record, or one of a chunk's deals; packed or not.
fn deal_id(value: &str) -> Option<String> {
    let text = pack::unpack_text(value).unwrap_or_else(|_| value.to_string());
    let doc = json::parse(text.as_bytes())?;
    let deal = match doc.field("deals") {
        Some(Json::List(deals)) => deals.first()?,
        _ => doc.field("deal")?,
    };
    // A named deal, or a compact one (an array whose first field is its id).
    let id = match deal {
        Json::List(fields) => fields.first(),
        _ => deal.field("id"),
    };
    let Some(Json::Token(id)) = id else {
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
            (v1::deal_key("d-1"), String::new()),
            (chunk_key(3), pack::pack_text("{\"deals\":[]}")),
        ];
        assert_eq!(parse(&write(&entries)), entries);
        let pair = |key: &str, value: &str| (key.to_string(), value.to_string());
        assert_eq!(parse(b"k\n\nv\tw\tx"), [pair("k", ""), pair("v", "w\tx")]);
    }

    #[test]
    fn a_record_gives_the_deal_id_its_key_follows() {
        let record = r#"{"format":"pipewright-deal","version":1,"deal":{"id":"d-\u00f8"}}"#;
        assert_eq!(deal_id(record).as_deref(), Some("d-ø"));
        assert_eq!(deal_id(&pack::pack_text(record)).as_deref(), Some("d-ø"));
        let chunk =
            r#"{"format":"pipewright-deals","version":2,"deals":[{"id":"c-1"},{"id":"c-2"}]}"#;
        assert_eq!(deal_id(&pack::pack_text(chunk)).as_deref(), Some("c-1"));
        assert_eq!(deal_id(chunk).as_deref(), Some("c-1"));
        // As the app writes a chunk now: each deal an array, its id first.
        let compact = r#"{"format":"pipewright-deals","version":2,"deals":[["c-3","p"],["c-4"]]}"#;
        assert_eq!(deal_id(&pack::pack_text(compact)).as_deref(), Some("c-3"));
        assert_eq!(deal_id("Zbroken"), None);
    }

    #[test]
    fn a_packed_value_is_changed_inside_its_packing() {
        let chunk = pack::pack_text(
            r#"{"format":"pipewright-deals","version":2,"deals":[{"id":"c-1","title":"T"}]}"#,
        );
        let mut changed_inside = 0;
        for seed in 0..200 {
            let mut rng = Rng::new(seed);
            if let Some(value) = mutate_value(&chunk, &mut rng) {
                let text = pack::unpack_text(&value).expect("still packed");
                changed_inside += usize::from(json::parse(text.as_bytes()).is_some());
            }
        }
        assert!(changed_inside > 100, "{changed_inside}");
    }
}
