//! Money as integer minor units plus an ISO 4217 currency code, and the parsing of amounts
//! typed by a person. Nothing here rounds through floating point.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Active ISO 4217 codes with their number of minor-unit digits.
#[rustfmt::skip]
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2),
    ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2),
    ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2),
    ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHF", 2),
    ("CLP", 0), ("CNY", 2), ("COP", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2),
    ("DJF", 0), ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2),
    ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2),
    ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2),
    ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0),
    ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0),
    ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2),
    ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2),
    ("MKD", 2), ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2),
    ("MWK", 2), ("MXN", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2),
    ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2),
    ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2),
    ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2),
    ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2),
    ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2), ("TND", 3),
    ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0),
    ("USD", 2), ("UYU", 2), ("UZS", 2), ("VES", 2), ("VND", 0), ("VUV", 0), ("WST", 2),
    ("XAF", 0), ("XCD", 2), ("XOF", 0), ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2),
    ("ZWL", 2),
];

/// `code`'s entry in [`CURRENCIES`], which is sorted by code (a test checks): every deal
/// read from a backup or from storage looks its currency up.
fn known(code: &str) -> Option<&'static (&'static str, u8)> {
    CURRENCIES
        .binary_search_by(|(known, _)| known.cmp(&code))
        .ok()
        .map(|at| &CURRENCIES[at])
}

/// An ISO 4217 code that is known to be current. Construct it with [`Currency::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCurrency(pub String);

impl fmt::Display for UnknownCurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown currency code \"{}\"", self.0)
    }
}

impl Currency {
    pub fn parse(code: &str) -> Result<Currency, UnknownCurrency> {
        let upper = code.trim().to_ascii_uppercase();
        if known(&upper).is_some() {
            Ok(Currency(upper))
        } else {
            Err(UnknownCurrency(code.to_string()))
        }
    }

    pub fn nok() -> Currency {
        Currency("NOK".into())
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// How many digits follow the decimal separator in this currency (2 for NOK, 0 for JPY).
    pub fn minor_digits(&self) -> u8 {
        known(&self.0).map_or(2, |(_, digits)| *digits)
    }

    /// Every known code, for pickers.
    pub fn all_codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(code, _)| *code)
    }
}

impl TryFrom<String> for Currency {
    type Error = UnknownCurrency;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        // Stored codes must already be canonical; a lower-case code in a file is an error.
        if value.len() == 3 && value.chars().all(|c| c.is_ascii_uppercase()) {
            Currency::parse(&value)
        } else {
            Err(UnknownCurrency(value))
        }
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> String {
        value.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount in minor units (øre, cents) with its currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// The amount scaled by a probability in percent, rounded half away from zero.
    pub fn weighted(&self, probability_pct: u8) -> i64 {
        weighted_minor(self.minor, probability_pct)
    }
}

pub fn weighted_minor(minor: i64, probability_pct: u8) -> i64 {
    let product = i128::from(minor) * i128::from(probability_pct);
    let rounded = (product + 50 * product.signum()) / 100;
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The largest amount accepted, in minor units: ample for any deal, and far below the point
/// where sums of thousands of deals or a JavaScript number would lose precision.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000; // 10^15

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    NotANumber,
    Negative,
    TooManyDecimals { allowed: u8 },
    TooLarge,
}

/// Which character separates decimals when a person types an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalSeparator {
    Comma,
    Point,
}

impl DecimalSeparator {
    /// The separator a person writing `lang` types: a comma in Norwegian, a point in
    /// English, as `Intl.NumberFormat` shows amounts in those languages.
    pub fn for_lang(lang: Lang) -> DecimalSeparator {
        match lang {
            Lang::Nb => DecimalSeparator::Comma,
            Lang::En => DecimalSeparator::Point,
        }
    }
}

/// An amount as typed in a deal form, where an empty field means 0 (a deal whose value is
/// not known yet); anything else must read as an amount.
pub fn parse_amount_or_zero(
    input: &str,
    currency: &Currency,
    separator: DecimalSeparator,
) -> Result<i64, AmountError> {
    if input.trim().is_empty() {
        return Ok(0);
    }
    parse_amount(input, currency, separator)
}

