//! Sample deals that make a new pipeline look lived-in: about six months of history, so
//! every insight figure has enough deals to show a number. Forty closed deals (won, and
//! lost for the pipeline's own reasons) with stage histories, and fifteen open deals spread
//! over the stages with expected closes in the months ahead. Deals stay longest in the third
//! stage (Demonstration, Proposal, Strategy development in the article's templates), so the
//! insights find a clear bottleneck. They are marked `sample` and removed in one step.
//!
//! Everything is derived from `now` and fixed tables: the same `now` gives the same deals.

use super::model::*;
use super::money::Money;
use super::ops::RANK_STEP;
use crate::i18n::{t, Lang};
use chrono::{DateTime, Duration, Utc};

/// The usual days a deal spends in a stage before it moves on or closes, by stage index; a
/// stage past the end of the table takes its last value. The third stage is the bottleneck:
/// at any pace it takes longer than any other stage at any pace (see [`PACES`]).
const STAGE_DAYS: [i64; 6] = [5, 8, 22, 9, 7, 5];

/// How fast a deal moves, in percent of [`STAGE_DAYS`], taken in turn by the generated
/// closed deals. 22 × 70 % is still more than 9 × 140 % plus a day of jitter.
const PACES: [i64; 12] = [100, 80, 125, 90, 140, 75, 110, 95, 120, 70, 105, 85];

struct SampleSpec {
    title_nb: &'static str,
    title_en: &'static str,
    organisation: &'static str,
    contact: &'static str,
    /// In major units of the pipeline's currency.
    amount_major: i64,
    /// Index of the furthest stage reached (clamped to the pipeline's stages).
    stage_index: usize,
    /// Percent of the usual days in each stage ([`STAGE_DAYS`]).
    pace: i64,
    timing: Timing,
}

#[derive(Clone, Copy)]
enum Timing {
    /// Still open: in its stage since `in_stage_days` ago, expected to close in
    /// `close_in_days` (negative: the date has passed).
    Open {
        in_stage_days: i64,
        close_in_days: i64,
    },
    /// Won `days_ago`.
    Won { days_ago: i64 },
    /// Lost `days_ago`, for the pipeline's lost reason with this index.
    Lost { days_ago: i64, reason: usize },
}

/// Indexes into the default lost reasons (`model::default_lost_reasons`); a workspace with
/// its own list gets its reasons by the same index, modulo its length.
const PRICE: usize = 0;
const COMPETITOR: usize = 1;
const NO_NEED: usize = 2;
const NO_RESPONSE: usize = 3;
const OTHER: usize = 4;

/// An open deal: its title in Norwegian and English, organisation and contact, amount, stage,
/// days in that stage and days until it is expected to close.
const fn open(
    (title_nb, title_en): (&'static str, &'static str),
    (organisation, contact): (&'static str, &'static str),
    amount_major: i64,
    stage_index: usize,
    in_stage_days: i64,
    close_in_days: i64,
) -> SampleSpec {
    SampleSpec {
        title_nb,
        title_en,
        organisation,
        contact,
        amount_major,
        stage_index,
        pace: 100,
        timing: Timing::Open {
            in_stage_days,
            close_in_days,
        },
    }
}

