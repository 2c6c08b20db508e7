//! Money, date and plural choice through the browser's `Intl` APIs, for the chosen locale.
//! Formatters are costly to build, so each is made once per locale and currency.

use crate::domain::money::minor_to_major_f64;
use crate::domain::Money;
use crate::i18n::{plural, Lang, PluralCategory};
use chrono::NaiveDate;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsValue;

thread_local! {
    static NUMBER_FORMATS: RefCell<HashMap<(Lang, String, bool), js_sys::Intl::NumberFormat>> =
        RefCell::new(HashMap::new());
    static DATE_FORMATS: RefCell<HashMap<Lang, js_sys::Intl::DateTimeFormat>> =
        RefCell::new(HashMap::new());
    static PLURAL_RULES: RefCell<HashMap<Lang, js_sys::Intl::PluralRules>> =
        RefCell::new(HashMap::new());
}

fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object
}

fn locales(lang: Lang) -> js_sys::Array {
    js_sys::Array::of1(&JsValue::from_str(lang.locale()))
}

/// "kr 12 500" or "kr 12 500,50" in nb, "NOK 12,500" or "NOK 12,500.50" in en: whole
/// amounts without decimals, others with all of the currency's decimals.
pub fn money(lang: Lang, amount: &Money) -> String {
    let code = amount.currency.code().to_string();
    let digits = amount.currency.minor_digits();
    let whole = amount.minor % 10_i64.pow(u32::from(digits)) == 0;
    let value = minor_to_major_f64(amount.minor, &amount.currency);
    NUMBER_FORMATS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let formatter = cache.entry((lang, code.clone(), whole)).or_insert_with(|| {
            let shown = if whole { 0 } else { digits }.to_string();
            js_sys::Intl::NumberFormat::new(
                &locales(lang),
                &options(&[
                    ("style", "currency"),
                    ("currency", &code),
                    ("minimumFractionDigits", &shown),
                    ("maximumFractionDigits", &shown),
                ]),
            )
        });
        formatter
            .format()
            .call1(formatter, &JsValue::from_f64(value))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| format!("{code} {}", plain(value)))
    })
}

/// A calendar date in the locale's medium style ("26. nov. 2026", "26 Nov 2026").
pub fn date(lang: Lang, date: NaiveDate) -> String {
    let millis = date
        .and_hms_opt(12, 0, 0)
        .map_or(0.0, |dt| dt.and_utc().timestamp_millis() as f64);
    DATE_FORMATS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let formatter = cache.entry(lang).or_insert_with(|| {
            js_sys::Intl::DateTimeFormat::new(
                &locales(lang),
                &options(&[("dateStyle", "medium"), ("timeZone", "UTC")]),
            )
        });
        let js_date = js_sys::Date::new(&JsValue::from_f64(millis));
        formatter
            .format()
            .call1(formatter, &js_date)
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| date.to_string())
    })
}

thread_local! {
    static MONTH_FORMATS: RefCell<HashMap<Lang, js_sys::Intl::DateTimeFormat>> =
        RefCell::new(HashMap::new());
}

/// A calendar month with its year, short ("Nov 2026" in en, "nov. 2026" in nb).
pub fn month(lang: Lang, month: crate::domain::metrics::YearMonth) -> String {
    let millis = NaiveDate::from_ymd_opt(month.year, month.month, 15)
        .and_then(|date| date.and_hms_opt(12, 0, 0))
        .map_or(0.0, |at| at.and_utc().timestamp_millis() as f64);
    MONTH_FORMATS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let formatter = cache.entry(lang).or_insert_with(|| {
            js_sys::Intl::DateTimeFormat::new(
                &locales(lang),
                &options(&[("month", "short"), ("year", "numeric"), ("timeZone", "UTC")]),
            )
        });
        formatter
            .format()
            .call1(formatter, &js_sys::Date::new(&JsValue::from_f64(millis)))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| format!("{}-{:02}", month.year, month.month))
    })
}

/// A share as a percentage in the locale ("45 %" in nb, "45%" in en), whole percents.
pub fn percent(lang: Lang, share: f64) -> String {
    let formatter = js_sys::Intl::NumberFormat::new(
        &locales(lang),
        &options(&[("style", "percent"), ("maximumFractionDigits", "0")]),
    );
    formatter
        .format()
        .call1(&formatter, &JsValue::from_f64(share))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{} %", fixed(share * 100.0, 0)))
}

/// localStorage room, counted in UTF-16 code units (two bytes each), as megabytes with one
/// decimal, rounded up, in the locale's format ("2.3 MB", "2,3 MB").
pub fn megabytes(lang: Lang, units: usize) -> String {
    let tenths = (units as f64 * 2.0 * 10.0 / 1_000_000.0).ceil();
    format!("{} MB", number(lang, tenths / 10.0))
}

/// A number as JavaScript writes it ("12.5", "720"), for CSS lengths and SVG coordinates:
/// the text Rust's `{}` gives for every value they take (finite, between 1e-6 and 1e21),
/// without linking Rust's float formatting (about 10 KB of wasm).
pub fn plain(value: f64) -> String {
    js_sys::Number::from(value)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// A number with `digits` decimals, as `{:.2}` writes it ("12.50"), through JavaScript's
/// `toFixed` (which rounds an exact tie such as 0.125 up, where Rust rounds it to even).
pub fn fixed(value: f64, digits: u8) -> String {
    js_sys::Number::from(value)
        .to_fixed(digits)
        .map(String::from)
        .unwrap_or_default()
}

/// A plain number in the locale ("12 345" in nb).
pub fn number(lang: Lang, value: f64) -> String {
    js_sys::Number::from(value)
        .to_locale_string(lang.locale())
        .as_string()
        .unwrap_or_else(|| plain(value))
}

/// A number of things, as a message with plural forms counts them.
pub trait Count: Copy {
    fn as_f64(self) -> f64;
}

impl Count for usize {
    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Count for u8 {
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Count for i64 {
    fn as_f64(self) -> f64 {
        self as f64
    }
}

/// The plural category of the count `n` in `lang`, from the browser's `Intl.PluralRules`
/// (1 is "one" in nb and en; 0 and 2 are "other").
pub fn plural_category(lang: Lang, n: impl Count) -> PluralCategory {
    PLURAL_RULES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let rules = cache.entry(lang).or_insert_with(|| {
            js_sys::Intl::PluralRules::new(&locales(lang), &js_sys::Object::new())
        });
        let name: String = rules.select(n.as_f64()).into();
        PluralCategory::from_cldr(&name)
    })
}

/// The message `key` for the count `n` ("1 open deal", "3 open deals"): the variant for
/// the count's plural category, with `{n}` and the other placeholders filled in.
pub fn tn(lang: Lang, key: &'static str, n: impl Count, args: &[(&str, &str)]) -> String {
    // The count as the locale writes numbers ("3 182" in nb, "3,182" in en).
    let count = number(lang, n.as_f64());
    let mut all = Vec::with_capacity(args.len() + 1);
    all.push(("n", count.as_str()));
    all.extend_from_slice(args);
    plural(lang, key, plural_category(lang, n), &all)
}
