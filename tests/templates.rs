//! The built-in templates follow the article stage for stage, and sample deals look lived-in.
#![cfg(not(target_arch = "wasm32"))]

use crate::util::id_source;

use chrono::{DateTime, Datelike, Duration, Months, TimeZone, Utc};
use pipewright::backup::{check_workspace, export_workspace, parse_backup, verify_export};
use pipewright::domain::insights::PeriodForm;
use pipewright::domain::metrics::{insights, Insights, Period, Rate, YearMonth};
use pipewright::domain::money::{Currency, Money};
use pipewright::domain::sample::sample_deals;
use pipewright::domain::templates::{pipeline_from_template, TemplateKind};
use pipewright::domain::{default_lost_reasons, Deal, DealDraft, DealStatus, Pipeline, Workspace};
use pipewright::i18n::Lang;
use std::collections::BTreeSet;
use std::path::Path;

/// The three example pipelines of the article, as the product brief lists them.
const ARTICLE_EXAMPLES: [(TemplateKind, &str, &[&str]); 3] = [
    (
        TemplateKind::Startup,
        "Eksempel i en oppstarts kontekst",
        &[
            "Lead-generering",
            "Kvalifisering",
            "Demonstrasjon",
            "Forhandling",
            "Lukking",
        ],
    ),
    (
        TemplateKind::Consulting,
        "Eksempel i en konsulentkontekst",
        &[
            "Første møte",
            "Behovsanalyse",
            "Forslag",
            "Forhandling",
            "Engasjement",
        ],
    ),
    (
        TemplateKind::Agency,
        "Eksempel i en digital markedsføringsbyrå kontekst",
        &[
            "Lead-generering",
            "Kvalifisering",
            "Strategiutvikling",
            "Presentasjon",
            "Kontraktsforhandling",
            "Onboarding",
        ],
    ),
];

/// Stage names that are the same word in Norwegian and English.
const SAME_WORD_IN_BOTH_LANGUAGES: &[&str] = &["Onboarding"];

fn article() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/salgspipeline-artikkel.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {path:?}: {err}"))
}

/// The article's stage list for one example: the "Name: description" lines that follow the
/// example's heading and its "... følgende stadier:" line.
fn article_stages(article: &str, heading: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = article.lines().collect();
    let heading_idx = lines
        .iter()
        .position(|line| line.trim() == heading)
        .unwrap_or_else(|| panic!("heading {heading:?} not in the article"));
    let intro_idx = (heading_idx..lines.len())
        .find(|&line_idx| lines[line_idx].trim_end().ends_with("følgende stadier:"))
        .unwrap_or_else(|| panic!("no stage list after {heading:?}"));
    lines[intro_idx + 1..]
        .iter()
        .map_while(|line| {
            let (name, description) = line.split_once(": ")?;
            let looks_like_stage = name.chars().count() <= 40 && !name.contains('.');
            looks_like_stage.then(|| (name.to_string(), description.to_string()))
        })
        .collect()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 30, 0).unwrap()
}

fn pipeline(kind: TemplateKind, lang: Lang, id_prefix: &'static str) -> Pipeline {
    let mut next_id = id_source(id_prefix);
    pipeline_from_template(kind, lang, "Salg", Currency::nok(), now(), &mut next_id)
}

#[test]
fn the_fixture_is_the_shared_seed_article() {
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/salgspipeline-artikkel.txt");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/salgspipeline-artikkel.txt");
    let fixture_bytes = std::fs::read(fixture).expect("the fixture is readable");
    assert!(
        String::from_utf8_lossy(&fixture_bytes).contains("Hva er en salgs pipeline?"),
        "the fixture is not the article"
    );
    // The seed lives beside the repository only in the workspace it was built in.
    if let Ok(seed_bytes) = std::fs::read(seed) {
        assert!(
            fixture_bytes == seed_bytes,
            "tests/fixtures differs from shared/seed"
        );
    }
}

