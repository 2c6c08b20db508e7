//! Pipeline metrics as defined in shared/design/metrics.md. Pure functions over the
//! workspace and a "now"; nothing reads the clock or the time zone.
//!
//! Every date a metric compares is the UTC calendar date of a time, so the figures do not
//! depend on the machine that computes them. Amounts are summed per currency in `i128` and
//! saturate into `i64` on the way out, so no data can make a sum overflow, and amounts in
//! different currencies are never added together.
//!
//! Which deals each metric counts, with T the chosen [`Period`]:
//!
//! - W and L are the deals of the pipeline won or lost with their close date in T.
//! - Forecast: W by close date, plus open deals by expected close date in T.
//! - Funnel: the cohort of deals created in T, with their whole history up to now.
//! - Time in stage: the visits whose exit (the next stage change) falls in T.
//! - Win rate, average deal size, sales cycle, lost reasons, probability check: W and L.
//! - Velocity: the open deals now, with the average deal size, win rate and cycle over T.
//! - Deals needing attention: the open deals now; the period does not apply.

use super::model::{Deal, DealId, DealStatus, Pipeline, StageId, Workspace};
use super::money::{weighted_minor, Currency};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// Rates and averages resting on fewer deals than this are flagged as too few to mean much,
/// so the UI can say so instead of showing a confident figure.
pub const MIN_DEALS_FOR_CONFIDENCE: usize = 5;

/// The longest period [`Period::custom`] accepts, in calendar months: a hundred years, far
/// beyond any sales history, and it keeps the per-month forecast a sensible size.
pub const MAX_PERIOD_MONTHS: u32 = 1200;

const MILLISECONDS_PER_DAY: f64 = 86_400_000.0;

// ---------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------

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
    fn ordinal(&self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_ordinal(ordinal: i64) -> Option<YearMonth> {
        let year = i32::try_from(ordinal.div_euclid(12)).ok()?;
        let month = u32::try_from(ordinal.rem_euclid(12)).ok()? + 1;
        Some(YearMonth { year, month })
    }
}

// ---------------------------------------------------------------------------------------
// Rates and confidence
// ---------------------------------------------------------------------------------------

/// How much a figure can be trusted, judged by the number of deals it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// No deals at all: there is no figure to show.
    NoData,
    /// Fewer than [`MIN_DEALS_FOR_CONFIDENCE`] deals: show it, but say it means little.
    TooFew,
    Enough,
}

impl Confidence {
    pub fn from_n(n: usize) -> Confidence {
        if n == 0 {
            Confidence::NoData
        } else if n < MIN_DEALS_FOR_CONFIDENCE {
            Confidence::TooFew
        } else {
            Confidence::Enough
        }
    }

    pub fn enough(self) -> bool {
        self == Confidence::Enough
    }
}

/// A share `hits / n` kept as its two counts, so the UI can always show n beside it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rate {
    pub hits: usize,
    pub n: usize,
}

impl Rate {
    /// The share from 0.0 to 1.0; `None` when it rests on no deals at all.
    pub fn value(&self) -> Option<f64> {
        if self.n == 0 {
            None
        } else {
            Some(self.hits as f64 / self.n as f64)
        }
    }

    pub fn percent(&self) -> Option<f64> {
        self.value().map(|share| share * 100.0)
    }

    pub fn confidence(&self) -> Confidence {
        Confidence::from_n(self.n)
    }

    pub fn enough(&self) -> bool {
        self.confidence().enough()
    }
}

// ---------------------------------------------------------------------------------------
// The prepared pipeline: stage indices and resolved histories, computed once
// ---------------------------------------------------------------------------------------

/// One history entry with its stage resolved to an index in the pipeline's current order
/// (`None` for a stage that has since been removed), and its time as milliseconds since
/// 1970 and as a UTC date, both worked out once.
#[derive(Clone, Copy, Debug)]
struct Entry {
    stage: Option<usize>,
    at_ms: i64,
    date: NaiveDate,
}

/// How and when a closed deal closed.
#[derive(Clone, Copy, Debug)]
struct Closed {
    at_ms: i64,
    date: NaiveDate,
    won: bool,
}

/// A deal of the pipeline with what the metrics ask of it resolved once: stage and currency
/// as indices, dates as UTC dates, and where its entries sit in the shared arena.
struct PreparedDeal<'a> {
    deal: &'a Deal,
    /// The current stage's index, `None` when that stage was removed.
    stage: Option<usize>,
    /// Index into `Prepared::currencies`.
    currency: usize,
    created: NaiveDate,
    created_ms: i64,
    closed: Option<Closed>,
    amount_minor: i64,
    expected_close: Option<NaiveDate>,
    /// The probability that weights the deal while open: its own, else its stage's, else
    /// (its stage was removed) zero, since there is no stage left to take one from.
    probability: u8,
    entries_start: usize,
    entries_end: usize,
}

/// FNV-1a, for the stage map of a pipeline with very many stages: far cheaper than SipHash
/// on short keys, and the map holds only the pipeline's own stage ids.
struct ShortKeyHasher(u64);

