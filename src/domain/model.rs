//! The workspace and what it holds: pipelines, their stages, deals and their histories.
//! These are plain data; the rules that change them live in `ops.rs`.

use super::money::{Currency, Money};
use crate::domain::sort::sort_stable_by;
use crate::i18n::{t, Lang};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use super::ids::{DealId, DealRef, PipelineId, PipelineRef, StageId, StageRef};

/// Everything a user has: the unit that is stored, exported and imported.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    pub pipelines: Vec<Pipeline>,
    pub deals: Vec<Deal>,
    /// The editable list a lost deal's reason is chosen from.
    pub lost_reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    pub id: PipelineId,
    pub name: String,
    /// The currency a new deal in this pipeline starts with.
    pub currency: Currency,
    /// The stages in board order, left to right.
    pub stages: Vec<Stage>,
    #[serde(with = "instant")]
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    /// What happens in this stage, shown where the user works it.
    pub guidance: String,
    /// Win probability in percent, 0 to 100.
    pub probability: u8,
    /// A deal that has sat here longer than this, with no activity, is stale.
    pub rot_days: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextStep {
    pub text: String,
    pub due: Option<NaiveDate>,
}

/// Won and lost are outcomes, not stages: a closed deal keeps the stage it closed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum DealStatus {
    Open,
    Won {
        #[serde(with = "instant")]
        at: DateTime<Utc>,
    },
    Lost {
        #[serde(with = "instant")]
        at: DateTime<Utc>,
        reason: String,
        note: String,
    },
}

impl DealStatus {
    pub fn is_open(&self) -> bool {
        matches!(self, DealStatus::Open)
    }
}

/// One entry into a stage. `from` is `None` for the stage a deal was created in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageChange {
    pub from: Option<StageId>,
    pub to: StageId,
    #[serde(with = "instant")]
    pub at: DateTime<Utc>,
}

/// Storage keeps a deal as an array of these fields in this order (`storage::codec::
/// compact`), read back by this derived `Deserialize`: the order of the fields, here and in
/// the types they hold, is part of the stored format. A new field goes last, with
/// `#[serde(default)]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deal {
    pub id: DealId,
    pub pipeline_id: PipelineId,
    pub stage_id: StageId,
    /// Order within the stage's column: lower comes first.
    pub rank: i64,
    pub title: String,
    pub organisation: String,
    pub contact: Contact,
    pub amount: Money,
    pub expected_close: Option<NaiveDate>,
    /// Overrides the stage's probability when set.
    pub probability: Option<u8>,
    pub notes: String,
    pub next_step: NextStep,
    #[serde(with = "instant")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "instant")]
    pub updated_at: DateTime<Utc>,
    pub status: DealStatus,
    /// Every entry into a stage, oldest first; the last entry is the current stage.
    pub history: Vec<StageChange>,
    /// Sample deals come from "Try it with sample deals" and can be removed in one step.
    #[serde(default)]
    pub sample: bool,
    /// Bumped on every change, so storage can tell which deals to write and whether another
    /// tab changed a deal since this tab last saw it.
    pub rev: u64,
}

impl Deal {
    /// Every stage id the deal names: its current stage, then its history's, oldest first.
    /// History keeps the ids of stages that have since been removed.
    pub fn named_stages(&self) -> impl Iterator<Item = &StageId> {
        std::iter::once(&self.stage_id).chain(
            self.history
                .iter()
                .flat_map(|change| change.from.iter().chain(std::iter::once(&change.to))),
        )
    }

    /// When the deal entered its current stage.
    pub fn entered_stage_at(&self) -> DateTime<Utc> {
        self.history
            .iter()
            .rev()
            .find(|change| change.to == self.stage_id)
            .map_or(self.created_at, |change| change.at)
    }

    /// The probability that applies: the deal's own, or else its stage's.
    pub fn effective_probability(&self, stage: &Stage) -> u8 {
        self.probability.unwrap_or(stage.probability)
    }

    /// Whole days the deal has sat in its current stage at `now`.
    pub fn days_in_stage(&self, now: DateTime<Utc>) -> i64 {
        (now - self.entered_stage_at()).num_days().max(0)
    }

    /// Stale (rotting): open, and with no stage entry or other change for longer than the
    /// stage's rot days, compared as elapsed time: idle 10 days and 1 hour with rot days 10
    /// is stale, exactly 10 days is not. Rot days 0 means never stale.
    pub fn is_stale(&self, stage: &Stage, now: DateTime<Utc>) -> bool {
        if !self.status.is_open() || stage.rot_days == 0 {
            return false;
        }
        let last_touch = self.entered_stage_at().max(self.updated_at);
        now - last_touch > chrono::Duration::days(i64::from(stage.rot_days))
    }

    /// Overdue: open, with an expected close date before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.expected_close.is_some_and(|date| date < today)
    }

    /// True when the search text matches title, organisation or contact, ignoring case.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return true;
        }
        [
            &self.title,
            &self.organisation,
            &self.contact.name,
            &self.contact.email,
            &self.contact.phone,
        ]
        .iter()
        .any(|field| field.to_lowercase().contains(&query))
    }
}