#[test]
fn the_article_lists_the_stages_the_product_brief_names() {
    let article = article();
    for (kind, heading, expected_names) in ARTICLE_EXAMPLES {
        let names: Vec<String> = article_stages(&article, heading)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, expected_names, "{kind:?}: the article's stage list");
    }
}

#[test]
fn example_templates_have_the_article_stages_in_its_order() {
    let article = article();
    for (kind, heading, _) in ARTICLE_EXAMPLES {
        let from_article = article_stages(&article, heading);
        let from_template: Vec<(String, String)> = kind
            .stages()
            .iter()
            .map(|stage| (stage.name_nb.to_string(), stage.guidance_nb.to_string()))
            .collect();
        assert_eq!(from_template, from_article, "{kind:?}");
    }
}

#[test]
fn every_nb_guidance_is_a_line_of_the_article_word_for_word() {
    let article = article();
    let article_lines: BTreeSet<&str> = article.lines().collect();
    for (kind, _, _) in ARTICLE_EXAMPLES {
        for stage in kind.stages() {
            let line = format!("{}: {}", stage.name_nb, stage.guidance_nb);
            assert!(
                article_lines.contains(line.as_str()),
                "{kind:?}: {line:?} is not a line of the article"
            );
        }
    }
}

#[test]
fn english_texts_are_present_and_translated() {
    for kind in TemplateKind::ALL {
        assert!(!kind.name(Lang::En).trim().is_empty(), "{kind:?}");
        assert_ne!(kind.name(Lang::En), kind.name(Lang::Nb), "{kind:?}");
        for stage in kind.stages() {
            assert!(
                !stage.name_en.trim().is_empty(),
                "{kind:?}: {}",
                stage.name_nb
            );
            if SAME_WORD_IN_BOTH_LANGUAGES.contains(&stage.name_nb) {
                assert_eq!(stage.name_en, stage.name_nb);
            } else {
                assert_ne!(
                    stage.name_en, stage.name_nb,
                    "{kind:?}: name not translated"
                );
            }
            if kind == TemplateKind::Blank {
                continue;
            }
            assert!(
                !stage.guidance_en.trim().is_empty(),
                "{kind:?}: {}",
                stage.name_en
            );
            assert_ne!(
                stage.guidance_en, stage.guidance_nb,
                "{kind:?}: guidance not translated"
            );
        }
    }
}

#[test]
fn each_language_gets_its_own_texts() {
    for kind in TemplateKind::ALL {
        for lang in Lang::ALL {
            let built = pipeline(kind, lang, "id");
            let expected: Vec<(&str, &str)> = kind
                .stages()
                .iter()
                .map(|stage| (stage.name(lang), stage.guidance(lang)))
                .collect();
            let actual: Vec<(&str, &str)> = built
                .stages
                .iter()
                .map(|stage| (stage.name.as_str(), stage.guidance.as_str()))
                .collect();
            assert_eq!(actual, expected, "{kind:?} in {lang:?}");
        }
    }
    let startup_en = pipeline(TemplateKind::Startup, Lang::En, "id");
    assert_eq!(startup_en.stages[0].name, "Lead generation");
    let startup_nb = pipeline(TemplateKind::Startup, Lang::Nb, "id");
    assert_eq!(startup_nb.stages[0].name, "Lead-generering");
}

#[test]
fn probabilities_rise_stage_by_stage_and_rot_days_are_positive() {
    for kind in TemplateKind::ALL {
        let stages = kind.stages();
        assert!(!stages.is_empty(), "{kind:?} has no stage");
        for stage in stages {
            assert!(stage.probability <= 100, "{kind:?}: {}", stage.name_en);
            assert!(stage.rot_days > 0, "{kind:?}: {}", stage.name_en);
        }
        for pair in stages.windows(2) {
            assert!(
                pair[0].probability < pair[1].probability,
                "{kind:?}: {} ({}) then {} ({})",
                pair[0].name_en,
                pair[0].probability,
                pair[1].name_en,
                pair[1].probability
            );
        }
    }
}