impl Default for ShortKeyHasher {
    fn default() -> ShortKeyHasher {
        ShortKeyHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for ShortKeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type StageMap<'a> = HashMap<&'a str, usize, BuildHasherDefault<ShortKeyHasher>>;

/// Above this many stages, stage ids are looked up through a hash map instead of a scan.
const MAX_STAGES_FOR_SCAN: usize = 32;

/// Stage id to index in the pipeline's current order, asked once per history entry. A
/// pipeline has a handful of stages, so a short scan that compares length and first byte
/// (random ids nearly always differ there) and the whole id only on a match beats hashing
/// every id; a very long stage list uses a map instead.
struct StageLookup<'a> {
    scan: Vec<(usize, Option<u8>, &'a str)>,
    map: Option<StageMap<'a>>,
}

impl<'a> StageLookup<'a> {
    fn new(pipeline: &'a Pipeline) -> StageLookup<'a> {
        if pipeline.stages.len() > MAX_STAGES_FOR_SCAN {
            let mut map = StageMap::default();
            for (index, stage) in pipeline.stages.iter().enumerate() {
                // The first of two stages sharing an id wins, as `Pipeline::stage_index` does.
                map.entry(stage.id.as_str()).or_insert(index);
            }
            StageLookup {
                scan: Vec::new(),
                map: Some(map),
            }
        } else {
            StageLookup {
                scan: pipeline
                    .stages
                    .iter()
                    .map(|stage| {
                        let id = stage.id.as_str();
                        (id.len(), id.as_bytes().first().copied(), id)
                    })
                    .collect(),
                map: None,
            }
        }
    }

    /// `None` for an id that is not a stage of the pipeline (any more).
    fn index_of(&self, id: &str) -> Option<usize> {
        if let Some(map) = &self.map {
            return map.get(id).copied();
        }
        let length = id.len();
        let first = id.as_bytes().first().copied();
        // `position` finds the first match, so the first of two equal ids wins here too.
        self.scan
            .iter()
            .position(|(stage_length, stage_first, stage_id)| {
                *stage_length == length && *stage_first == first && *stage_id == id
            })
    }
}

/// The UTC calendar date of a time. `naive_utc` skips the offset arithmetic that
/// `date_naive` goes through, which shows in loops over every history entry.
fn utc_date(at: DateTime<Utc>) -> NaiveDate {
    at.naive_utc().date()
}

/// The pipeline's deals with every stage id and currency turned into an index and every
/// date worked out once, so the metrics neither compare strings nor convert times inside
/// their loops.
struct Prepared<'a> {
    pipeline: &'a Pipeline,
    deals: Vec<PreparedDeal<'a>>,
    entries: Vec<Entry>,
    /// Every currency of the pipeline's deals, in order of first appearance.
    currencies: Vec<&'a Currency>,
    /// Indices into `currencies` ordered by currency code, the order every output uses.
    currency_order: Vec<usize>,
}

impl<'a> Prepared<'a> {
    fn new(ws: &'a Workspace, pipeline: &'a Pipeline) -> Prepared<'a> {
        let stage_lookup = StageLookup::new(pipeline);
        let pipeline_deals: Vec<&Deal> = ws
            .deals
            .iter()
            .filter(|d| d.pipeline_id == pipeline.id)
            .collect();
        // Sized up front: the arena is the largest allocation here, and growing it by
        // doubling would copy it several times over.
        let n_entries: usize = pipeline_deals.iter().map(|d| d.history.len().max(1)).sum();
        let mut entries = Vec::with_capacity(n_entries);
        let mut deals = Vec::with_capacity(pipeline_deals.len());
        let mut currencies: Vec<&Currency> = Vec::new();
        let mut last_currency: Option<(&Currency, usize)> = None;
        for deal in pipeline_deals {
            let entries_start = entries.len();
            if deal.history.is_empty() {
                // A deal always records the stage it was created in; should that be missing,
                // treat the deal as having entered its current stage when it was created.
                entries.push(Entry {
                    stage: stage_lookup.index_of(&deal.stage_id),
                    at_ms: deal.created_at.timestamp_millis(),
                    date: utc_date(deal.created_at),
                });
            } else {
                entries.extend(deal.history.iter().map(|change| Entry {
                    stage: stage_lookup.index_of(&change.to),
                    at_ms: change.at.timestamp_millis(),
                    date: utc_date(change.at),
                }));
            }
            // The current stage is nearly always the last entry's, already looked up.
            let stage = match deal.history.last() {
                Some(change) if change.to == deal.stage_id => {
                    entries.last().and_then(|entry| entry.stage)
                }
                _ => stage_lookup.index_of(&deal.stage_id),
            };
            // Neighbouring deals mostly share a currency, so try the last one first.
            let currency = match last_currency {
                Some((currency, index)) if *currency == deal.amount.currency => index,
                _ => {
                    let index = currencies
                        .iter()
                        .position(|known| **known == deal.amount.currency)
                        .unwrap_or_else(|| {
                            currencies.push(&deal.amount.currency);
                            currencies.len() - 1
                        });
                    last_currency = Some((&deal.amount.currency, index));
                    index
                }
            };
            let closed = match deal.status {
                DealStatus::Open => None,
                DealStatus::Won { at } => Some(Closed {
                    at_ms: at.timestamp_millis(),
                    date: utc_date(at),
                    won: true,
                }),
                DealStatus::Lost { at, .. } => Some(Closed {
                    at_ms: at.timestamp_millis(),
                    date: utc_date(at),
                    won: false,
                }),
            };
            let stage_probability = stage
                .and_then(|index| pipeline.stages.get(index))
                .map_or(0, |stage| stage.probability);
            deals.push(PreparedDeal {
                deal,
                stage,
                currency,
                created: utc_date(deal.created_at),
                created_ms: deal.created_at.timestamp_millis(),
                closed,
                amount_minor: deal.amount.minor,
                expected_close: deal.expected_close,
                probability: deal.probability.unwrap_or(stage_probability).min(100),
                entries_start,
                entries_end: entries.len(),
            });
        }
        let mut currency_order: Vec<usize> = (0..currencies.len()).collect();
        currency_order.sort_by_key(|index| currencies.get(*index).copied());
        Prepared {
            pipeline,
            deals,
            entries,
            currencies,
            currency_order,
        }
    }

    fn entries_of(&self, prepared: &PreparedDeal<'_>) -> &[Entry] {
        self.entries
            .get(prepared.entries_start..prepared.entries_end)
            .unwrap_or(&[])
    }

    fn n_stages(&self) -> usize {
        self.pipeline.stages.len()
    }

    /// The currencies in code order, each with its index into per-currency tallies.
    fn currencies_in_order(&self) -> impl Iterator<Item = (usize, &'a Currency)> + '_ {
        self.currency_order.iter().filter_map(|index| {
            self.currencies
                .get(*index)
                .map(|currency| (*index, *currency))
        })
    }

    /// Count and Σ amount of the deals won in the period, per currency index.
    fn won_sums(&self, period: &Period) -> Vec<(usize, i128)> {
        let mut sums = vec![(0usize, 0i128); self.currencies.len()];
        for prepared in &self.deals {
            if !prepared
                .closed
                .is_some_and(|closed| closed.won && period.contains(closed.date))
            {
                continue;
            }
            if let Some(sum) = sums.get_mut(prepared.currency) {
                sum.0 += 1;
                sum.1 += i128::from(prepared.amount_minor);
            }
        }
        sums
    }
}

fn saturate(sum: i128) -> i64 {
    i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX })
}

