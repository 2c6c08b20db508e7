//! How the insight view writes its figures: every number, amount and month through `Intl`,
//! and the shared "too few deals" wording.

use crate::domain::metrics::{Confidence, Rate};
use crate::domain::{Currency, Money};
use crate::i18n::{t, tf, Lang};
use crate::ui::intl;
use leptos::prelude::*;

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Days with at most one decimal, in the locale ("12,5" in nb).
pub fn days_number(lang: Lang, days: f64) -> String {
    intl::number(lang, round1(days))
}

/// A share from 0 to 1 as a percentage number with at most one decimal ("33,3").
pub fn percent_number(lang: Lang, share: f64) -> String {
    intl::number(lang, round1(share * 100.0))
}

pub fn count(lang: Lang, n: usize) -> String {
    intl::number(lang, n as f64)
}

/// Money from a fractional number of minor units (an average, a rate per day).
pub fn money_from_f64(lang: Lang, minor: f64, currency: &Currency) -> String {
    intl::money(lang, &Money::new(minor.round() as i64, currency.clone()))
}

pub fn money(lang: Lang, minor: i64, currency: &Currency) -> String {
    intl::money(lang, &Money::new(minor, currency.clone()))
}

/// What a figure resting on `n` deals can honestly say when there are too few of them;
/// `None` when there are enough to show the figure.
pub fn not_enough_text(lang: Lang, confidence: Confidence, n: usize) -> Option<String> {
    match confidence {
        Confidence::NoData => Some(t(lang, "insights.no_data").to_string()),
        Confidence::TooFew => Some(tf(lang, "insights.too_few", &[("n", &count(lang, n))])),
        Confidence::Enough => None,
    }
}

/// "60 % (n = 5)", or why there is no figure to show.
pub fn rate_text(lang: Lang, rate: &Rate) -> String {
    if let Some(text) = not_enough_text(lang, rate.confidence(), rate.n) {
        return text;
    }
    match rate.value() {
        Some(share) => tf(
            lang,
            "insights.rate",
            &[
                ("pct", &percent_number(lang, share)),
                ("n", &count(lang, rate.n)),
            ],
        ),
        None => t(lang, "insights.no_data").to_string(),
    }
}

/// A table with a caption, column headers and rows, scrolling sideways on small screens.
pub fn data_table(
    lang: Lang,
    caption_key: &'static str,
    header_keys: &[&'static str],
    rows: impl IntoView + 'static,
) -> impl IntoView {
    let headers = header_keys
        .iter()
        .map(|key| view! { <th scope="col">{t(lang, key)}</th> })
        .collect_view();
    // The scroll box is a region with the table's name and takes focus, so a keyboard can
    // scroll a table wider than the screen (WCAG 2.1.1).
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=t(lang, caption_key)>
            <table class="insight-table">
                <caption>{t(lang, caption_key)}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
