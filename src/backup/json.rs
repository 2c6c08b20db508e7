//! The JSON tree an import is read into. It reads as `serde_json::Value` does (serde_json
//! still lexes the text, so its syntax errors, its nesting limit and its numbers are
//! unchanged), but it is built for one walk by the validator: text borrows from the file
//! wherever the file has no escapes, an object is one sorted vector instead of a
//! `BTreeMap` with a `String` per key, and every object or list is allocated once, at its
//! final size. A 10,000-deal backup has some 400,000 values, so this is most of the cost
//! of reading one.

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// A JSON value, as `serde_json::Value` holds it, with text borrowed from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// Exactly the number `serde_json::Value` holds: u64, i64 or f64 as serde_json picks.
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(JsonObject<'a>),
}

/// A JSON object with the semantics of serde_json's `Map` (no `preserve_order`): one
/// field per key, with the last value the file gives it, in key order. The validator
/// depends on both (a repeated key counts once; the first unknown field it reports is the
/// first in key order), so they are kept exactly. Sorted once when built, then searched,
/// so an object with many (or many repeated) keys costs O(n log n), never O(n²).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonObject<'a> {
    /// Sorted by key, keys distinct.
    fields: Vec<Field<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Field<'a> {
    /// The key's first eight bytes, for comparing without reading the key itself.
    prefix: u64,
    key: Cow<'a, str>,
    value: Json<'a>,
}

/// Objects up to this many fields are searched from the start: every object a backup has.
const LINEAR_SEARCH_MAX: usize = 32;

/// The first eight bytes of `key`, big-endian, zero-padded. Comparing these orders keys
/// as their bytes do, except that keys equal in them need [`cmp_keys`]' second look.
fn prefix_of(key: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = key.len().min(8);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// Byte order of keys, as `String`'s `Ord` (and so `BTreeMap`) has it. Keys of at most 8
/// bytes with the same prefix differ only in length (the shorter is a start of the
/// longer), so only longer keys are ever compared byte by byte.
fn cmp_keys(a_prefix: u64, a: &str, b_prefix: u64, b: &str) -> Ordering {
    a_prefix.cmp(&b_prefix).then_with(|| {
        if a.len() <= 8 && b.len() <= 8 {
            a.len().cmp(&b.len())
        } else {
            a.cmp(b)
        }
    })
}

impl<'a> Json<'a> {
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&JsonObject<'a>> {
        match self {
            Json::Object(object) => Some(object),
            _ => None,
        }
    }
}

impl<'a> JsonObject<'a> {
    /// The object of these fields, given in file order: a repeated key keeps its last
    /// value, as `serde_json::Map` does.
    fn from_fields(mut fields: Vec<Field<'a>>) -> JsonObject<'a> {
        // Stable: equal keys stay in file order, so the last of each run is the file's last.
        fields.sort_by(|a, b| cmp_keys(a.prefix, &a.key, b.prefix, &b.key));
        // `dedup_by` keeps the first of a run; moving each later value into the kept field
        // keeps the last value instead.
        fields.dedup_by(|later, kept| {
            let same = later.prefix == kept.prefix && later.key == kept.key;
            if same {
                std::mem::swap(&mut later.value, &mut kept.value);
            }
            same
        });
        JsonObject { fields }
    }

    fn search(&self, key: &str) -> Result<usize, usize> {
        let prefix = prefix_of(key);
        let order = |field: &Field<'_>| cmp_keys(field.prefix, &field.key, prefix, key);
        if self.fields.len() > LINEAR_SEARCH_MAX {
            return self.fields.binary_search_by(order);
        }
        // The first search in an object reads it from memory, which is cold by then: a
        // scan asks for its cache lines in parallel, a binary search one after the other.
        for (i, field) in self.fields.iter().enumerate() {
            match order(field) {
                Ordering::Less => {}
                Ordering::Equal => return Ok(i),
                Ordering::Greater => return Err(i),
            }
        }
        Err(self.fields.len())
    }

    /// Where `key` is in key order, if the object has it.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.search(key).ok()
    }

    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.position(key).map(|i| &self.fields[i].value)
    }

    /// The key and value at `index` in key order.
    pub fn field(&self, index: usize) -> Option<(&str, &Json<'a>)> {
        self.fields
            .get(index)
            .map(|field| (field.key.as_ref(), &field.value))
    }

    /// Sets a field, as `serde_json::Map::insert` does; for migration steps.
    pub fn insert(&mut self, key: Cow<'a, str>, value: Json<'a>) -> Option<Json<'a>> {
        match self.search(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.fields[i].value, value)),
            Err(i) => {
                let prefix = prefix_of(&key);
                self.fields.insert(i, Field { prefix, key, value });
                None
            }
        }
    }

    /// The fields in key order, as `serde_json::Map::iter` gives them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> + '_ {
        self.fields
            .iter()
            .map(|field| (field.key.as_ref(), &field.value))
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// Read as `serde_json::Value` reads: the visitor below mirrors its visitor call for call,
/// so the same tokens are consumed and every error is serde_json's own.
impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json<'de>, D::Error> {
        let mut scratch = Scratch::default();
        JsonSeed {
            scratch: &mut scratch,
        }
        .deserialize(deserializer)
    }
}

/// Where the items of the lists and objects being read are gathered, one stack for the
/// whole document: each list or object, when it ends, moves its own items (the top of the
/// stack) into a vector of exactly their number.
#[derive(Default)]
struct Scratch<'de> {
    items: Vec<Json<'de>>,
    fields: Vec<Field<'de>>,
}

struct JsonSeed<'s, 'de> {
    scratch: &'s mut Scratch<'de>,
}

impl<'de> DeserializeSeed<'de> for JsonSeed<'_, 'de> {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed<'_, 'de> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Json<'de>, E> {
        // As `Value`: a float with no JSON form is null (serde_json's parser never gives one).
        Ok(Number::from_f64(value).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E>(self, value: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(value)))
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let start = self.scratch.items.len();
        while let Some(item) = seq.next_element_seed(JsonSeed {
            scratch: &mut *self.scratch,
        })? {
            self.scratch.items.push(item);
        }
        Ok(Json::Array(self.scratch.items.drain(start..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let start = self.scratch.fields.len();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(JsonSeed {
                scratch: &mut *self.scratch,
            })?;
            let prefix = prefix_of(&key);
            self.scratch.fields.push(Field { prefix, key, value });
        }
        let fields = self.scratch.fields.drain(start..).collect();
        Ok(Json::Object(JsonObject::from_fields(fields)))
    }
}

/// An object's key, borrowed from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(value))
    }
}