/// Days from one time to another, both in milliseconds since 1970, with fractions. The
/// subtraction saturates, so no pair of times, however far apart, can overflow it.
fn days_between(from_ms: i64, to_ms: i64) -> f64 {
    to_ms.saturating_sub(from_ms) as f64 / MILLISECONDS_PER_DAY
}

// ---------------------------------------------------------------------------------------
// Forecast by month
// ---------------------------------------------------------------------------------------

/// One bar of the forecast: a month and a currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastRow {
    pub month: YearMonth,
    pub currency: Currency,
    /// Σ amount of the deals won with their close date in this month (and in the period).
    pub won_minor: i64,
    /// Σ amount × effective probability of the open deals expected to close in this month.
    pub weighted_open_minor: i64,
    pub n_won: usize,
    pub n_open: usize,
}

#[derive(Clone, Copy, Default)]
struct ForecastCell {
    won: i128,
    weighted_open: i128,
    n_won: usize,
    n_open: usize,
}

impl<'a> Prepared<'a> {
    fn forecast_by_month(&self, period: &Period) -> Vec<ForecastRow> {
        let months = period.months();
        let Some(first) = months.first().map(YearMonth::ordinal) else {
            return Vec::new();
        };
        let slot = |date: NaiveDate| -> Option<usize> {
            if !period.contains(date) {
                return None;
            }
            let index = usize::try_from(YearMonth::of(date).ordinal() - first).ok()?;
            (index < months.len()).then_some(index)
        };
        // Per currency index, a cell per month; a currency gets its cells on first use.
        let mut cells: Vec<Option<Vec<ForecastCell>>> = vec![None; self.currencies.len()];
        for prepared in &self.deals {
            let (index, won) = match prepared.closed {
                Some(Closed {
                    won: true, date, ..
                }) => (slot(date), true),
                Some(Closed { won: false, .. }) => continue,
                None => (prepared.expected_close.and_then(slot), false),
            };
            let Some(index) = index else { continue };
            let Some(row) = cells.get_mut(prepared.currency) else {
                continue;
            };
            let Some(cell) = row
                .get_or_insert_with(|| vec![ForecastCell::default(); months.len()])
                .get_mut(index)
            else {
                continue;
            };
            if won {
                cell.won += i128::from(prepared.amount_minor);
                cell.n_won += 1;
            } else {
                let weighted = weighted_minor(prepared.amount_minor, prepared.probability);
                cell.weighted_open += i128::from(weighted);
                cell.n_open += 1;
            }
        }
        let mut columns: Vec<(&Currency, &[ForecastCell])> = self
            .currencies_in_order()
            .filter_map(|(index, currency)| {
                cells
                    .get(index)
                    .and_then(Option::as_deref)
                    .map(|row| (currency, row))
            })
            .collect();
        // A month with nothing in it still gets its bar, so the chart keeps its time axis;
        // with no deals at all, the pipeline's own currency labels the empty bars.
        let empty = vec![ForecastCell::default(); months.len()];
        if columns.is_empty() {
            columns.push((&self.pipeline.currency, &empty));
        }
        let mut rows = Vec::with_capacity(months.len() * columns.len());
        for (index, month) in months.iter().enumerate() {
            for (currency, row) in &columns {
                let cell = row.get(index).copied().unwrap_or_default();
                rows.push(ForecastRow {
                    month: *month,
                    currency: (*currency).clone(),
                    won_minor: saturate(cell.won),
                    weighted_open_minor: saturate(cell.weighted_open),
                    n_won: cell.n_won,
                    n_open: cell.n_open,
                });
            }
        }
        rows
    }

