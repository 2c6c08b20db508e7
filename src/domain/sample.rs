//! Sample deals that make a new pipeline look lived-in: mixed amounts, close dates, stage
//! histories, some won and some lost. They are marked `sample` and removed in one step.

use super::model::*;
use super::money::Money;
use super::ops::RANK_STEP;
use crate::i18n::{t, Lang};
use chrono::{DateTime, Duration, Utc};

struct SampleSpec {
    title_nb: &'static str,
    title_en: &'static str,
    organisation: &'static str,
    contact: &'static str,
    /// In major units of the pipeline's currency.
    amount_major: i64,
    /// Index of the furthest stage reached (clamped to the pipeline's stages).
    stage_index: usize,
    created_days_ago: i64,
    /// Days spent in each stage before moving on.
    days_per_stage: i64,
    close_in_days: i64,
    outcome: Outcome,
}

#[derive(Clone, Copy)]
enum Outcome {
    Open,
    Won,
    Lost(usize),
}

const SAMPLES: &[SampleSpec] = &[
    SampleSpec {
        title_nb: "Årslisens, 25 brukere",
        title_en: "Annual licence, 25 seats",
        organisation: "Fjordkraft Teknologi AS",
        contact: "Ingrid Solberg",
        amount_major: 180_000,
        stage_index: 0,
        created_days_ago: 3,
        days_per_stage: 3,
        close_in_days: 60,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Pilotprosjekt",
        title_en: "Pilot project",
        organisation: "Nordlys Logistikk",
        contact: "Ola Nordmann",
        amount_major: 45_000,
        stage_index: 0,
        created_days_ago: 20,
        days_per_stage: 20,
        close_in_days: 45,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Rammeavtale 2027",
        title_en: "Framework agreement 2027",
        organisation: "Bergen Bygg AS",
        contact: "Kari Hansen",
        amount_major: 420_000,
        stage_index: 1,
        created_days_ago: 18,
        days_per_stage: 9,
        close_in_days: 75,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Oppgradering til Pro",
        title_en: "Upgrade to Pro",
        organisation: "Trondheim Tannhelse",
        contact: "Per Berg",
        amount_major: 24_000,
        stage_index: 1,
        created_days_ago: 40,
        days_per_stage: 20,
        close_in_days: -5,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Integrasjon mot ERP",
        title_en: "ERP integration",
        organisation: "Vestland Sjømat",
        contact: "Nina Lie",
        amount_major: 150_000,
        stage_index: 2,
        created_days_ago: 30,
        days_per_stage: 10,
        close_in_days: 30,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Opplæringspakke",
        title_en: "Training package",
        organisation: "Oslo Kommune, Bydel Frogner",
        contact: "Jonas Dahl",
        amount_major: 60_000,
        stage_index: 2,
        created_days_ago: 70,
        days_per_stage: 25,
        close_in_days: 10,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Flerårig avtale",
        title_en: "Multi-year agreement",
        organisation: "Stavanger Energi",
        contact: "Emma Strand",
        amount_major: 950_000,
        stage_index: 3,
        created_days_ago: 55,
        days_per_stage: 14,
        close_in_days: 14,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Utvidelse, 10 brukere",
        title_en: "Expansion, 10 seats",
        organisation: "Tromsø Turisme",
        contact: "Lars Moen",
        amount_major: 36_000,
        stage_index: 4,
        created_days_ago: 45,
        days_per_stage: 9,
        close_in_days: 5,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Nettbutikk-lansering",
        title_en: "Web shop launch",
        organisation: "Kystmat AS",
        contact: "Sofie Aas",
        amount_major: 210_000,
        stage_index: 5,
        created_days_ago: 35,
        days_per_stage: 6,
        close_in_days: 20,
        outcome: Outcome::Open,
    },
    SampleSpec {
        title_nb: "Lisens, 50 brukere",
        title_en: "Licence, 50 seats",
        organisation: "Drammen Dataservice",
        contact: "Henrik Bakke",
        amount_major: 300_000,
        stage_index: 4,
        created_days_ago: 90,
        days_per_stage: 15,
        close_in_days: -20,
        outcome: Outcome::Won,
    },
    SampleSpec {
        title_nb: "Workshop og rådgivning",
        title_en: "Workshop and advice",
        organisation: "Lillehammer Hotell",
        contact: "Maja Eide",
        amount_major: 75_000,
        stage_index: 3,
        created_days_ago: 120,
        days_per_stage: 20,
        close_in_days: -40,
        outcome: Outcome::Won,
    },
    SampleSpec {
        title_nb: "Støtteavtale",
        title_en: "Support agreement",
        organisation: "Bodø Havn",
        contact: "Erik Lunde",
        amount_major: 48_000,
        stage_index: 2,
        created_days_ago: 100,
        days_per_stage: 25,
        close_in_days: -30,
        outcome: Outcome::Lost(0),
    },
    SampleSpec {
        title_nb: "Kampanjepakke",
        title_en: "Campaign bundle",
        organisation: "Ålesund Møbler",
        contact: "Thea Vik",
        amount_major: 90_000,
        stage_index: 1,
        created_days_ago: 60,
        days_per_stage: 20,
        close_in_days: -15,
        outcome: Outcome::Lost(1),
    },
];

