//! The message catalogue: every user-facing string, in Norwegian Bokmål (`nb.rs`) and
//! English (`en.rs`). Pure, and it imports nothing from the rest of the crate: the
//! browser's language and a count's plural category are passed in by the UI.

mod en;
mod nb;

use serde::{Deserialize, Serialize};

pub use en::EN;
pub use nb::NB;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nb,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nb, Lang::En];

    /// The code stored in settings and set on `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// The locale handed to the browser's Intl formatters.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Nb => "nb-NO",
            Lang::En => "en-GB",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim() {
            "nb" => Some(Lang::Nb),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from the browser's preferred languages, in order: the first that
    /// is Norwegian (nb, no, nn) or English wins; anything else falls back to English.
    pub fn from_browser_languages<S: AsRef<str>>(languages: &[S]) -> Lang {
        for tag in languages {
            let primary = tag
                .as_ref()
                .split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            match primary.as_str() {
                "nb" | "no" | "nn" => return Lang::Nb,
                "en" => return Lang::En,
                _ => {}
            }
        }
        Lang::En
    }

    fn catalogue(self) -> &'static packed::Packed {
        match self {
            Lang::Nb => &packed::NB_PACKED,
            Lang::En => &packed::EN_PACKED,
        }
    }
}

/// A CLDR plural category, as the browser's `Intl.PluralRules.select` names it. Norwegian
/// Bokmål and English use only `One` and `Other` for whole numbers; the rest are here so a
/// category from the browser always has a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PluralCategory {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl PluralCategory {
    /// The suffix of a message key's variant for this category (`"one"` for `key.one`).
    pub fn suffix(self) -> &'static str {
        match self {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }

    /// The category a CLDR name stands for; anything unknown is `Other`, the category every
    /// language has.
    pub fn from_cldr(name: &str) -> PluralCategory {
        match name {
            "zero" => PluralCategory::Zero,
            "one" => PluralCategory::One,
            "two" => PluralCategory::Two,
            "few" => PluralCategory::Few,
            "many" => PluralCategory::Many,
            _ => PluralCategory::Other,
        }
    }
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    lang.catalogue().get(key)
}

fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut text = text.to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// The message for `key`. A missing key shows itself, so a gap is visible rather than
/// blank; the catalogue tests make sure none is missing.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    lookup(lang, key).unwrap_or(key)
}

/// The message for `key` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &'static str, args: &[(&str, &str)]) -> String {
    fill(t(lang, key), args)
}

/// The variant of a message with a count for the count's plural `category` (which the UI
/// gets from the browser's `Intl.PluralRules`), with placeholders filled in. The catalogue
/// holds such a message as `key.one` and `key.other`; a category the language's variants
/// do not name falls back to `key.other`, and a missing message shows its key.
pub fn plural(
    lang: Lang,
    key: &'static str,
    category: PluralCategory,
    args: &[(&str, &str)],
) -> String {
    let text = lookup(lang, &format!("{key}.{}", category.suffix()))
        .or_else(|| lookup(lang, &format!("{key}.other")))
        .unwrap_or(key);
    fill(text, args)
}

/// The catalogue as the wasm holds it: each language's texts packed, at compile time, into
/// one run of bytes with the end of each text (`[u32]`), and the keys in one list of
/// `&str` (the literals the code passes to `t`), instead of a table of `(&str, &str)` per
/// language, whose 16 bytes of pointers and lengths an entry compress poorly. The keys are
/// held once: both languages have the same keys in the same order (the catalogue tests
/// check it; should they ever differ, nb gets its own list).
mod packed {
    use super::{EN, NB};

    type Table = [(&'static str, &'static str)];

    const fn keys<const N: usize>(table: &Table) -> [&'static str; N] {
        let mut out = [""; N];
        let mut at = 0;
        while at < table.len() {
            out[at] = table[at].0;
            at += 1;
        }
        out
    }

    const fn texts_len(table: &Table) -> usize {
        let (mut n, mut at) = (0, 0);
        while at < table.len() {
            n += table[at].1.len();
            at += 1;
        }
        n
    }