    fn open_deals_without_expected_close(&self) -> usize {
        self.deals
            .iter()
            .filter(|p| p.closed.is_none() && p.expected_close.is_none())
            .count()
    }
}

/// The forecast per calendar month of the period and per currency: Σ amount of the deals
/// won with their close date in the month, plus Σ amount × effective probability of the open
/// deals whose expected close date is in the month. Only dates inside the period count, so
/// the first and last month of a custom period may be partial.
///
/// Every month of the period gets a row for every currency that has any figure in the
/// period (or, with none, for the pipeline's currency), ordered by month and then currency
/// code. Open deals without an expected close date are not in the forecast; see
/// [`Insights::open_deals_without_expected_close`]. An open deal whose stage was removed
/// is weighted by its own probability, or zero without one.
pub fn forecast_by_month(ws: &Workspace, pipeline: &Pipeline, period: Period) -> Vec<ForecastRow> {
    Prepared::new(ws, pipeline).forecast_by_month(&period)
}

// ---------------------------------------------------------------------------------------
// Funnel
// ---------------------------------------------------------------------------------------

/// One stage of the funnel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageFunnel {
    pub stage_id: StageId,
    /// Deals of the cohort with a history entry into this stage, each counted once.
    pub n_entered: usize,
    /// Of those, the deals that later entered a later stage or were won.
    pub n_went_on: usize,
    /// Of those, the deals that were won.
    pub n_won: usize,
    /// `n_went_on / n_entered`: the stage conversion of metrics.md. "Next" means any later
    /// stage, since a deal may skip stages.
    pub conversion_to_next: Rate,
    /// `n_won / n_entered`.
    pub conversion_to_won: Rate,
}

impl<'a> Prepared<'a> {
    fn funnel(&self, period: &Period) -> Vec<StageFunnel> {
        let n_stages = self.n_stages();
        let mut entered = vec![0usize; n_stages];
        let mut went_on = vec![0usize; n_stages];
        let mut won_counts = vec![0usize; n_stages];
        // Reused across deals: the position of the deal's first entry into each stage, and the
        // highest stage index entered after each position (so "later entered a later stage"
        // is one comparison, not a search).
        let mut first_entry: Vec<Option<usize>> = vec![None; n_stages];
        let mut touched: Vec<usize> = Vec::new();
        let mut highest_after: Vec<Option<usize>> = Vec::new();
        for prepared in &self.deals {
            if !period.contains(prepared.created) {
                continue;
            }
            let entries = self.entries_of(prepared);
            let won = prepared.closed.is_some_and(|closed| closed.won);
            highest_after.clear();
            highest_after.resize(entries.len(), None);
            let mut highest: Option<usize> = None;
            for (position, entry) in entries.iter().enumerate().rev() {
                highest_after[position] = highest;
                highest = highest.max(entry.stage);
            }
            for (position, entry) in entries.iter().enumerate() {
                let Some(stage) = entry.stage else { continue };
                if let Some(slot) = first_entry.get_mut(stage) {
                    if slot.is_none() {
                        *slot = Some(position);
                        touched.push(stage);
                    }
                }
            }
            for &stage in &touched {
                let Some(position) = first_entry.get_mut(stage).and_then(Option::take) else {
                    continue;
                };
                entered[stage] += 1;
                // A later entry into a later stage counts from the first entry on, so a deal
                // that stepped back and forward again still went on; a step back alone does
                // not, since a lower index never exceeds this stage's.
                let later_stage = highest_after
                    .get(position)
                    .copied()
                    .flatten()
                    .is_some_and(|later| later > stage);
                if later_stage || won {
                    went_on[stage] += 1;
                }
                if won {
                    won_counts[stage] += 1;
                }
            }
            touched.clear();
        }
        self.pipeline
            .stages
            .iter()
            .enumerate()
            .map(|(index, stage)| StageFunnel {
                stage_id: stage.id.clone(),
                n_entered: entered[index],
                n_went_on: went_on[index],
                n_won: won_counts[index],
                conversion_to_next: Rate {
                    hits: went_on[index],
                    n: entered[index],
                },
                conversion_to_won: Rate {
                    hits: won_counts[index],
                    n: entered[index],
                },
            })
            .collect()
    }
}

/// The funnel: per stage of the pipeline, in board order, how many deals entered it, how
/// many went on, and the conversions to the next stage and to won.
///
/// Which deals: the cohort of the pipeline's deals created in the period (UTC date of
/// `created_at`), open or closed, with their whole history up to now. A deal entered a stage
/// when its history has an entry with `to` equal to that stage (the entry it was created
/// with included); it is counted once however often it re-entered. Stages a deal jumped over
/// were not entered. The deal went on from a stage when, after its first entry into it, it
/// entered a stage further right in the pipeline's current order, or when it was won; moving
/// back left is not going on. History entries into stages that have since been removed are
/// ignored, and stage order is always the current one.
pub fn funnel(ws: &Workspace, pipeline: &Pipeline, period: Period) -> Vec<StageFunnel> {
    Prepared::new(ws, pipeline).funnel(&period)
}

// ---------------------------------------------------------------------------------------
// Time in stage
// ---------------------------------------------------------------------------------------