/// Parses an amount typed by a person ("12 500", "12 500,50", "1,250.75") into minor units.
/// Spaces (also non-breaking and thin ones) and the other separator group thousands.
pub fn parse_amount(
    input: &str,
    currency: &Currency,
    separator: DecimalSeparator,
) -> Result<i64, AmountError> {
    let (decimal, grouping) = match separator {
        DecimalSeparator::Comma => (',', '.'),
        DecimalSeparator::Point => ('.', ','),
    };
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != grouping && *c != '\'')
        .collect();
    if cleaned.is_empty() {
        return Err(AmountError::Empty);
    }
    if cleaned.starts_with('-') || cleaned.starts_with('\u{2212}') {
        return Err(AmountError::Negative);
    }
    let mut parts = cleaned.splitn(2, decimal);
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    if whole.is_empty() && fraction.is_empty() {
        return Err(AmountError::NotANumber);
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    let digits = currency.minor_digits();
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > usize::from(digits) {
        return Err(AmountError::TooManyDecimals { allowed: digits });
    }
    let scale = 10_i64.pow(u32::from(digits));
    let whole_value: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| AmountError::TooLarge)?
    };
    let mut fraction_value: i64 = 0;
    if !fraction.is_empty() {
        let padded = format!("{:0<width$}", fraction, width = usize::from(digits));
        fraction_value = padded.parse().map_err(|_| AmountError::NotANumber)?;
    }
    let minor = whole_value
        .checked_mul(scale)
        .and_then(|v| v.checked_add(fraction_value))
        .ok_or(AmountError::TooLarge)?;
    if minor > MAX_MINOR {
        return Err(AmountError::TooLarge);
    }
    Ok(minor)
}

/// Minor units as a plain decimal string for an input field ("12500.5" -> "12500,50" in nb).
pub fn minor_to_input(minor: i64, currency: &Currency, separator: DecimalSeparator) -> String {
    let digits = u32::from(currency.minor_digits());
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10_i64.pow(digits);
    let sep = match separator {
        DecimalSeparator::Comma => ',',
        DecimalSeparator::Point => '.',
    };
    let fraction = (minor % scale).abs();
    if fraction == 0 {
        (minor / scale).to_string()
    } else {
        format!(
            "{}{}{:0width$}",
            minor / scale,
            sep,
            fraction,
            width = digits as usize
        )
    }
}

/// Minor units as a decimal number of major units, for the browser's number formatter.
pub fn minor_to_major_f64(minor: i64, currency: &Currency) -> f64 {
    minor as f64 / 10_f64.powi(i32::from(currency.minor_digits()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_codes_are_sorted_so_a_lookup_can_halve_them() {
        assert!(CURRENCIES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (code, digits) in CURRENCIES {
            assert_eq!(Currency::parse(code).map(|c| c.minor_digits()), Ok(*digits));
        }
        assert!(Currency::parse("XXX").is_err());
        assert_eq!(
            Currency::parse(" nok ").map(|c| c.code().to_string()),
            Ok("NOK".into())
        );
    }

    fn nok() -> Currency {
        Currency::nok()
    }

    #[test]
    fn parses_amounts_as_people_type_them() {
        use DecimalSeparator::*;
        let check = |input: &str, sep, expected: Result<i64, AmountError>| {
            assert_eq!(
                parse_amount(input, &nok(), sep),
                expected,
                "input {input:?}"
            );
        };
        check("12 500", Comma, Ok(1_250_000));
        check("12 500,5", Comma, Ok(1_250_050));
        check("12.500,50", Comma, Ok(1_250_050));
        check("1,250.75", Point, Ok(125_075));
        check("0,01", Comma, Ok(1));
        check("", Comma, Err(AmountError::Empty));
        check("-5", Comma, Err(AmountError::Negative));
        check("abc", Point, Err(AmountError::NotANumber));
        check(
            "1,234",
            Comma,
            Err(AmountError::TooManyDecimals { allowed: 2 }),
        );
        check("99999999999999999999", Point, Err(AmountError::TooLarge));
        assert_eq!(
            parse_amount("1500", &Currency::parse("JPY").unwrap(), Point),
            Ok(1500)
        );
    }

    #[test]
    fn input_text_round_trips() {
        let nok = nok();
        for minor in [0, 1, 10, 1_250_050, 1_250_000] {
            let text = minor_to_input(minor, &nok, DecimalSeparator::Comma);
            assert_eq!(
                parse_amount(&text, &nok, DecimalSeparator::Comma),
                Ok(minor)
            );
        }
    }

    #[test]
    fn currency_codes_are_checked() {
        assert_eq!(Currency::parse("eur").map(|c| c.0), Ok("EUR".to_string()));
        assert!(Currency::parse("XYZ").is_err());
        assert!(Currency::try_from("nok".to_string()).is_err());
    }

    #[test]
    fn weighting_rounds_half_away_from_zero() {
        assert_eq!(weighted_minor(1_000, 25), 250);
        assert_eq!(weighted_minor(5, 50), 3);
        assert_eq!(weighted_minor(i64::MAX, 100), i64::MAX);
    }
}