/// Sample deals for `pipeline`, dated relative to `now`. `new_id` gives each deal its id.
pub fn sample_deals(
    pipeline: &Pipeline,
    lang: Lang,
    lost_reasons: &[String],
    now: DateTime<Utc>,
    new_id: &mut dyn FnMut() -> String,
) -> Vec<Deal> {
    if pipeline.stages.is_empty() {
        return Vec::new();
    }
    let last_stage = pipeline.stages.len() - 1;
    SAMPLES
        .iter()
        .enumerate()
        .map(|(n, spec)| {
            let reached = spec.stage_index.min(last_stage);
            let created_at = now - Duration::days(spec.created_days_ago);
            let mut history = vec![StageChange {
                from: None,
                to: pipeline.stages[0].id.clone(),
                at: created_at,
            }];
            for step in 1..=reached {
                let at = created_at + Duration::days(spec.days_per_stage * step as i64);
                history.push(StageChange {
                    from: Some(pipeline.stages[step - 1].id.clone()),
                    to: pipeline.stages[step].id.clone(),
                    at: at.min(now),
                });
            }
            let last_move = history.last().map_or(created_at, |h| h.at);
            let closed_at = (last_move + Duration::days(spec.days_per_stage)).min(now);
            let status = match spec.outcome {
                Outcome::Open => DealStatus::Open,
                Outcome::Won => DealStatus::Won { at: closed_at },
                Outcome::Lost(reason_idx) => DealStatus::Lost {
                    at: closed_at,
                    reason: lost_reasons
                        .get(reason_idx)
                        .cloned()
                        .unwrap_or_else(|| "-".to_string()),
                    note: String::new(),
                },
            };
            let updated_at = match &status {
                DealStatus::Open => last_move,
                DealStatus::Won { at } | DealStatus::Lost { at, .. } => *at,
            };
            let email_user = spec
                .contact
                .split_whitespace()
                .next()
                .unwrap_or("kontakt")
                .to_lowercase();
            Deal {
                id: new_id().into(),
                pipeline_id: pipeline.id.clone(),
                stage_id: pipeline.stages[reached].id.clone(),
                rank: n as i64 * RANK_STEP,
                title: match lang {
                    Lang::Nb => spec.title_nb,
                    Lang::En => spec.title_en,
                }
                .to_string(),
                organisation: spec.organisation.to_string(),
                contact: Contact {
                    name: spec.contact.to_string(),
                    email: format!("{email_user}@example.no"),
                    phone: format!("+47 4{:02} 12 3{:02}", n, n),
                },
                amount: Money::new(
                    spec.amount_major * 10_i64.pow(u32::from(pipeline.currency.minor_digits())),
                    pipeline.currency.clone(),
                ),
                expected_close: Some((now + Duration::days(spec.close_in_days)).date_naive()),
                probability: None,
                notes: String::new(),
                next_step: NextStep {
                    text: match spec.outcome {
                        Outcome::Won | Outcome::Lost(_) => String::new(),
                        Outcome::Open => t(lang, "samples.next_step").to_string(),
                    },
                    due: match spec.outcome {
                        Outcome::Open => {
                            Some((now + Duration::days(n as i64 % 5 - 1)).date_naive())
                        }
                        _ => None,
                    },
                },
                created_at,
                updated_at,
                status,
                history,
                sample: true,
                rev: 1,
            }
        })
        .collect()
}