/// Days spent in one stage by the deals that left it in the period.
#[derive(Clone, Debug, PartialEq)]
pub struct StageTime {
    pub stage_id: StageId,
    /// Deals with at least one visit to the stage that ended in the period.
    pub n_deals: usize,
    pub median_days: Option<f64>,
    pub mean_days: Option<f64>,
}

impl StageTime {
    pub fn confidence(&self) -> Confidence {
        Confidence::from_n(self.n_deals)
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    // Selection rather than a full sort: linear time, and the median is all that is needed.
    let odd = values.len() % 2 == 1;
    let middle = values.len() / 2;
    let (below, upper, _) = values.select_nth_unstable_by(middle, f64::total_cmp);
    let upper = *upper;
    if odd {
        return Some(upper);
    }
    // With an even count the lower middle value is the largest of those below the upper.
    let lower = below.iter().copied().max_by(f64::total_cmp)?;
    Some((lower + upper) / 2.0)
}

fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

impl<'a> Prepared<'a> {
    fn time_in_stage(&self, period: &Period) -> Vec<StageTime> {
        let n_stages = self.n_stages();
        // Room for an even share of the deals per stage, so most pushes need no regrowth.
        let share = self.deals.len() / n_stages.max(1) + 1;
        let mut per_stage: Vec<Vec<f64>> = vec![Vec::with_capacity(share); n_stages];
        // Reused across deals: each stage's summed days for the current deal.
        let mut deal_days: Vec<Option<f64>> = vec![None; n_stages];
        let mut touched: Vec<usize> = Vec::new();
        for prepared in &self.deals {
            let entries = self.entries_of(prepared);
            for pair in entries.windows(2) {
                let [visit, next] = pair else { continue };
                let Some(stage) = visit.stage else { continue };
                if !period.contains(next.date) {
                    continue;
                }
                // A history out of time order would give a negative stay; count it as none
                // rather than let it pull the figures below zero.
                let days = days_between(visit.at_ms, next.at_ms).max(0.0);
                if let Some(slot) = deal_days.get_mut(stage) {
                    match slot {
                        Some(sum) => *sum += days,
                        None => {
                            *slot = Some(days);
                            touched.push(stage);
                        }
                    }
                }
            }
            for &stage in &touched {
                if let (Some(days), Some(values)) = (
                    deal_days.get_mut(stage).and_then(Option::take),
                    per_stage.get_mut(stage),
                ) {
                    values.push(days);
                }
            }
            touched.clear();
        }
        self.pipeline
            .stages
            .iter()
            .zip(per_stage.iter_mut())
            .map(|(stage, values)| StageTime {
                stage_id: stage.id.clone(),
                n_deals: values.len(),
                mean_days: mean(values),
                median_days: median(values),
            })
            .collect()
    }
}

/// Time in stage, per stage of the pipeline in board order.
///
/// A visit to a stage starts at the history entry into it and ends at the deal's next
/// history entry, whatever stage that goes to (a removed one included). Winning or losing
/// is not a stage change, so a closed deal's last visit, like an open deal's current one,
/// has not ended and does not count: the deal has not left that stage. A visit counts when
/// its end falls in the period (UTC date); a deal's days in a stage are the sum of its
/// counted visits there (re-entries add up), and the stage's median and mean are taken over
/// the deals with at least one counted visit, `n_deals` of them.
pub fn time_in_stage(ws: &Workspace, pipeline: &Pipeline, period: Period) -> Vec<StageTime> {
    Prepared::new(ws, pipeline).time_in_stage(&period)
}

/// The bottleneck: the stage with the largest median days, the earlier stage on a tie;
/// `None` when no stage has a deal that left it.
pub fn bottleneck(times: &[StageTime]) -> Option<StageId> {
    let mut slowest: Option<(&StageTime, f64)> = None;
    for time in times {
        let Some(median_days) = time.median_days.filter(|_| time.n_deals >= 1) else {
            continue;
        };
        // Strictly greater, so a tie keeps the earlier stage.
        if slowest.is_none_or(|(_, best)| median_days > best) {
            slowest = Some((time, median_days));
        }
    }
    slowest.map(|(time, _)| time.stage_id.clone())
}

// ---------------------------------------------------------------------------------------
// Win rate, deal size, sales cycle, velocity
// ---------------------------------------------------------------------------------------

/// Σ amount and the average over the deals won in the period, for one currency.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrencyAverage {
    pub currency: Currency,
    pub n_won: usize,
    pub total_won_minor: i64,
    /// Σ amount / n_won in minor units; not rounded, so velocity does not compound rounding.
    pub average_minor: f64,
}

impl CurrencyAverage {
    pub fn confidence(&self) -> Confidence {
        Confidence::from_n(self.n_won)
    }
}

/// The mean days from creation to winning over the deals won in the period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SalesCycle {
    pub n_won: usize,
    pub mean_days: Option<f64>,
}

impl SalesCycle {
    pub fn confidence(&self) -> Confidence {
        Confidence::from_n(self.n_won)
    }
}

/// Pipeline velocity for one currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Velocity {
    pub currency: Currency,
    /// Open deals in this currency now.
    pub n_open: usize,
    /// Deals in this currency won in the period, which the average deal size rests on.
    pub n_won: usize,
    pub average_deal_minor: Option<f64>,
    /// Money per day in minor units; `None` when a factor is missing (no deals won in this
    /// currency, no closed deals, or a cycle of zero days).
    pub per_day_minor: Option<f64>,
    /// Judged by the smaller of the win rate's n and this currency's won deals.
    pub confidence: Confidence,
}