    const fn texts<const N: usize>(table: &Table) -> [u8; N] {
        let mut out = [0; N];
        let (mut n, mut at) = (0, 0);
        while at < table.len() {
            let bytes = table[at].1.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                out[n] = bytes[i];
                n += 1;
                i += 1;
            }
            at += 1;
        }
        out
    }

    const fn text_ends<const N: usize>(table: &Table) -> [u32; N] {
        let mut out = [0; N];
        let (mut n, mut at) = (0, 0);
        while at < table.len() {
            n += table[at].1.len();
            out[at] = n as u32;
            at += 1;
        }
        out
    }

    const fn same_keys(a: &Table, b: &Table) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut at = 0;
        while at < a.len() {
            let (x, y) = (a[at].0.as_bytes(), b[at].0.as_bytes());
            if x.len() != y.len() {
                return false;
            }
            let mut i = 0;
            while i < x.len() {
                if x[i] != y[i] {
                    return false;
                }
                i += 1;
            }
            at += 1;
        }
        true
    }

    /// One language's catalogue: its keys, its texts, the end of each text.
    pub struct Packed {
        keys: &'static [&'static str],
        texts: &'static [u8],
        ends: &'static [u32],
    }

    impl Packed {
        /// The text of the first entry with `key`, as `table.iter().find(..)` would.
        pub fn get(&self, key: &str) -> Option<&'static str> {
            let at = self.keys.iter().position(|k| *k == key)?;
            let from = at.checked_sub(1).map_or(0, |prev| self.ends[prev] as usize);
            let text = self.texts.get(from..*self.ends.get(at)? as usize)?;
            std::str::from_utf8(text).ok()
        }
    }

    static EN_KEYS: [&str; EN.len()] = keys(EN);
    static NB_KEYS: [&str; NB.len()] = keys(NB);
    static EN_TEXTS: [u8; texts_len(EN)] = texts(EN);
    static NB_TEXTS: [u8; texts_len(NB)] = texts(NB);
    static EN_ENDS: [u32; EN.len()] = text_ends(EN);
    static NB_ENDS: [u32; NB.len()] = text_ends(NB);
    const NB_SAME_KEYS: bool = same_keys(NB, EN);

    pub static EN_PACKED: Packed = Packed {
        keys: &EN_KEYS,
        texts: &EN_TEXTS,
        ends: &EN_ENDS,
    };
    pub static NB_PACKED: Packed = Packed {
        keys: if NB_SAME_KEYS { &EN_KEYS } else { &NB_KEYS },
        texts: &NB_TEXTS,
        ends: &NB_ENDS,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_language_picks_norwegian_or_english() {
        assert_eq!(Lang::from_browser_languages(&["nb-NO", "en"]), Lang::Nb);
        assert_eq!(Lang::from_browser_languages(&["nn"]), Lang::Nb);
        assert_eq!(Lang::from_browser_languages(&["de-DE", "no"]), Lang::Nb);
        assert_eq!(Lang::from_browser_languages(&["en-US", "nb"]), Lang::En);
        assert_eq!(Lang::from_browser_languages(&["fr"]), Lang::En);
        assert_eq!(Lang::from_browser_languages::<&str>(&[]), Lang::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            tf(Lang::En, "deal.added", &[("deal", "Call")]),
            "Added “Call”."
        );
    }

    #[test]
    fn a_count_gets_the_variant_of_its_plural_category() {
        let check = |lang, category, expected: &str| {
            let text = plural(lang, "count.deals", category, &[("n", "N")]);
            assert_eq!(text, expected, "{lang:?} {category:?}");
        };
        check(Lang::En, PluralCategory::One, "N deal");
        check(Lang::En, PluralCategory::Other, "N deals");
        check(Lang::Nb, PluralCategory::One, "N avtale");
        check(Lang::Nb, PluralCategory::Other, "N avtaler");
        // A category neither language has falls back to `other`.
        check(Lang::En, PluralCategory::Few, "N deals");
        assert_eq!(
            plural(Lang::En, "no.such.key", PluralCategory::One, &[]),
            "no.such.key"
        );
    }

    #[test]
    fn a_browser_category_name_is_read_and_anything_else_is_other() {
        for category in [
            PluralCategory::Zero,
            PluralCategory::One,
            PluralCategory::Two,
            PluralCategory::Few,
            PluralCategory::Many,
            PluralCategory::Other,
        ] {
            assert_eq!(PluralCategory::from_cldr(category.suffix()), category);
        }
        assert_eq!(PluralCategory::from_cldr("One"), PluralCategory::Other);
        assert_eq!(PluralCategory::from_cldr(""), PluralCategory::Other);
    }
}
