//! Times `metrics::insights` on 10,000 deals with realistic stage histories, and prints the
//! figures. Run with `cargo run --release --example bench_metrics`; it asserts nothing.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use pipewright::domain::metrics::{insights, Period};
use pipewright::domain::{
    Contact, Currency, Deal, DealStatus, Money, NextStep, Pipeline, Stage, StageChange, Workspace,
};
use std::hint::black_box;
use std::time::{Duration as StdDuration, Instant};

const N_DEALS: usize = 10_000;
const N_RUNS: usize = 20;

/// A small xorshift generator, so the dataset is the same on every run without extra crates.
struct PseudoRandom(u64);

impl PseudoRandom {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..bound`; `bound` must be above zero, which every caller here ensures.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn pipeline(now: DateTime<Utc>) -> Pipeline {
    let stages = [
        ("lead", "Lead", 10, 14),
        ("contact", "Contact made", 20, 14),
        ("needs", "Needs defined", 40, 21),
        ("proposal", "Proposal sent", 60, 21),
        ("negotiation", "Negotiation", 80, 14),
        ("signing", "Signing", 90, 7),
    ];
    Pipeline {
        id: "bench".into(),
        name: "Benchmark".into(),
        currency: Currency::nok(),
        stages: stages
            .iter()
            .map(|(id, name, probability, rot_days)| Stage {
                id: (*id).into(),
                name: name.to_string(),
                guidance: String::new(),
                probability: *probability,
                rot_days: *rot_days,
            })
            .collect(),
        created_at: now - Duration::days(1000),
    }
}

/// One deal created within the last two years that walks the stages, mostly forward, now and
/// then back or skipping one, and ends open, won or lost.
fn deal(
    n: usize,
    pipeline: &Pipeline,
    currencies: &[Currency],
    reasons: &[String],
    now: DateTime<Utc>,
    random: &mut PseudoRandom,
) -> Deal {
    let last_stage = pipeline.stages.len() - 1;
    let created_at = now - Duration::minutes(random.below(730 * 24 * 60) as i64);
    let mut at = created_at;
    let mut stage = 0usize;
    let mut history = vec![StageChange {
        from: None,
        to: pipeline.stages[0].id.clone(),
        at,
    }];
    let n_moves = random.below(9);
    for _ in 0..n_moves {
        let next_at = at + Duration::minutes(random.below(30 * 24 * 60) as i64 + 60);
        if next_at >= now {
            break;
        }
        let roll = random.below(100);
        let next_stage = if roll < 15 && stage > 0 {
            stage - 1
        } else if roll < 25 {
            (stage + 2).min(last_stage)
        } else {
            (stage + 1).min(last_stage)
        };
        if next_stage == stage {
            continue;
        }
        history.push(StageChange {
            from: Some(pipeline.stages[stage].id.clone()),
            to: pipeline.stages[next_stage].id.clone(),
            at: next_at,
        });
        stage = next_stage;
        at = next_at;
    }
    let close_at = (at + Duration::minutes(random.below(20 * 24 * 60) as i64 + 60)).min(now);
    let status = match random.below(3) {
        0 => DealStatus::Open,
        1 => DealStatus::Won { at: close_at },
        _ => DealStatus::Lost {
            at: close_at,
            reason: reasons[random.below(reasons.len() as u64) as usize].clone(),
            note: String::new(),
        },
    };
    let today = now.date_naive();
    let expected_close = random
        .chance(85)
        .then(|| today + Duration::days(random.below(240) as i64 - 60));
    Deal {
        id: format!("deal-{n:05}").into(),
        pipeline_id: pipeline.id.clone(),
        stage_id: pipeline.stages[stage].id.clone(),
        rank: n as i64,
        title: format!("Deal {n}"),
        organisation: format!("Organisation {}", n % 700),
        contact: Contact::default(),
        amount: Money::new(
            (random.below(2_000_000) as i64 + 1_000) * 100,
            currencies[random.below(currencies.len() as u64) as usize].clone(),
        ),
        expected_close,
        probability: random.chance(10).then(|| random.below(101) as u8),
        notes: String::new(),
        next_step: NextStep {
            text: if random.chance(80) {
                "Follow up".into()
            } else {
                String::new()
            },
            due: random
                .chance(70)
                .then(|| today + Duration::days(random.below(60) as i64 - 20)),
        },
        created_at,
        updated_at: close_at.max(at),
        status,
        history,
        sample: false,
        rev: 1,
    }
}

fn workspace(now: DateTime<Utc>) -> Workspace {
    let pipeline = pipeline(now);
    let currencies: Vec<Currency> = ["NOK", "EUR", "USD"]
        .iter()
        .filter_map(|code| Currency::parse(code).ok())
        .collect();
    let reasons: Vec<String> = [
        "Price",
        "Chose a competitor",
        "No need right now",
        "No response",
        "Other",
    ]
    .iter()
    .map(|r| r.to_string())
    .collect();
    let mut random = PseudoRandom(0x9E37_79B9_7F4A_7C15);
    let deals = (0..N_DEALS)
        .map(|n| deal(n, &pipeline, &currencies, &reasons, now, &mut random))
        .collect();
    Workspace {
        pipelines: vec![pipeline],
        deals,
        lost_reasons: reasons,
    }
}

fn milliseconds(duration: StdDuration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    let Some(now) = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).single() else {
        eprintln!("the benchmark's fixed time is not a valid UTC time");
        return;
    };
    let ws = workspace(now);
    let n_entries: usize = ws.deals.iter().map(|d| d.history.len()).sum();
    println!(
        "{} deals, {} history entries, {} stages",
        ws.deals.len(),
        n_entries,
        ws.pipelines[0].stages.len()
    );

    let periods = [
        ("this month", Period::this_month(now)),
        ("last 12 months", Period::last_12_months(now)),
        (
            "custom 2 years",
            NaiveDate::from_ymd_opt(2024, 3, 1)
                .and_then(|start| Period::custom(start, now.date_naive()).ok())
                .unwrap_or(Period::last_12_months(now)),
        ),
    ];
    for (name, period) in periods {
        let mut timings = Vec::with_capacity(N_RUNS);
        let mut last = None;
        for _ in 0..N_RUNS {
            let started = Instant::now();
            let result = insights(black_box(&ws), black_box("bench"), period, now);
            timings.push(started.elapsed());
            last = black_box(result);
        }
        timings.sort();
        let min = timings.first().copied().unwrap_or_default();
        let median = timings.get(timings.len() / 2).copied().unwrap_or_default();
        let max = timings.last().copied().unwrap_or_default();
        println!(
            "insights, {name:<14} ({} to {}): min {:.3} ms, median {:.3} ms, max {:.3} ms over {N_RUNS} runs",
            period.start,
            period.end,
            milliseconds(min),
            milliseconds(median),
            milliseconds(max),
        );
        if let Some(result) = last {
            println!(
                "  win rate {}/{}, funnel entered {:?}, attention {}, bottleneck {}",
                result.win_rate.hits,
                result.win_rate.n,
                result
                    .funnel
                    .iter()
                    .map(|s| s.n_entered)
                    .collect::<Vec<_>>(),
                result.attention.len(),
                result.bottleneck.as_deref().unwrap_or("none"),
            );
        }
    }
}