impl<'a> Prepared<'a> {
    fn win_rate(&self, period: &Period) -> Rate {
        let mut rate = Rate::default();
        for closed in self.deals.iter().filter_map(|p| p.closed) {
            if period.contains(closed.date) {
                rate.n += 1;
                if closed.won {
                    rate.hits += 1;
                }
            }
        }
        rate
    }

    fn average_deal_size(&self, won_sums: &[(usize, i128)]) -> Vec<CurrencyAverage> {
        self.currencies_in_order()
            .filter_map(|(index, currency)| {
                let (n_won, total) = won_sums.get(index).copied()?;
                // Only currencies with a won deal get a row, so the division is by at least one.
                (n_won > 0).then(|| CurrencyAverage {
                    currency: currency.clone(),
                    n_won,
                    total_won_minor: saturate(total),
                    average_minor: total as f64 / n_won as f64,
                })
            })
            .collect()
    }

    fn sales_cycle(&self, period: &Period) -> SalesCycle {
        let mut n_won = 0usize;
        let mut total_days = 0.0;
        for prepared in &self.deals {
            let Some(closed) = prepared.closed else {
                continue;
            };
            if closed.won && period.contains(closed.date) {
                n_won += 1;
                // Won before created can only be damaged data; count it as a zero-day cycle
                // rather than let it shorten the others.
                total_days += days_between(prepared.created_ms, closed.at_ms).max(0.0);
            }
        }
        SalesCycle {
            n_won,
            mean_days: (n_won > 0).then(|| total_days / n_won as f64),
        }
    }

    fn velocity(
        &self,
        win_rate: &Rate,
        won_sums: &[(usize, i128)],
        cycle: &SalesCycle,
    ) -> Vec<Velocity> {
        let mut n_open = vec![0usize; self.currencies.len()];
        for prepared in self.deals.iter().filter(|p| p.closed.is_none()) {
            if let Some(count) = n_open.get_mut(prepared.currency) {
                *count += 1;
            }
        }
        self.currencies_in_order()
            .filter_map(|(index, currency)| {
                let n_open = n_open.get(index).copied().unwrap_or(0);
                let (n_won, total) = won_sums.get(index).copied().unwrap_or((0, 0));
                if n_open == 0 && n_won == 0 {
                    // A currency seen only on lost deals or outside the period has no row.
                    return None;
                }
                let average_deal_minor = (n_won > 0).then(|| total as f64 / n_won as f64);
                let per_day_minor = match (average_deal_minor, win_rate.value(), cycle.mean_days) {
                    (Some(average), Some(rate), Some(days)) => {
                        velocity_per_day(n_open, average, rate, days)
                    }
                    _ => None,
                };
                Some(Velocity {
                    currency: currency.clone(),
                    n_open,
                    n_won,
                    average_deal_minor,
                    per_day_minor,
                    confidence: Confidence::from_n(win_rate.n.min(n_won)),
                })
            })
            .collect()
    }
}

/// Win rate over the period: |W| / (|W| + |L|); open deals are not in the denominator.
pub fn win_rate(ws: &Workspace, pipeline: &Pipeline, period: Period) -> Rate {
    Prepared::new(ws, pipeline).win_rate(&period)
}

/// Average deal size per currency: Σ amount over W / |W|, one row per currency with a won
/// deal, ordered by currency code.
pub fn average_deal_size(
    ws: &Workspace,
    pipeline: &Pipeline,
    period: Period,
) -> Vec<CurrencyAverage> {
    let prepared = Prepared::new(ws, pipeline);
    prepared.average_deal_size(&prepared.won_sums(&period))
}

/// Sales cycle length: the mean over W of (won time − created time), in days with fractions.
pub fn sales_cycle_length(ws: &Workspace, pipeline: &Pipeline, period: Period) -> SalesCycle {
    Prepared::new(ws, pipeline).sales_cycle(&period)
}

/// Pipeline velocity per currency: (open deals in the currency now × its average deal size
/// over W × the win rate over T) / the sales cycle length over T, in minor units per day.
/// Win rate and cycle length count deals, not money, so they are taken over all currencies;
/// deal count and size are per currency, so no two currencies are ever mixed. One row per
/// currency that has open deals or deals won in the period, ordered by currency code.
pub fn pipeline_velocity(ws: &Workspace, pipeline: &Pipeline, period: Period) -> Vec<Velocity> {
    let prepared = Prepared::new(ws, pipeline);
    let rate = prepared.win_rate(&period);
    let won_sums = prepared.won_sums(&period);
    let cycle = prepared.sales_cycle(&period);
    prepared.velocity(&rate, &won_sums, &cycle)
}

/// The velocity formula of metrics.md: n_open × average deal × win rate / cycle days.
/// `None` when the cycle is not a positive number of days or the result is not finite.
pub fn velocity_per_day(
    n_open: usize,
    average_deal_minor: f64,
    win_rate: f64,
    cycle_days: f64,
) -> Option<f64> {
    if !(cycle_days > 0.0 && cycle_days.is_finite()) {
        return None;
    }
    let per_day = n_open as f64 * average_deal_minor * win_rate / cycle_days;
    per_day.is_finite().then_some(per_day)
}