#[test]
fn building_a_pipeline_takes_its_ids_from_the_id_source() {
    let mut n_calls = 0;
    let mut next_id = || {
        n_calls += 1;
        format!("generated-{n_calls}")
    };
    let euro = Currency::parse("EUR").unwrap();
    let built = pipeline_from_template(
        TemplateKind::Agency,
        Lang::En,
        "Agency deals",
        euro.clone(),
        now(),
        &mut next_id,
    );
    assert_eq!(n_calls, 1 + TemplateKind::Agency.stages().len());
    assert_eq!(built.id, "generated-1");
    let stage_ids: Vec<&str> = built.stages.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        stage_ids,
        [
            "generated-2",
            "generated-3",
            "generated-4",
            "generated-5",
            "generated-6",
            "generated-7"
        ]
    );
    assert_eq!(built.name, "Agency deals");
    assert_eq!(built.currency, euro);
    assert_eq!(built.created_at, now());
    let probabilities: Vec<u8> = built.stages.iter().map(|s| s.probability).collect();
    let template_probabilities: Vec<u8> = TemplateKind::Agency
        .stages()
        .iter()
        .map(|s| s.probability)
        .collect();
    assert_eq!(probabilities, template_probabilities);
}

#[test]
fn blank_has_one_stage_ready_for_a_first_deal() {
    assert_eq!(TemplateKind::Blank.stages().len(), 1);
    let built = pipeline(TemplateKind::Blank, Lang::Nb, "blank");
    assert_eq!(built.stages.len(), 1);
    assert_eq!(built.stages[0].name, "Ny");
    let mut ws = Workspace::default();
    let pipeline_id = built.id.clone();
    let stage_id = built.stages[0].id.clone();
    ws.add_pipeline(built).unwrap();
    let added = ws.add_deal(
        &pipeline_id,
        &stage_id,
        "first".into(),
        DealDraft::quick("Første avtale", Money::new(100, Currency::nok())),
        now(),
    );
    assert_eq!(added, Ok("first".into()));
}

#[test]
fn template_slugs_and_names_are_distinct() {
    let slugs: BTreeSet<&str> = TemplateKind::ALL.iter().map(|k| k.slug()).collect();
    assert_eq!(slugs.len(), TemplateKind::ALL.len());
    for lang in Lang::ALL {
        let names: BTreeSet<&str> = TemplateKind::ALL.iter().map(|k| k.name(lang)).collect();
        assert_eq!(names.len(), TemplateKind::ALL.len(), "{lang:?}");
    }
}

fn samples_for(pipeline: &Pipeline, lang: Lang) -> Vec<Deal> {
    let mut next_id = id_source("sample");
    let lost_reasons = default_lost_reasons(lang);
    sample_deals(pipeline, lang, &lost_reasons, now(), &mut next_id)
}

#[test]
fn sample_deals_are_a_realistic_mix() {
    for kind in TemplateKind::ALL {
        for lang in Lang::ALL {
            let built = pipeline(kind, lang, "p");
            let lost_reasons = default_lost_reasons(lang);
            let deals = samples_for(&built, lang);
            let n_open = deals.iter().filter(|d| d.status.is_open()).count();
            let n_won = deals
                .iter()
                .filter(|d| matches!(d.status, DealStatus::Won { .. }))
                .count();
            let lost: Vec<&str> = deals
                .iter()
                .filter_map(|d| match &d.status {
                    DealStatus::Lost { reason, .. } => Some(reason.as_str()),
                    _ => None,
                })
                .collect();
            assert!(n_open >= 3, "{kind:?}/{lang:?}: only {n_open} open");
            assert!(n_won >= 1, "{kind:?}/{lang:?}: none won");
            assert!(!lost.is_empty(), "{kind:?}/{lang:?}: none lost");
            for reason in &lost {
                assert!(
                    lost_reasons.iter().any(|known| known == reason),
                    "{kind:?}/{lang:?}: lost reason {reason:?} is not in the list"
                );
            }
            let stages_used: BTreeSet<&str> = deals.iter().map(|d| d.stage_id.as_str()).collect();
            assert_eq!(
                stages_used.len(),
                built.stages.len(),
                "{kind:?}/{lang:?}: every stage should hold a sample deal"
            );
            let amounts: BTreeSet<i64> = deals.iter().map(|d| d.amount.minor).collect();
            assert!(amounts.len() > 3, "{kind:?}/{lang:?}: amounts should vary");
            for deal in &deals {
                assert!(deal.sample, "{}: not marked sample", deal.title);
                assert_eq!(deal.pipeline_id, built.id);
                assert!(
                    built.stage(&deal.stage_id).is_some(),
                    "{}: unknown stage",
                    deal.title
                );
                assert!(!deal.title.trim().is_empty());
                assert!(!deal.organisation.trim().is_empty());
                assert!(deal.amount.minor > 0, "{}", deal.title);
                assert_eq!(deal.amount.currency, built.currency);
                assert!(deal.rev >= 1);
            }
        }
    }
}

