//! Lost reasons: per reason, the deals lost in the period and their value per currency.

use super::period::Period;
use super::prepared::Prepared;
use super::saturate;
use crate::domain::model::DealStatus;
use crate::domain::money::Currency;
use std::collections::BTreeMap;

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

impl Prepared<'_> {
    /// Lost reasons over L: per reason, the count and Σ amount per currency, the most common
    /// reason first (equal counts in alphabetical order). Reasons are taken as stored on the
    /// deals, so a reason removed from the workspace's list still shows.
    pub(super) fn lost_reasons(&self, period: &Period) -> Vec<LostReasonRow> {
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
        crate::domain::sort::sort_stable_by_key(&mut rows, |row| std::cmp::Reverse(row.n_deals));
        rows
    }
}