impl Workspace {
    pub fn pipeline(&self, id: &(impl PipelineRef + ?Sized)) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.id == id)
    }

    /// Every stage id in use, in file order: the pipelines' stages, then every stage a deal
    /// names. A new stage must not take any of them.
    pub fn named_stages(&self) -> impl Iterator<Item = &StageId> {
        self.pipelines
            .iter()
            .flat_map(|p| p.stages.iter().map(|s| &s.id))
            .chain(self.deals.iter().flat_map(Deal::named_stages))
    }

    pub fn deal(&self, id: &(impl DealRef + ?Sized)) -> Option<&Deal> {
        self.deals.iter().find(|d| d.id == id)
    }

    pub fn deals_in_pipeline<'a>(
        &'a self,
        pipeline_id: &'a (impl PipelineRef + ?Sized),
    ) -> impl Iterator<Item = &'a Deal> {
        self.deals
            .iter()
            .filter(move |d| d.pipeline_id == pipeline_id)
    }

    /// The open deals of a stage in column order.
    pub fn open_deals_in_stage(
        &self,
        pipeline_id: &(impl PipelineRef + ?Sized),
        stage_id: &(impl StageRef + ?Sized),
    ) -> Vec<&Deal> {
        let mut deals: Vec<&Deal> = self
            .deals
            .iter()
            .filter(|d| {
                d.pipeline_id == pipeline_id && d.stage_id == stage_id && d.status.is_open()
            })
            .collect();
        sort_stable_by(&mut deals, |a, b| {
            a.rank.cmp(&b.rank).then_with(|| a.id.cmp(&b.id))
        });
        deals
    }
}

impl Pipeline {
    pub fn stage(&self, id: &(impl StageRef + ?Sized)) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn stage_index(&self, id: &(impl StageRef + ?Sized)) -> Option<usize> {
        self.stages.iter().position(|s| s.id == id)
    }
}

/// The lost reasons a new workspace starts with, in the user's language.
pub fn default_lost_reasons(lang: Lang) -> Vec<String> {
    [
        "lost.default_price",
        "lost.default_competitor",
        "lost.default_no_need",
        "lost.default_no_response",
        "lost.default_other",
    ]
    .into_iter()
    .map(|key| t(lang, key).to_string())
    .collect()
}

/// Reading stored and imported instants: the form this app writes ("2026-11-30T09:15:00.123Z",
/// UTC, 0–9 fraction digits) is read directly; anything else goes to chrono, as before, so
/// what is accepted, and every error, is chrono's. Written as chrono writes it.
pub mod instant {
    use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
    use serde::de::{self, Deserializer, Visitor};
    use serde::{Serialize, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 30];
        match write_utc(at, &mut buf) {
            Some(text) => serializer.serialize_str(text),
            None => at.serialize(serializer),
        }
    }

    /// `at` as chrono writes it ("2026-11-30T09:15:00.123Z": 0, 3, 6 or 9 fraction digits,
    /// as many as it needs), for years 0–9999 and no leap second; `None` leaves the rest to
    /// chrono. Saving and exporting write thousands of instants; chrono's goes through
    /// `fmt` and is the slower part of encoding a deal.
    pub fn write_utc<'a>(at: &DateTime<Utc>, buf: &'a mut [u8; 30]) -> Option<&'a str> {
        use chrono::{Datelike, Timelike};
        let year = u32::try_from(at.year()).ok().filter(|y| *y <= 9999)?;
        let nanos = at.nanosecond();
        if nanos >= 1_000_000_000 {
            return None;
        }
        let (fraction, digits) = match nanos {
            0 => (0, 0),
            n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
            n if n % 1_000 == 0 => (n / 1_000, 6),
            n => (n, 9),
        };
        let mut len = 0;
        let mut put = |value: u32, digits: u32, after: u8| {
            for i in (0..digits).rev() {
                buf[len] = b'0' + ((value / 10u32.pow(i)) % 10) as u8;
                len += 1;
            }
            buf[len] = after;
            len += 1;
        };
        put(year, 4, b'-');
        put(at.month(), 2, b'-');
        put(at.day(), 2, b'T');
        put(at.hour(), 2, b':');
        put(at.minute(), 2, b':');
        if digits == 0 {
            put(at.second(), 2, b'Z');
        } else {
            put(at.second(), 2, b'.');
            put(fraction, digits, b'Z');
        }
        std::str::from_utf8(&buf[..len]).ok()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        deserializer.deserialize_str(InstantVisitor)
    }

    struct InstantVisitor;

    impl Visitor<'_> for InstantVisitor {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date and time")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
            if let Some(at) = parse_utc(text) {
                return Ok(at);
            }
            text.parse::<DateTime<FixedOffset>>()
                .map(|at| at.with_timezone(&Utc))
                .map_err(E::custom)
        }
    }

    /// "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z", or `None` for chrono to judge.
    pub fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
        let b = text.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<u32> {
            b[from..to].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
        let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
        let rest = &b[19..];
        let (nanos, rest) = match rest.first() {
            Some(b'.') => {
                let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 || digits > 9 {
                    return None;
                }
                let mut nanos = num(20, 20 + digits)?;
                for _ in digits..9 {
                    nanos *= 10;
                }
                (nanos, &rest[1 + digits..])
            }
            _ => (0, rest),
        };
        if rest != b"Z" || second > 59 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        let time = date.and_hms_nano_opt(hour, minute, second, nanos)?;
        Some(time.and_utc())
    }
}
