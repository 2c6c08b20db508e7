//! A JSON document as the mutator sees it, and the changes it makes to one. Tokens are kept
//! exactly as written (numbers in any spelling, strings with their quotes and escapes) and
//! objects keep their field order and any duplicate keys, so a mutation can write what
//! serde_json would never produce: `1e400`, `-0`, a lone surrogate, a key given twice.

use crate::Rng;
use pipewright::domain::ops::{MAX_NAME_CHARS, MAX_TEXT_CHARS};

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// A number, `true`, `false`, `null`, or a string with its quotes, as written.
    Token(String),
    List(Vec<Json>),
    /// Fields in document order; each key is a string token with its quotes.
    Object(Vec<(String, Json)>),
}

/// Deeper documents are left to libFuzzer's byte mutations (the app stops at 128 levels).
const MAX_DEPTH: usize = 400;

/// Reads a document leniently: any run of bytes that is not punctuation is a token, so a
/// document whose numbers or literals libFuzzer has garbled can still be mutated.
pub fn parse(text: &[u8]) -> Option<Json> {
    let text = std::str::from_utf8(text).ok()?;
    let mut parser = Parser { text, at: 0 };
    let value = parser.value(0)?;
    parser.skip_ws();
    (parser.at == text.len()).then_some(value)
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        if self.eat(b'[') {
            let mut items = Vec::new();
            if !self.eat(b']') {
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        break;
                    }
                    self.eat(b',').then_some(())?;
                }
            }
            Some(Json::List(items))
        } else if self.eat(b'{') {
            let mut fields = Vec::new();
            if !self.eat(b'}') {
                loop {
                    self.skip_ws();
                    let key = self.string()?;
                    self.eat(b':').then_some(())?;
                    fields.push((key, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        break;
                    }
                    self.eat(b',').then_some(())?;
                }
            }
            Some(Json::Object(fields))
        } else if self.peek() == Some(b'"') {
            self.string().map(Json::Token)
        } else {
            let start = self.at;
            while self
                .peek()
                .is_some_and(|b| !b"[]{},:\" \t\n\r".contains(&b))
            {
                self.at += 1;
            }
            (self.at > start).then(|| Json::Token(self.text[start..self.at].to_string()))
        }
    }

    /// A string token, quotes and escapes included.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        (self.peek() == Some(b'"')).then_some(())?;
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        // Every stop is at an ASCII byte, so the slice is on character boundaries.
        self.text.get(start..self.at).map(str::to_string)
    }
}