#[test]
fn sample_deals_are_in_the_chosen_language() {
    let built = pipeline(TemplateKind::Startup, Lang::Nb, "p");
    let titles_nb: Vec<String> = samples_for(&built, Lang::Nb)
        .into_iter()
        .map(|d| d.title)
        .collect();
    let titles_en: Vec<String> = samples_for(&built, Lang::En)
        .into_iter()
        .map(|d| d.title)
        .collect();
    assert_eq!(titles_nb.len(), titles_en.len());
    assert!(
        titles_nb.contains(&"Pilotprosjekt".to_string()),
        "{titles_nb:?}"
    );
    assert!(
        titles_en.contains(&"Pilot project".to_string()),
        "{titles_en:?}"
    );
}

#[test]
fn sample_deals_take_their_ids_from_the_id_source() {
    let built = pipeline(TemplateKind::Consulting, Lang::En, "p");
    let deals = samples_for(&built, Lang::En);
    let ids: Vec<String> = deals.iter().map(|d| d.id.to_string()).collect();
    let expected: Vec<String> = (1..=deals.len()).map(|n| format!("sample-{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn sample_histories_are_consistent() {
    for kind in TemplateKind::ALL {
        let built = pipeline(kind, Lang::Nb, "p");
        for deal in samples_for(&built, Lang::Nb) {
            let label = format!("{kind:?}: {}", deal.title);
            let first = deal
                .history
                .first()
                .unwrap_or_else(|| panic!("{label}: no history"));
            assert_eq!(
                first.from, None,
                "{label}: first entry must come from nowhere"
            );
            assert_eq!(first.at, deal.created_at, "{label}");
            for pair in deal.history.windows(2) {
                assert_eq!(
                    pair[1].from.as_deref(),
                    Some(pair[0].to.as_str()),
                    "{label}"
                );
                assert!(
                    pair[0].at <= pair[1].at,
                    "{label}: history goes back in time"
                );
            }
            let last = deal.history.last().unwrap();
            assert_eq!(
                last.to, deal.stage_id,
                "{label}: last entry is not the current stage"
            );
            for change in &deal.history {
                assert!(change.at <= now(), "{label}: a stage change in the future");
                assert!(built.stage(&change.to).is_some(), "{label}: unknown stage");
            }
            assert!(deal.created_at <= deal.updated_at, "{label}");
            assert!(deal.updated_at <= now(), "{label}");
            assert!(last.at <= deal.updated_at, "{label}");
            if let DealStatus::Won { at } | DealStatus::Lost { at, .. } = &deal.status {
                assert!(last.at <= *at && *at <= now(), "{label}: closed at {at}");
            }
        }
    }
}

#[test]
fn sample_deals_in_a_blank_pipeline_all_sit_in_its_one_stage() {
    let built = pipeline(TemplateKind::Blank, Lang::En, "p");
    let deals = samples_for(&built, Lang::En);
    assert!(!deals.is_empty());
    for deal in deals {
        assert_eq!(deal.stage_id, built.stages[0].id);
        assert_eq!(deal.history.len(), 1, "{}", deal.title);
    }
}

#[test]
fn sample_amounts_follow_the_currency_minor_units() {
    let mut next_id = id_source("p");
    let yen = Currency::parse("JPY").unwrap();
    let yen_pipeline = pipeline_from_template(
        TemplateKind::Startup,
        Lang::En,
        "Japan",
        yen.clone(),
        now(),
        &mut next_id,
    );
    let nok_pipeline = pipeline(TemplateKind::Startup, Lang::En, "q");
    let yen_deals = samples_for(&yen_pipeline, Lang::En);
    let nok_deals = samples_for(&nok_pipeline, Lang::En);
    for (yen_deal, nok_deal) in yen_deals.iter().zip(&nok_deals) {
        assert_eq!(yen_deal.amount.currency, yen);
        // The same number of major units: 100 times fewer minor units in yen than in kroner.
        assert_eq!(
            yen_deal.amount.minor * 100,
            nok_deal.amount.minor,
            "{}",
            yen_deal.title
        );
    }
}

#[test]
fn sample_deal_ranks_give_each_column_a_stable_order() {
    let built = pipeline(TemplateKind::Startup, Lang::Nb, "p");
    let deals = samples_for(&built, Lang::Nb);
    let ranks: BTreeSet<(String, i64)> = deals
        .iter()
        .map(|d| (d.stage_id.to_string(), d.rank))
        .collect();
    assert_eq!(
        ranks.len(),
        deals.len(),
        "two sample deals share a rank in one column"
    );
}

#[test]
fn removing_sample_deals_removes_only_that_pipelines_samples() {
    let first = pipeline(TemplateKind::Startup, Lang::Nb, "first");
    let second = pipeline(TemplateKind::Consulting, Lang::Nb, "second");
    let mut ws = Workspace {
        lost_reasons: default_lost_reasons(Lang::Nb),
        ..Workspace::default()
    };
    let mut next_deal_id = id_source("deal");
    let first_samples = sample_deals(&first, Lang::Nb, &ws.lost_reasons, now(), &mut next_deal_id);
    let second_samples = sample_deals(
        &second,
        Lang::Nb,
        &ws.lost_reasons,
        now(),
        &mut next_deal_id,
    );
    let n_first_samples = first_samples.len();
    let n_second_samples = second_samples.len();
    let (first_id, first_stage) = (first.id.clone(), first.stages[0].id.clone());
    let (second_id, second_stage) = (second.id.clone(), second.stages[0].id.clone());
    ws.create_pipeline(first, first_samples, Vec::new())
        .unwrap();
    ws.create_pipeline(second, second_samples, Vec::new())
        .unwrap();
    let nok = |minor| Money::new(minor, Currency::nok());
    ws.add_deal(
        &first_id,
        &first_stage,
        "real-1".into(),
        DealDraft::quick("Ekte avtale", nok(5_000)),
        now(),
    )
    .unwrap();
    ws.add_deal(
        &second_id,
        &second_stage,
        "real-2".into(),
        DealDraft::quick("Ekte", nok(7_000)),
        now(),
    )
    .unwrap();

    assert_eq!(ws.remove_sample_deals(&first_id), n_first_samples);

    let left_in_first: Vec<&str> = ws
        .deals_in_pipeline(&first_id)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(left_in_first, ["real-1"]);
    assert_eq!(
        ws.deals_in_pipeline(&second_id).count(),
        n_second_samples + 1
    );
    assert!(ws.deal("real-2").is_some());
    assert_eq!(
        ws.remove_sample_deals(&first_id),
        0,
        "a second removal finds nothing"
    );
    assert_eq!(ws.remove_sample_deals("no-such-pipeline"), 0);
    assert_eq!(ws.deals.len(), 1 + n_second_samples + 1);
}

// ---------------------------------------------------------------------------------------
// Sample history: enough closed deals that every insight figure shows a number.

/// The templates the gallery offers to try with sample deals.
const TRIED_TEMPLATES: [TemplateKind; 3] = [
    TemplateKind::Startup,
    TemplateKind::Consulting,
    TemplateKind::Agency,
];

/// A workspace with one pipeline from `kind`, created with its sample deals at `at`, as the
/// gallery's "Try … with sample deals" makes it.
fn tried(kind: TemplateKind, lang: Lang, at: DateTime<Utc>) -> (Workspace, Pipeline) {
    let mut next_id = id_source("id");
    let built = pipeline_from_template(kind, lang, "Salg", Currency::nok(), at, &mut next_id);
    let reasons = default_lost_reasons(lang);
    let deals = sample_deals(&built, lang, &reasons, at, &mut next_id);
    let mut ws = Workspace::default();
    ws.create_pipeline(built.clone(), deals, reasons).unwrap();
    (ws, built)
}

/// The insights over the period the insight view opens with.
fn default_insights(ws: &Workspace, built: &Pipeline, at: DateTime<Utc>) -> Insights {
    let period = PeriodForm::new(at).period(at).unwrap();
    assert_eq!(period, Period::last_12_months(at), "the default period");
    insights(ws, &built.id, period, at).unwrap()
}

#[test]
fn sample_deals_bring_six_months_of_history() {
    for kind in TRIED_TEMPLATES {
        let built = pipeline(kind, Lang::En, "p");
        let deals = samples_for(&built, Lang::En);
        let closed_at: Vec<DateTime<Utc>> = deals
            .iter()
            .filter_map(|d| match d.status {
                DealStatus::Won { at } | DealStatus::Lost { at, .. } => Some(at),
                DealStatus::Open => None,
            })
            .collect();
        let n_open = deals.iter().filter(|d| d.status.is_open()).count();
        assert_eq!(
            (deals.len(), closed_at.len(), n_open),
            (55, 40, 15),
            "{kind:?}"
        );
        // Closes spread over the last four and a half months, and the oldest deal about six months old.
        let oldest_close = closed_at.iter().min().unwrap();
        let newest_close = closed_at.iter().max().unwrap();
        assert!(now() - *oldest_close > Duration::days(130), "{kind:?}");
        assert!(now() - *newest_close < Duration::days(7), "{kind:?}");
        let oldest = deals.iter().map(|d| d.created_at).min().unwrap();
        let age = (now() - oldest).num_days();
        assert!(
            (170..=210).contains(&age),
            "{kind:?}: oldest deal {age} days old"
        );
        // Open deals are expected to close over the coming months, not all at once.
        let months_ahead: BTreeSet<u32> = deals
            .iter()
            .filter(|d| d.status.is_open())
            .filter_map(|d| d.expected_close)
            .filter(|date| *date > now().date_naive())
            .map(|date| date.month0() + 12 * (date.year() as u32))
            .collect();
        assert!(months_ahead.len() >= 5, "{kind:?}: {months_ahead:?}");
    }
}

#[test]
fn every_insight_figure_of_the_sample_deals_has_enough_deals_in_the_default_period() {
    // The sample history lies within the last six months, so the figures are the same
    // whatever day the samples are made on; the end-to-end test relies on this.
    let nows = [
        now(),
        Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 31, 23, 59, 59).unwrap(),
    ];
    for kind in TRIED_TEMPLATES {
        for lang in Lang::ALL {
            for at in nows {
                let label = format!("{kind:?}/{lang:?} at {at}");
                let (ws, built) = tried(kind, lang, at);
                let figures = default_insights(&ws, &built, at);
                let n_stages = built.stages.len();

                // Win rate: 15 won, 25 lost.
                assert_eq!(figures.win_rate, Rate { hits: 15, n: 40 }, "{label}");
                assert!(figures.win_rate.enough(), "{label}");

                // Average deal size: the 15 won amounts sum to 1,787,000 kroner.
                let [size] = figures.average_deal_size.as_slice() else {
                    panic!("{label}: {:?}", figures.average_deal_size);
                };
                assert_eq!(size.currency, Currency::nok(), "{label}");
                assert_eq!(
                    (size.n_won, size.total_won_minor),
                    (15, 178_700_000),
                    "{label}"
                );
                assert!(size.confidence().enough(), "{label}");

                // Sales cycle: about two months from creation to won.
                let cycle = figures.sales_cycle;
                assert_eq!(cycle.n_won, 15, "{label}");
                assert!(cycle.confidence().enough(), "{label}");
                let days = cycle.mean_days.unwrap();
                let expected = if n_stages == 5 { 54.41 } else { 59.11 };
                assert!((days - expected).abs() < 0.01, "{label}: cycle {days}");

                // Velocity: the 15 open deals × 119,133.33 × 37.5 % / the cycle, per day.
                let [velocity] = figures.velocity.as_slice() else {
                    panic!("{label}: {:?}", figures.velocity);
                };
                assert_eq!((velocity.n_open, velocity.n_won), (15, 15), "{label}");
                assert!(velocity.confidence.enough(), "{label}");
                let per_day = velocity.per_day_minor.unwrap();
                let worked_out = 15.0 * (178_700_000.0 / 15.0) * 0.375 / days;
                assert!((per_day - worked_out).abs() < 1e-6, "{label}: {per_day}");

                // Probability check: every stage was entered by at least five closed deals;
                // fewer of them reach each later stage, and the won ones all went through.
                let n_checked: Vec<usize> = figures
                    .probability_check
                    .iter()
                    .map(|c| c.won_share.n)
                    .collect();
                let expected_n: &[usize] = if n_stages == 5 {
                    &[40, 34, 27, 21, 16]
                } else {
                    &[40, 34, 27, 21, 16, 13]
                };
                assert_eq!(n_checked, expected_n, "{label}");
                for check in &figures.probability_check {
                    assert!(check.won_share.enough(), "{label}: {check:?}");
                }

                // Time in stage: every stage deals leave has at least five stays, and the
                // third stage is a clear bottleneck: its median is over twice any other's.
                // Deals are won or lost from the last stage, never leave it, so it has none.
                let times = &figures.time_in_stage;
                for time in &times[..n_stages - 1] {
                    assert!(time.confidence().enough(), "{label}: {time:?}");
                }
                assert_eq!(times[n_stages - 1].n_deals, 0, "{label}");
                assert_eq!(
                    figures.bottleneck.as_ref(),
                    Some(&built.stages[2].id),
                    "{label}"
                );
                let slowest = times[2].median_days.unwrap();
                assert!((slowest - 23.25).abs() < 1e-9, "{label}: {slowest}");
                for (index, time) in times.iter().enumerate() {
                    if let (true, Some(median)) = (index != 2, time.median_days) {
                        assert!(slowest > 2.0 * median, "{label}: stage {index} {median}");
                    }
                }

                // Lost reasons: the pipeline's own, every one of them, price the most common.
                let reasons: Vec<(&str, usize)> = figures
                    .lost_reasons
                    .iter()
                    .map(|row| (row.reason.as_str(), row.n_deals))
                    .collect();
                let own = &ws.lost_reasons;
                assert_eq!(
                    reasons,
                    [
                        (own[0].as_str(), 7),
                        (own[1].as_str(), 6),
                        // Equal counts in alphabetical order, which differs by language.
                        if own[2] < own[3] {
                            (own[2].as_str(), 5)
                        } else {
                            (own[3].as_str(), 5)
                        },
                        if own[2] < own[3] {
                            (own[3].as_str(), 5)
                        } else {
                            (own[2].as_str(), 5)
                        },
                        (own[4].as_str(), 2),
                    ],
                    "{label}"
                );

                // Funnel: every stage entered by at least five deals of the cohort.
                assert_eq!(figures.funnel[0].n_entered, 55, "{label}");
                for stage in &figures.funnel {
                    assert!(stage.conversion_to_next.enough(), "{label}: {stage:?}");
                }

                // Forecast: won deals in each of the last four months, and open deals expected
                // in each of the next four.
                let this_month = YearMonth::of(at.date_naive());
                let month_at = |offset: i32| {
                    let first = this_month.first_day();
                    let date = if offset < 0 {
                        first.checked_sub_months(Months::new(offset.unsigned_abs()))
                    } else {
                        first.checked_add_months(Months::new(offset as u32))
                    };
                    YearMonth::of(date.unwrap())
                };
                let row = |month: YearMonth| {
                    figures
                        .forecast
                        .iter()
                        .find(|row| row.month == month)
                        .unwrap_or_else(|| panic!("{label}: no forecast for {month:?}"))
                };
                for offset in -4..=-1 {
                    assert!(row(month_at(offset)).n_won > 0, "{label}: {offset}");
                }
                for offset in 1..=4 {
                    let ahead = row(month_at(offset));
                    assert!(
                        ahead.n_open > 0 && ahead.weighted_open_minor > 0,
                        "{label}: {offset}"
                    );
                }
                let n_open_in_forecast: usize = figures.forecast.iter().map(|r| r.n_open).sum();
                assert_eq!(n_open_in_forecast, 15, "{label}");
                assert_eq!(figures.open_deals_without_expected_close, 0, "{label}");
            }
        }
    }
}

#[test]
fn sample_deals_are_valid_restorable_and_removed_in_one_step() {
    for kind in TemplateKind::ALL {
        for lang in Lang::ALL {
            let (mut ws, built) = tried(kind, lang, now());
            assert_eq!(check_workspace(&ws), Ok(()), "{kind:?}/{lang:?}");
            assert!(ws.deals.iter().all(|d| d.sample), "{kind:?}/{lang:?}");
            let file = verify_export(export_workspace(&ws, "test", now())).unwrap();
            let restored = parse_backup(file.as_bytes()).unwrap().workspace;
            assert_eq!(restored, ws, "{kind:?}/{lang:?}");
            assert_eq!(export_workspace(&restored, "test", now()), file);
            assert_eq!(ws.remove_sample_deals(&built.id), 55, "{kind:?}/{lang:?}");
            assert!(ws.deals.is_empty());
            assert_eq!(ws.pipelines.len(), 1);
        }
    }
}

#[test]
fn sample_deals_depend_only_on_now() {
    let built = pipeline(TemplateKind::Agency, Lang::Nb, "p");
    let reasons = default_lost_reasons(Lang::Nb);
    let make =
        |at: DateTime<Utc>| sample_deals(&built, Lang::Nb, &reasons, at, &mut id_source("d"));
    assert_eq!(make(now()), make(now()));
    // Made ten days later, every date is ten days later and nothing else changes.
    let shift = Duration::days(10);
    let mut moved = make(now());
    for deal in &mut moved {
        deal.created_at += shift;
        deal.updated_at += shift;
        for change in &mut deal.history {
            change.at += shift;
        }
        if let DealStatus::Won { at } | DealStatus::Lost { at, .. } = &mut deal.status {
            *at += shift;
        }
        deal.expected_close = deal.expected_close.map(|date| date + shift);
        deal.next_step.due = deal.next_step.due.map(|date| date + shift);
    }
    assert_eq!(make(now() + shift), moved);
}

#[test]
fn sample_deals_lost_use_the_workspace_reasons() {
    let built = pipeline(TemplateKind::Startup, Lang::En, "p");
    let own = vec!["Budget cut".to_string(), "Went quiet".to_string()];
    let deals = sample_deals(&built, Lang::En, &own, now(), &mut id_source("d"));
    let mut used = BTreeSet::new();
    for deal in &deals {
        if let DealStatus::Lost { reason, .. } = &deal.status {
            used.insert(reason.as_str());
        }
    }
    assert_eq!(used, BTreeSet::from(["Budget cut", "Went quiet"]));
    // With no list at all, the language's default reasons.
    let deals = sample_deals(&built, Lang::Nb, &[], now(), &mut id_source("d"));
    let defaults = default_lost_reasons(Lang::Nb);
    for deal in &deals {
        if let DealStatus::Lost { reason, .. } = &deal.status {
            assert!(defaults.contains(reason), "{reason}");
        }
    }
}