/// The deals written out by hand: the open ones on the board (title, organisation and
/// contact, amount, stage, days in it, days to the expected close), and four closed ones.
#[rustfmt::skip]
const SAMPLES: &[SampleSpec] = &[
    open(("Årslisens, 25 brukere", "Annual licence, 25 seats"), ("Fjordkraft Teknologi AS", "Ingrid Solberg"), 180_000, 0, 3, 60),
    open(("Pilotprosjekt", "Pilot project"), ("Nordlys Logistikk", "Ola Nordmann"), 45_000, 0, 20, 45),
    open(("Rammeavtale 2027", "Framework agreement 2027"), ("Bergen Bygg AS", "Kari Hansen"), 420_000, 1, 9, 75),
    open(("Oppgradering til Pro", "Upgrade to Pro"), ("Trondheim Tannhelse", "Per Berg"), 24_000, 1, 20, -5),
    open(("Integrasjon mot ERP", "ERP integration"), ("Vestland Sjømat", "Nina Lie"), 150_000, 2, 10, 30),
    open(("Opplæringspakke", "Training package"), ("Oslo Kommune, Bydel Frogner", "Jonas Dahl"), 60_000, 2, 20, 10),
    open(("Flerårig avtale", "Multi-year agreement"), ("Stavanger Energi", "Emma Strand"), 950_000, 3, 13, 14),
    open(("Utvidelse, 10 brukere", "Expansion, 10 seats"), ("Tromsø Turisme", "Lars Moen"), 36_000, 4, 9, 5),
    open(("Nettbutikk-lansering", "Web shop launch"), ("Kystmat AS", "Sofie Aas"), 210_000, 5, 6, 20),
    open(("Ny kundeportal", "New customer portal"), ("Bærum Bolig AS", "Vegard Holm"), 130_000, 0, 2, 120),
    open(("Sosiale medier, årsavtale", "Social media, annual contract"), ("Hadeland Hagesenter", "Ragnhild Aune"), 70_000, 0, 6, 135),
    open(("Prosessforbedring", "Process improvement"), ("Gudbrandsdal Meieri", "Knut Sveen"), 240_000, 1, 4, 100),
    open(("Analyse av kundereisen", "Customer journey analysis"), ("Sunnmøre Reiser", "Marit Vik"), 95_000, 2, 15, 80),
    open(("Systembytte, fase 1", "System replacement, phase 1"), ("Innlandet Transport", "Geir Haug"), 380_000, 2, 26, 90),
    open(("Avtale for alle regioner", "Agreement for all regions"), ("Nordmøre Kraft", "Hilde Ness"), 520_000, 3, 4, 60),
    SampleSpec {
        title_nb: "Lisens, 50 brukere",
        title_en: "Licence, 50 seats",
        organisation: "Drammen Dataservice",
        contact: "Henrik Bakke",
        amount_major: 300_000,
        stage_index: 4,
        pace: 110,
        timing: Timing::Won { days_ago: 15 },
    },
    SampleSpec {
        title_nb: "Workshop og rådgivning",
        title_en: "Workshop and advice",
        organisation: "Lillehammer Hotell",
        contact: "Maja Eide",
        amount_major: 75_000,
        stage_index: 3,
        pace: 130,
        timing: Timing::Won { days_ago: 40 },
    },
    SampleSpec {
        title_nb: "Støtteavtale",
        title_en: "Support agreement",
        organisation: "Bodø Havn",
        contact: "Erik Lunde",
        amount_major: 48_000,
        stage_index: 2,
        pace: 115,
        timing: Timing::Lost {
            days_ago: 30,
            reason: PRICE,
        },
    },
    SampleSpec {
        title_nb: "Kampanjepakke",
        title_en: "Campaign bundle",
        organisation: "Ålesund Møbler",
        contact: "Thea Vik",
        amount_major: 90_000,
        stage_index: 1,
        pace: 90,
        timing: Timing::Lost {
            days_ago: 15,
            reason: COMPETITOR,
        },
    },
];

/// Titles of the generated closed deals, in Norwegian and English; taken with a stride so
/// neighbours differ.
const TITLES: [(&str, &str); 16] = [
    ("Rammeavtale, to år", "Two-year framework agreement"),
    ("Pilotprosjekt, fase 2", "Pilot project, phase 2"),
    (
        "Opplæring for ledergruppen",
        "Training for the management team",
    ),
    ("Årsabonnement, 40 brukere", "Annual subscription, 40 users"),
    ("Utrulling til alle kontorer", "Rollout to all offices"),
    ("Strategiworkshop", "Strategy workshop"),
    ("Fornyelse av avtalen", "Agreement renewal"),
    ("Støtte og vedlikehold", "Support and maintenance"),
    ("Kartlegging av behov", "Needs assessment"),
    ("Integrasjon mot regnskap", "Accounting integration"),
    ("Annonsekampanje på nett", "Online ad campaign"),
    ("Ny nettside", "New website"),
    ("Utvidelse til ny avdeling", "Expansion to a new department"),
    ("Rådgivning, tre måneder", "Advisory, three months"),
    ("Prosjektledelse", "Project management"),
    ("Oppfølgingsavtale", "Follow-up agreement"),
];

