//! The message catalogue: every user-facing string, in Norwegian Bokmål (`nb.rs`) and
//! English (`en.rs`). Pure, and it imports nothing from the rest of the crate: the
//! browser's language is passed in by the UI.

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

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::Nb => NB,
            Lang::En => EN,
        }
    }
}

/// The message for `key`. A missing key shows itself, so a gap is visible rather than
/// blank; the catalogue tests make sure none is missing.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    lang.table()
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, text)| text)
}

/// The message for `key` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &'static str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
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
        assert_eq!(tf(Lang::En, "deals.count", &[("n", "3")]), "3 deals");
    }
}