// ---------------------------------------------------------------------------------------
// Lost reasons
// ---------------------------------------------------------------------------------------

/// Count and Σ amount of deals in one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrencySum {
    pub currency: Currency,
    pub n_deals: usize,
    pub total_minor: i64,
}

/// One lost reason: how many deals of L carry it, and their value per currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostReasonRow {
    pub reason: String,
    pub n_deals: usize,
    /// Ordered by currency code.
    pub per_currency: Vec<CurrencySum>,
}

impl<'a> Prepared<'a> {
    fn lost_reasons(&self, period: &Period) -> Vec<LostReasonRow> {
        // Per reason, a count and sum per currency index; the map keeps reasons in order.
        let mut reasons: BTreeMap<&str, Vec<(usize, i128)>> = BTreeMap::new();
        for prepared in &self.deals {
            let deal = prepared.deal;
            let DealStatus::Lost { reason, .. } = &deal.status else {
                continue;
            };
            if !prepared
                .closed
                .is_some_and(|closed| period.contains(closed.date))
            {
                continue;
            }
            let sums = reasons
                .entry(reason.as_str())
                .or_insert_with(|| vec![(0, 0); self.currencies.len()]);
            if let Some(sum) = sums.get_mut(prepared.currency) {
                sum.0 += 1;
                sum.1 += i128::from(prepared.amount_minor);
            }
        }
        let mut rows: Vec<LostReasonRow> = reasons
            .into_iter()
            .map(|(reason, sums)| {
                let per_currency: Vec<CurrencySum> = self
                    .currencies_in_order()
                    .filter_map(|(index, currency)| {
                        let (n_deals, total) = sums.get(index).copied()?;
                        (n_deals > 0).then(|| CurrencySum {
                            currency: currency.clone(),
                            n_deals,
                            total_minor: saturate(total),
                        })
                    })
                    .collect();
                LostReasonRow {
                    reason: reason.to_string(),
                    n_deals: per_currency.iter().map(|sum| sum.n_deals).sum(),
                    per_currency,
                }
            })
            .collect();
        // The most common reason first; the stable sort keeps equal counts in reason order.
        rows.sort_by_key(|row| std::cmp::Reverse(row.n_deals));
        rows
    }
}

/// Lost reasons over L: per reason, the count and Σ amount per currency, the most common
/// reason first (equal counts in alphabetical order). Reasons are taken as stored on the
/// deals, so a reason removed from the workspace's list still shows.
pub fn lost_reasons(ws: &Workspace, pipeline: &Pipeline, period: Period) -> Vec<LostReasonRow> {
    Prepared::new(ws, pipeline).lost_reasons(&period)
}

// ---------------------------------------------------------------------------------------
// Deals needing attention
// ---------------------------------------------------------------------------------------

/// Why an open deal needs attention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttentionReason {
    /// Stale per its stage's rule ([`Deal::is_stale`]); `days_idle` is the whole days since
    /// it entered its stage or last changed, whichever is later.
    Stale { days_idle: i64, rot_days: u32 },
    /// The next step has no text.
    NextStepMissing,
    /// The next step was due before today.
    NextStepOverdue { due: NaiveDate },
    /// The expected close date is before today.
    ExpectedCloseInPast { expected_close: NaiveDate },
    /// The deal's stage is no longer in the pipeline, so it shows in no column.
    StageRemoved,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttentionDeal {
    pub deal_id: DealId,
    pub reasons: Vec<AttentionReason>,
}

impl<'a> Prepared<'a> {
    fn deals_needing_attention(&self, now: DateTime<Utc>) -> Vec<AttentionDeal> {
        let today = utc_date(now);
        let mut found: Vec<(Option<usize>, i64, &str, Vec<AttentionReason>)> = Vec::new();
        for prepared in self.deals.iter().filter(|p| p.closed.is_none()) {
            let deal = prepared.deal;
            let mut reasons = Vec::new();
            match prepared
                .stage
                .and_then(|index| self.pipeline.stages.get(index))
            {
                Some(stage) => {
                    if deal.is_stale(stage, now) {
                        let last_touch = deal.entered_stage_at().max(deal.updated_at);
                        reasons.push(AttentionReason::Stale {
                            days_idle: (now - last_touch).num_days(),
                            rot_days: stage.rot_days,
                        });
                    }
                }
                None => reasons.push(AttentionReason::StageRemoved),
            }
            if deal.next_step.text.trim().is_empty() {
                reasons.push(AttentionReason::NextStepMissing);
            }
            if let Some(due) = deal.next_step.due.filter(|due| *due < today) {
                reasons.push(AttentionReason::NextStepOverdue { due });
            }
            if let Some(expected_close) = deal.expected_close.filter(|date| *date < today) {
                reasons.push(AttentionReason::ExpectedCloseInPast { expected_close });
            }
            if !reasons.is_empty() {
                found.push((prepared.stage, deal.rank, deal.id.as_str(), reasons));
            }
        }
        // Board order: by stage left to right, then column order; removed stages last.
        // The id settles ties, so the order is total and an unstable sort is deterministic.
        found.sort_unstable_by(|a, b| {
            (a.0.unwrap_or(usize::MAX), a.1)
                .cmp(&(b.0.unwrap_or(usize::MAX), b.1))
                .then_with(|| a.2.cmp(b.2))
        });
        found
            .into_iter()
            .map(|(_, _, deal_id, reasons)| AttentionDeal {
                deal_id: deal_id.to_string(),
                reasons,
            })
            .collect()
    }
}

