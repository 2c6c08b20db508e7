//! Periods of the metrics: whole UTC calendar dates and months. A period is an inclusive
//! range of dates; "this month", "this quarter" and "last 12 months" are whole calendar
//! months, and a custom period is checked before any metric sees it.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use std::fmt;

/// The longest period [`Period::custom`] accepts, in calendar months: a hundred years, far
/// beyond any sales history, and it keeps the per-month forecast a sensible size.
pub const MAX_PERIOD_MONTHS: u32 = 1200;

/// An inclusive range of UTC calendar dates. A period whose start is after its end (which
/// only a hand-built value can be) contains no dates, and every metric treats it as empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeriodError {
    StartAfterEnd,
    TooLong { max_months: u32 },
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The UI shows these through the message catalogue; this text is for logs and tests.
        write!(f, "{self:?}")
    }
}

impl std::error::Error for PeriodError {}

impl Period {
    /// The whole calendar month (UTC) that holds `now`, including the days still to come,
    /// so open deals expected to close later this month are in the forecast.
    pub fn this_month(now: DateTime<Utc>) -> Period {
        let month = YearMonth::of(now.date_naive());
        Period {
            start: month.first_day(),
            end: month.last_day(),
        }
    }

    /// The whole calendar quarter (UTC) that holds `now`: January to March, April to June,
    /// July to September or October to December.
    pub fn this_quarter(now: DateTime<Utc>) -> Period {
        let today = now.date_naive();
        let first_month = (today.month0() / 3) * 3 + 1;
        let first = YearMonth {
            year: today.year(),
            month: first_month,
        };
        let last = YearMonth {
            year: today.year(),
            month: first_month + 2,
        };
        Period {
            start: first.first_day(),
            end: last.last_day(),
        }
    }

    /// Twelve whole calendar months: the month that holds `now` and the eleven before it.
    pub fn last_12_months(now: DateTime<Utc>) -> Period {
        let month = YearMonth::of(now.date_naive());
        let start = month
            .first_day()
            .checked_sub_months(Months::new(11))
            .unwrap_or(NaiveDate::MIN);
        Period {
            start,
            end: month.last_day(),
        }
    }

    /// The period, reaching at least `months_ahead` whole months past the month of `now`
    /// when it holds today: the forecast looks ahead, where the deals expected to close
    /// are. A period entirely in the past (or the future) is left as it is.
    pub fn reaching_ahead(&self, now: DateTime<Utc>, months_ahead: u32) -> Period {
        let today = now.date_naive();
        if !self.contains(today) {
            return *self;
        }
        let ahead = YearMonth::of(today)
            .first_day()
            .checked_add_months(Months::new(months_ahead))
            .map_or(self.end, |first| YearMonth::of(first).last_day());
        Period {
            start: self.start,
            end: self.end.max(ahead),
        }
    }

    /// The calendar quarter after the one that holds `now`.
    pub fn next_quarter(now: DateTime<Utc>) -> Period {
        let this = Period::this_quarter(now);
        let start = this.end.succ_opt().unwrap_or(this.end);
        let end = start
            .checked_add_months(Months::new(3))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        Period { start, end }
    }

    /// A period the user picked. Both dates are included.
    pub fn custom(start: NaiveDate, end: NaiveDate) -> Result<Period, PeriodError> {
        if start > end {
            return Err(PeriodError::StartAfterEnd);
        }
        let period = Period { start, end };
        if period.months_spanned() > u64::from(MAX_PERIOD_MONTHS) {
            return Err(PeriodError::TooLong {
                max_months: MAX_PERIOD_MONTHS,
            });
        }
        Ok(period)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether the UTC calendar date of `at` lies in the period.
    pub fn contains_time(&self, at: DateTime<Utc>) -> bool {
        self.contains(utc_date(at))
    }

    /// How many calendar months the period touches; 0 when the start is after the end.
    fn months_spanned(&self) -> u64 {
        if self.start > self.end {
            return 0;
        }
        let first = YearMonth::of(self.start).ordinal();
        let last = YearMonth::of(self.end).ordinal();
        u64::try_from(last - first + 1).unwrap_or(0)
    }

    /// The calendar months the period overlaps, oldest first, at most [`MAX_PERIOD_MONTHS`]
    /// of them (only a hand-built period can be longer).
    pub fn months(&self) -> Vec<YearMonth> {
        if self.start > self.end {
            return Vec::new();
        }
        let first = YearMonth::of(self.start).ordinal();
        let last = YearMonth::of(self.end).ordinal();
        let last = last.min(first + i64::from(MAX_PERIOD_MONTHS) - 1);
        (first..=last).filter_map(YearMonth::from_ordinal).collect()
    }
}

/// A calendar month: `month` runs from 1 (January) to 12.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The first day of the month; a month outside chrono's range gives its nearest date.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(if self.year < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
    }

    /// The last day of the month (28, 29, 30 or 31).
    pub fn last_day(&self) -> NaiveDate {
        // December of chrono's last year has no following month, so its end is the maximum.
        self.first_day()
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// Months counted from year 0, so neighbouring months differ by one.
    pub(super) fn ordinal(&self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_ordinal(ordinal: i64) -> Option<YearMonth> {
        let year = i32::try_from(ordinal.div_euclid(12)).ok()?;
        let month = u32::try_from(ordinal.rem_euclid(12)).ok()? + 1;
        Some(YearMonth { year, month })
    }
}
/// The UTC calendar date of a time. `naive_utc` skips the offset arithmetic that
/// `date_naive` goes through, which shows in loops over every history entry.
pub(super) fn utc_date(at: DateTime<Utc>) -> NaiveDate {
    at.naive_utc().date()
}