const ORGANISATIONS: [&str; 20] = [
    "Hamar Handel AS",
    "Molde Marin",
    "Kristiansand Kontor AS",
    "Lofoten Sjømat",
    "Gjøvik Glass",
    "Haugesund Havbruk",
    "Sandnes Sykkel AS",
    "Fredrikstad Farmasi",
    "Narvik Nettverk",
    "Arendal Arkitekter",
    "Skien Solenergi",
    "Tønsberg Trykk",
    "Harstad Helse",
    "Kongsberg Komponent AS",
    "Larvik Lager",
    "Steinkjer Skog",
    "Halden Hus AS",
    "Elverum Elektro",
    "Mo Metall",
    "Røros Reiseliv",
];

const CONTACTS: [&str; 16] = [
    "Anders Holm",
    "Silje Nilsen",
    "Martin Lund",
    "Hanne Berge",
    "Kristian Haugen",
    "Ida Johansen",
    "Mats Pedersen",
    "Julie Kristiansen",
    "Sander Larsen",
    "Marte Andersen",
    "Tobias Olsen",
    "Line Karlsen",
    "Jon Eriksen",
    "Camilla Jakobsen",
    "Eirik Halvorsen",
    "Tone Moe",
];

/// Amounts of the generated closed deals, in major units.
const AMOUNTS: [i64; 10] = [
    40_000, 65_000, 120_000, 85_000, 210_000, 55_000, 150_000, 95_000, 260_000, 72_000,
];

#[derive(Clone, Copy)]
enum Closed {
    Won,
    /// Lost in the stage with this index, for the reason with this index.
    Lost(usize, usize),
}

/// The generated closed deals, oldest close first: 13 won and 23 lost, most of the losses
/// early, for want of need or answer, the later ones over price or to a competitor.
const CLOSED: [Closed; 36] = {
    use Closed::*;
    [
        Lost(0, NO_RESPONSE),
        Won,
        Lost(1, NO_NEED),
        Lost(2, COMPETITOR),
        Won,
        Lost(0, NO_NEED),
        Lost(3, PRICE),
        Won,
        Lost(1, NO_RESPONSE),
        Lost(2, PRICE),
        Won,
        Lost(0, NO_RESPONSE),
        Lost(1, NO_NEED),
        Won,
        Lost(4, COMPETITOR),
        Lost(2, COMPETITOR),
        Won,
        Lost(0, OTHER),
        Lost(3, PRICE),
        Won,
        Lost(1, PRICE),
        Lost(2, COMPETITOR),
        Won,
        Lost(0, NO_NEED),
        Lost(1, NO_RESPONSE),
        Won,
        Lost(3, COMPETITOR),
        Lost(2, PRICE),
        Won,
        Lost(0, NO_RESPONSE),
        Lost(1, NO_NEED),
        Won,
        Lost(3, PRICE),
        Lost(4, OTHER),
        Won,
        Won,
    ]
};

/// The generated closed deal number `i`: closed from four and a half months ago up to a few
/// days ago, one every four days or so.
fn generated(i: usize) -> SampleSpec {
    let (title_nb, title_en) = TITLES[(i * 5) % TITLES.len()];
    let n = CLOSED.len() as i64;
    let days_ago = 4 + (n - 1 - i as i64) * 38 / 10;
    let (stage_index, timing) = match CLOSED[i % CLOSED.len()] {
        Closed::Won => (usize::MAX, Timing::Won { days_ago }),
        Closed::Lost(stage, reason) => (stage, Timing::Lost { days_ago, reason }),
    };
    SampleSpec {
        title_nb,
        title_en,
        organisation: ORGANISATIONS[(i * 7) % ORGANISATIONS.len()],
        contact: CONTACTS[(i * 3) % CONTACTS.len()],
        amount_major: AMOUNTS[(i * 3) % AMOUNTS.len()],
        stage_index,
        pace: PACES[i % PACES.len()],
        timing,
    }
}

/// Hours a deal at `pace` spends in `stage`, with up to half a day more so that no two deals
/// move in step. Deal `n` is its place among the samples.
fn stay(stage: usize, pace: i64, n: usize) -> Duration {
    let days = STAGE_DAYS[stage.min(STAGE_DAYS.len() - 1)];
    let jitter = ((n * 7 + stage * 5) % 13) as i64;
    Duration::hours(days * 24 * pace / 100 + jitter)
}