/// The open deals of the pipeline that need attention now, with every reason that applies:
/// stale per the stage's rule, next step missing (empty text) or overdue (due before
/// today), expected close date before today, or a stage that was removed. "Today" is the
/// UTC date of `now`. Deals are in board order; the period does not apply, since these are
/// about the deals as they stand.
pub fn deals_needing_attention(
    ws: &Workspace,
    pipeline: &Pipeline,
    now: DateTime<Utc>,
) -> Vec<AttentionDeal> {
    Prepared::new(ws, pipeline).deals_needing_attention(now)
}

// ---------------------------------------------------------------------------------------
// Probability check
// ---------------------------------------------------------------------------------------

/// A stage's set probability beside how often the deals that passed through it were won.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageProbabilityCheck {
    pub stage_id: StageId,
    /// The probability set on the stage, in percent.
    pub set_probability: u8,
    /// Won among the deals of W ∪ L that ever entered the stage; n is those deals.
    pub won_share: Rate,
}

impl<'a> Prepared<'a> {
    fn probability_check(&self, period: &Period) -> Vec<StageProbabilityCheck> {
        let n_stages = self.n_stages();
        let mut closed = vec![0usize; n_stages];
        let mut won_counts = vec![0usize; n_stages];
        // Reused across deals, so a deal that entered a stage twice is counted once.
        let mut seen = vec![false; n_stages];
        let mut touched: Vec<usize> = Vec::new();
        for prepared in &self.deals {
            let Some(Closed { date, won, .. }) = prepared.closed else {
                continue;
            };
            if !period.contains(date) {
                continue;
            }
            for entry in self.entries_of(prepared) {
                let Some(stage) = entry.stage else { continue };
                if let Some(flag) = seen.get_mut(stage) {
                    if !*flag {
                        *flag = true;
                        touched.push(stage);
                    }
                }
            }
            for &stage in &touched {
                seen[stage] = false;
                closed[stage] += 1;
                if won {
                    won_counts[stage] += 1;
                }
            }
            touched.clear();
        }
        self.pipeline
            .stages
            .iter()
            .enumerate()
            .map(|(index, stage)| StageProbabilityCheck {
                stage_id: stage.id.clone(),
                set_probability: stage.probability,
                won_share: Rate {
                    hits: won_counts[index],
                    n: closed[index],
                },
            })
            .collect()
    }
}

/// The probability check, per stage in board order: the probability set on the stage beside
/// won / (won + lost) among the deals of W ∪ L (closed in the period) whose history has an
/// entry into that stage. Deals that skipped a stage are not in its n.
pub fn probability_check(
    ws: &Workspace,
    pipeline: &Pipeline,
    period: Period,
) -> Vec<StageProbabilityCheck> {
    Prepared::new(ws, pipeline).probability_check(&period)
}

// ---------------------------------------------------------------------------------------
// Everything at once
// ---------------------------------------------------------------------------------------

/// Every figure of the insight view for one pipeline and period.
#[derive(Clone, Debug, PartialEq)]
pub struct Insights {
    pub pipeline_id: String,
    pub period: Period,
    pub now: DateTime<Utc>,
    pub forecast: Vec<ForecastRow>,
    /// Open deals the forecast cannot place, for lack of an expected close date.
    pub open_deals_without_expected_close: usize,
    pub funnel: Vec<StageFunnel>,
    pub time_in_stage: Vec<StageTime>,
    pub bottleneck: Option<StageId>,
    pub win_rate: Rate,
    pub average_deal_size: Vec<CurrencyAverage>,
    pub sales_cycle: SalesCycle,
    pub velocity: Vec<Velocity>,
    pub lost_reasons: Vec<LostReasonRow>,
    pub attention: Vec<AttentionDeal>,
    pub probability_check: Vec<StageProbabilityCheck>,
}

/// All insight figures for a pipeline, with the same definitions as the single functions
/// above. The stage index map and resolved histories are built once and shared, and each
/// figure is one linear pass over the pipeline's deals. `None` when there is no pipeline
/// with that id.
pub fn insights(
    ws: &Workspace,
    pipeline_id: &str,
    period: Period,
    now: DateTime<Utc>,
) -> Option<Insights> {
    let pipeline = ws.pipeline(pipeline_id)?;
    let prepared = Prepared::new(ws, pipeline);
    let time_in_stage = prepared.time_in_stage(&period);
    let win_rate = prepared.win_rate(&period);
    let won_sums = prepared.won_sums(&period);
    let average_deal_size = prepared.average_deal_size(&won_sums);
    let sales_cycle = prepared.sales_cycle(&period);
    let velocity = prepared.velocity(&win_rate, &won_sums, &sales_cycle);
    Some(Insights {
        pipeline_id: pipeline.id.clone(),
        period,
        now,
        forecast: prepared.forecast_by_month(&period),
        open_deals_without_expected_close: prepared.open_deals_without_expected_close(),
        funnel: prepared.funnel(&period),
        bottleneck: bottleneck(&time_in_stage),
        time_in_stage,
        win_rate,
        average_deal_size,
        sales_cycle,
        velocity,
        lost_reasons: prepared.lost_reasons(&period),
        attention: prepared.deals_needing_attention(now),
        probability_check: prepared.probability_check(&period),
    })
}