impl Json {
    /// The document on one line (stored records are written that way too).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Token(token) => out.push_str(token),
            Json::List(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (n, (key, value)) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str(key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    fn count(&self) -> usize {
        1 + match self {
            Json::Token(_) => 0,
            Json::List(items) => items.iter().map(Json::count).sum(),
            Json::Object(fields) => fields.iter().map(|(_, value)| value.count()).sum(),
        }
    }

    /// The node `n` places after this one in document order.
    fn nth(&mut self, n: &mut usize) -> Option<&mut Json> {
        if *n == 0 {
            return Some(self);
        }
        *n -= 1;
        match self {
            Json::Token(_) => None,
            Json::List(items) => items.iter_mut().find_map(|item| item.nth(n)),
            Json::Object(fields) => fields.iter_mut().find_map(|(_, value)| value.nth(n)),
        }
    }

    /// The value of field `key` (given without quotes), if this is an object that has it.
    pub fn field(&self, key: &str) -> Option<&Json> {
        let Json::Object(fields) = self else {
            return None;
        };
        fields
            .iter()
            .find(|(name, _)| name.len() == key.len() + 2 && name[1..].starts_with(key))
            .map(|(_, value)| value)
    }

    /// Calls `f` on every string token that is the value of an id field.
    fn each_id(&mut self, f: &mut dyn FnMut(&mut String)) {
        match self {
            Json::Token(_) => {}
            Json::List(items) => items.iter_mut().for_each(|item| item.each_id(f)),
            Json::Object(fields) => {
                for (key, value) in fields {
                    match value {
                        Json::Token(token) if ID_KEYS.contains(&key.as_str()) => {
                            if token.starts_with('"') {
                                f(token);
                            }
                        }
                        Json::List(deals) if key == "\"deals\"" => {
                            for deal in deals {
                                match deal {
                                    Json::List(compact) => each_compact_id(compact, f),
                                    _ => deal.each_id(f),
                                }
                            }
                        }
                        _ => value.each_id(f),
                    }
                }
            }
        }
    }
}

/// Fields whose values name a record; swapping one for another makes dangling and
/// duplicate references.
/// The ids of a compact deal (a chunk's deal as an array of its fields, the app's
/// `storage::codec::compact`): its id, pipeline and stage (fields 0–2), and the stages of
/// its history (field 15: `[from, to, at]` each).
fn each_compact_id(fields: &mut [Json], f: &mut dyn FnMut(&mut String)) {
    let string = |node: &mut Json, f: &mut dyn FnMut(&mut String)| {
        if let Json::Token(token) = node {
            if token.starts_with('"') {
                f(token);
            }
        }
    };
    for node in fields.iter_mut().take(3) {
        string(node, f);
    }
    if let Some(Json::List(history)) = fields.get_mut(15) {
        for change in history {
            if let Json::List(change) = change {
                for node in change.iter_mut().take(2) {
                    string(node, f);
                }
            }
        }
    }
}

const ID_KEYS: &[&str] = &[
    "\"id\"",
    "\"pipeline_id\"",
    "\"stage_id\"",
    "\"from\"",
    "\"to\"",
];

/// Field names of the backup and stored formats, to rename or add a field with.
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "format", "version", "app_version", "exported_at", "workspace", "pipelines", "deals",
    "lost_reasons", "deal", "id", "name", "currency", "stages", "created_at", "guidance",
    "probability", "rot_days", "pipeline_id", "stage_id", "rank", "title", "organisation",
    "contact", "email", "phone", "amount", "minor", "expected_close", "notes", "next_step",
    "text", "due", "updated_at", "status", "kind", "at", "reason", "note", "history",
    "from", "to", "sample", "rev", "unknown", "",
];

/// Numbers at the edges of every integer type the formats use, and literals.
#[rustfmt::skip]
const TOKENS: &[&str] = &[
    "0", "-0", "1", "-1", "2", "99", "100", "101", "255", "256", "-128", "65535",
    "4294967295", "4294967296", "9007199254740993", "999999999999999", "1000000000000000",
    "1000000000000001", "-1000000000000001", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
    "18446744073709551616", "123456789012345678901234567890", "1e400", "-1e400", "1e-400",
    "0.5", "1.0", "-0.0", "1e2", "1E+2", "true", "false", "null",
];

/// Strings (JSON text, quotes included) near what the formats accept: currencies, status
/// kinds, impossible and extreme dates and times, odd characters.
const STRINGS: &[&str] = &[
    r#""""#,
    r#"" ""#,
    r#""\u0000""#,
    r#""\ud800""#,
    r#""\udc00\ud800""#,
    r#""🚀""#,
    r#""\ufeff""#,
    r#""<script>alert(1)</script>""#,
    r#""NOK""#,
    r#""nok""#,
    r#"" EUR ""#,
    r#""XXX""#,
    r#""JPY""#,
    r#""KWD""#,
    r#""open""#,
    r#""won""#,
    r#""lost""#,
    r#""Won""#,
    r#""2024-02-29""#,
    r#""2026-02-29""#,
    r#""2026-13-01""#,
    r#""0000-01-01""#,
    r#""9999-12-31""#,
    r#""+10000-01-01""#,
    r#""-0001-12-31""#,
    r#""262143-12-31""#,
    r#""2026-11-26T14:32:00Z""#,
    r#""2026-11-26T14:32:00+14:00""#,
    r#""2026-11-26T14:32:00-23:59""#,
    r#""2016-12-31T23:59:60Z""#,
    r#""2026-11-26T24:00:00Z""#,
    r#""2026-11-26 14:32:00Z""#,
    r#""2026-11-26T14:32:00.123456789123Z""#,
    r#""9999-12-31T23:59:59-23:59""#,
    r#""0000-01-01T00:00:00+23:59""#,
    r#""+262143-12-31T23:59:59Z""#,
    r#""pipewright-backup""#,
    r#""pipewright-workspace""#,
    r#""pipewright-deal""#,
    r#""pipewright-deals""#,
];

/// Parses `text`, changes one thing in it and writes it back; `None` if it is not JSON.
pub fn mutate_text(text: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let mut doc = parse(text)?;
    mutate(&mut doc, rng);
    Some(doc.to_text().into_bytes())
}

/// Changes one node of `doc`.
pub fn mutate(doc: &mut Json, rng: &mut Rng) {
    if rng.one_in(6) && swap_id(doc, rng) {
        return;
    }
    let count = doc.count();
    // A copy of another part of the document, taken before the node is borrowed.
    let donor = rng
        .one_in(8)
        .then(|| doc.nth(&mut rng.below(count)).cloned());
    let Some(node) = doc.nth(&mut rng.below(count)) else {
        return;
    };
    if let Some(Some(donor)) = donor {
        *node = donor;
        return;
    }
    match rng.below(7) {
        0 => *node = Json::Token(rng.pick(TOKENS).to_string()),
        1 => *node = Json::Token(rng.pick(STRINGS).to_string()),
        2 => *node = long_string(rng),
        3 => tweak_number(node, rng),
        4 => nest(node, rng),
        _ => edit_container(node, rng),
    }
}

/// Sets one id field to the value of another (or its own), making duplicates and
/// references to records of the wrong kind.
fn swap_id(doc: &mut Json, rng: &mut Rng) -> bool {
    let mut ids = Vec::new();
    doc.each_id(&mut |id| ids.push(id.clone()));
    if ids.is_empty() {
        return false;
    }
    let mut target = rng.below(ids.len());
    let new_id = ids[rng.below(ids.len())].clone();
    doc.each_id(&mut |id| {
        if target == 0 {
            id.clone_from(&new_id);
        }
        target = target.wrapping_sub(1);
    });
    true
}

/// A string at or one past a length limit, in characters of one to four UTF-8 bytes.
fn long_string(rng: &mut Rng) -> Json {
    let chars = rng.pick(&[
        MAX_NAME_CHARS,
        MAX_NAME_CHARS + 1,
        MAX_TEXT_CHARS,
        MAX_TEXT_CHARS + 1,
    ]);
    let unit = rng.pick(&["x", "ø", "🚀", " ", "\\n", "\\u0000"]);
    Json::Token(format!("\"{}\"", unit.repeat(chars)))
}

fn tweak_number(node: &mut Json, rng: &mut Rng) {
    let Json::Token(token) = node else {
        return edit_container(node, rng);
    };
    let Ok(n) = token.parse::<i128>() else {
        *token = rng.pick(TOKENS).to_string();
        return;
    };
    let n = match rng.below(4) {
        0 => n.saturating_add(1),
        1 => n.saturating_sub(1),
        2 => n.saturating_neg(),
        _ => n.saturating_mul(1 << 32),
    };
    *token = n.to_string();
}

/// Wraps the node in lists, up to past the depth the app reads.
fn nest(node: &mut Json, rng: &mut Rng) {
    let depth = rng.pick(&[1, 2, 64, 127, 128, 129, 200]);
    for _ in 0..depth {
        let inner = std::mem::replace(node, Json::List(Vec::new()));
        *node = Json::List(vec![inner]);
    }
}

fn edit_container(node: &mut Json, rng: &mut Rng) {
    let quoted = |key: &str| format!("\"{key}\"");
    match node {
        Json::Object(fields) if !fields.is_empty() => {
            let n = rng.below(fields.len());
            match rng.below(4) {
                0 => drop(fields.remove(n)),
                1 => {
                    // The same key twice.
                    let copy = fields[n].clone();
                    fields.insert(rng.below(fields.len() + 1), copy);
                }
                2 => fields[n].0 = quoted(rng.pick(KEYS)),
                _ => {
                    let value = Json::Token(rng.pick(TOKENS).to_string());
                    fields.insert(rng.below(fields.len() + 1), (quoted(rng.pick(KEYS)), value));
                }
            }
        }
        Json::List(items) if !items.is_empty() => {
            let n = rng.below(items.len());
            match rng.below(4) {
                0 => drop(items.remove(n)),
                1 => {
                    let copy = items[n].clone();
                    items.insert(rng.below(items.len() + 1), copy);
                }
                2 => {
                    let other = rng.below(items.len());
                    items.swap(n, other);
                }
                _ => items.clear(),
            }
        }
        Json::Object(fields) => fields.push((quoted(rng.pick(KEYS)), Json::Token("null".into()))),
        Json::List(items) => items.push(Json::Token(rng.pick(TOKENS).to_string())),
        Json::Token(_) => {
            *node = match rng.below(3) {
                0 => Json::List(Vec::new()),
                1 => Json::Object(Vec::new()),
                _ => Json::Token(rng.pick(STRINGS).to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_reads_and_writes_back_as_written() {
        let text = r#"{"b":1e400,"a":[-0,"x\"y",{}],"b":null}"#;
        assert_eq!(parse(text.as_bytes()).unwrap().to_text(), text);
        assert!(parse(b"{\"a\":").is_none());
        assert!(parse(b"[1] 2").is_none());
    }

    #[test]
    fn the_ids_of_named_and_compact_deals_are_found() {
        let text = concat!(
            r#"{"deals":[{"id":"n-1","stage_id":"s-1"},"#,
            r#"["c-1","p-1","s-2",0,"T","O",[],[],null,null,"","#,
            r#"[],"x","y",["open"],[[null,"s-1","at"],["s-1","s-2","at"]],false,1]]}"#
        );
        let mut doc = parse(text.as_bytes()).unwrap();
        let mut ids = Vec::new();
        doc.each_id(&mut |id| ids.push(id.clone()));
        let expected = ["n-1", "s-1", "c-1", "p-1", "s-2", "s-1", "s-1", "s-2"];
        let expected: Vec<String> = expected.iter().map(|id| format!("\"{id}\"")).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn mutations_of_a_document_still_read_as_documents() {
        let text = br#"{"deal":{"id":"d-1","to":"s-1","minor":5,"notes":"ok"},"list":[1,2]}"#;
        for seed in 0..2000 {
            let mut rng = Rng::new(seed);
            let out = mutate_text(text, &mut rng).unwrap();
            assert!(parse(&out).is_some(), "{}", String::from_utf8_lossy(&out));
        }
    }
}