/// `at` moved `by` back in time; `at` itself should that leave chrono's range.
fn back(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    at.checked_sub_signed(by).unwrap_or(at)
}

/// `at` moved `by` on in time; `at` itself should that leave chrono's range.
fn after(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    at.checked_add_signed(by).unwrap_or(at)
}

/// Sample deals for `pipeline`, dated relative to `now`. `new_id` gives each deal its id.
/// Lost deals take their reasons from `lost_reasons` (the workspace's list).
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
    let reasons = if lost_reasons.is_empty() {
        default_lost_reasons(lang)
    } else {
        lost_reasons.to_vec()
    };
    let generated: Vec<SampleSpec> = (0..CLOSED.len()).map(generated).collect();
    SAMPLES
        .iter()
        .chain(&generated)
        .enumerate()
        .map(|(n, spec)| sample_deal(pipeline, lang, &reasons, now, n, spec, new_id().into()))
        .collect()
}

fn sample_deal(
    pipeline: &Pipeline,
    lang: Lang,
    reasons: &[String],
    now: DateTime<Utc>,
    n: usize,
    spec: &SampleSpec,
    id: DealId,
) -> Deal {
    let last_stage = pipeline.stages.len() - 1;
    let reached = spec.stage_index.min(last_stage);
    // When the deal entered the stage it is in, and when it closed.
    let (entered_last, closed_at) = match spec.timing {
        Timing::Open { in_stage_days, .. } => (back(now, Duration::days(in_stage_days)), None),
        Timing::Won { days_ago } | Timing::Lost { days_ago, .. } => {
            let hours = ((n * 5) % 9) as i64;
            let at = back(now, Duration::days(days_ago) + Duration::hours(hours));
            (back(at, stay(reached, spec.pace, n)), Some(at))
        }
    };
    // Each earlier stage entered one stay before the next.
    let mut entered = vec![entered_last; reached + 1];
    for stage in (0..reached).rev() {
        entered[stage] = back(entered[stage + 1], stay(stage, spec.pace, n));
    }
    let created_at = entered[0];
    let history = entered
        .iter()
        .enumerate()
        .map(|(stage, at)| StageChange {
            from: stage
                .checked_sub(1)
                .map(|before| pipeline.stages[before].id.clone()),
            to: pipeline.stages[stage].id.clone(),
            at: *at,
        })
        .collect();
    let status = match (spec.timing, closed_at) {
        (Timing::Won { .. }, Some(at)) => DealStatus::Won { at },
        (Timing::Lost { reason, .. }, Some(at)) => DealStatus::Lost {
            at,
            reason: reasons
                .get(reason % reasons.len().max(1))
                .cloned()
                .unwrap_or_else(|| "-".to_string()),
            note: String::new(),
        },
        _ => DealStatus::Open,
    };
    let (expected_close, next_step) = match (spec.timing, closed_at) {
        (Timing::Open { close_in_days, .. }, _) => (
            after(now, Duration::days(close_in_days)),
            NextStep {
                text: t(lang, "samples.next_step").to_string(),
                due: Some(after(now, Duration::days(n as i64 % 5 - 1)).date_naive()),
            },
        ),
        // A closed deal was expected to close up to a week or so either side of when it did.
        (_, closed) => (
            after(
                closed.unwrap_or(now),
                Duration::days((n as i64 % 5 - 2) * 4),
            ),
            NextStep::default(),
        ),
    };
    let email_user = spec
        .contact
        .split_whitespace()
        .next()
        .unwrap_or("kontakt")
        .to_lowercase();
    Deal {
        id,
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
            phone: format!("+47 4{:02} 12 3{:02}", n % 100, n % 100),
        },
        amount: Money::new(
            spec.amount_major * 10_i64.pow(u32::from(pipeline.currency.minor_digits())),
            pipeline.currency.clone(),
        ),
        expected_close: Some(expected_close.date_naive()),
        probability: None,
        notes: String::new(),
        next_step,
        created_at,
        updated_at: closed_at.unwrap_or(entered_last),
        status,
        history,
        sample: true,
        rev: 1,
    }
}
