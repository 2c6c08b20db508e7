//! Outcomes of closed deals: win rate, average deal size, sales cycle length and the
//! pipeline velocity that combines them.

use super::period::Period;
use super::prepared::{days_between, Prepared};
use super::rate::{Confidence, Rate};
use super::saturate;
use crate::domain::money::Currency;

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

impl Prepared<'_> {
    /// Win rate over the period: |W| / (|W| + |L|); open deals are not in the denominator.
    pub(super) fn win_rate(&self, period: &Period) -> Rate {
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

    /// Average deal size per currency: Σ amount over W / |W|, one row per currency with a
    /// won deal, ordered by currency code. `won_sums` is [`Prepared::won_sums`].
    pub(super) fn average_deal_size(&self, won_sums: &[(usize, i128)]) -> Vec<CurrencyAverage> {
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

    /// Sales cycle length: the mean over W of (won time − created time), in days with
    /// fractions.
    pub(super) fn sales_cycle(&self, period: &Period) -> SalesCycle {
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

    /// Pipeline velocity per currency: (open deals in the currency now × its average deal
    /// size over W × the win rate over T) / the sales cycle length over T, in minor units per
    /// day. Win rate and cycle length count deals, not money, so they are taken over all
    /// currencies; deal count and size are per currency, so no two currencies are ever mixed.
    /// One row per currency that has open deals or deals won in the period, ordered by
    /// currency code.
    pub(super) fn velocity(
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
