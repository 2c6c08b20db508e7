//! The period picker of the insight view: three ready-made periods and a custom one typed
//! as two dates, and what makes a custom period unusable.

use crate::domain::metrics::{Period, PeriodError};
use chrono::{DateTime, NaiveDate, Utc};

/// The periods the insight view offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodChoice {
    ThisMonth,
    ThisQuarter,
    Last12Months,
    Custom,
}

impl PeriodChoice {
    /// In the order the picker lists them.
    pub const ALL: [PeriodChoice; 4] = [
        PeriodChoice::ThisMonth,
        PeriodChoice::ThisQuarter,
        PeriodChoice::Last12Months,
        PeriodChoice::Custom,
    ];

    /// The value of the choice's `<option>`, stable across languages.
    pub fn value(self) -> &'static str {
        match self {
            PeriodChoice::ThisMonth => "month",
            PeriodChoice::ThisQuarter => "quarter",
            PeriodChoice::Last12Months => "last-12-months",
            PeriodChoice::Custom => "custom",
        }
    }

    pub fn from_value(value: &str) -> Option<PeriodChoice> {
        PeriodChoice::ALL
            .into_iter()
            .find(|choice| choice.value() == value)
    }
}

/// Why a custom period cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodProblem {
    /// A date field is empty or not a date.
    Missing,
    StartAfterEnd,
    TooLong {
        max_months: u32,
    },
}

impl From<PeriodError> for PeriodProblem {
    fn from(err: PeriodError) -> PeriodProblem {
        match err {
            PeriodError::StartAfterEnd => PeriodProblem::StartAfterEnd,
            PeriodError::TooLong { max_months } => PeriodProblem::TooLong { max_months },
        }
    }
}

/// What the period picker holds: the choice, and the two date fields as the browser gives
/// them (`<input type="date">` values such as "2026-11-26", empty when nothing is chosen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodForm {
    pub choice: PeriodChoice,
    pub from: String,
    pub to: String,
}

impl PeriodForm {
    /// The last 12 months, which hold a year of history; the custom dates start as the same
    /// months.
    pub fn new(now: DateTime<Utc>) -> PeriodForm {
        let period = Period::last_12_months(now);
        PeriodForm {
            choice: PeriodChoice::Last12Months,
            from: input_date(period.start),
            to: input_date(period.end),
        }
    }

    /// The chosen period as of `now`, or why the custom dates do not make one.
    pub fn period(&self, now: DateTime<Utc>) -> Result<Period, PeriodProblem> {
        match self.choice {
            PeriodChoice::ThisMonth => Ok(Period::this_month(now)),
            PeriodChoice::ThisQuarter => Ok(Period::this_quarter(now)),
            PeriodChoice::Last12Months => Ok(Period::last_12_months(now)),
            PeriodChoice::Custom => {
                match (parse_input_date(&self.from), parse_input_date(&self.to)) {
                    (Some(start), Some(end)) => {
                        Period::custom(start, end).map_err(PeriodProblem::from)
                    }
                    _ => Err(PeriodProblem::Missing),
                }
            }
        }
    }

    /// Switches to `next`. A custom period starts from the one on screen, so the dates are a
    /// small edit away; a period that cannot be used leaves the typed dates as they are.
    pub fn choose(&mut self, next: PeriodChoice, now: DateTime<Utc>) {
        if next == PeriodChoice::Custom {
            if let Ok(current) = self.period(now) {
                self.from = input_date(current.start);
                self.to = input_date(current.end);
            }
        }
        self.choice = next;
    }
}

/// A date as an `<input type="date">` value: "2026-11-26".
pub fn input_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_input_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}
