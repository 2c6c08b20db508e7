//! Pipeline metrics and the insight view's report, period picker and chart geometry, on
//! small hand-built datasets, each answer worked out by hand in the test.
#![cfg(not(target_arch = "wasm32"))]

use crate::util::{currency, date};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pipewright::domain::insights::{
    forecast_charts, funnel_widths, input_date, Anchor, AttentionRow, ForecastTotals, MonthLabel,
    PeriodChoice, PeriodForm, PeriodProblem, Report, Span, BASELINE, CHART_HEIGHT, CHART_WIDTH,
    LABEL_Y,
};
use pipewright::domain::metrics::*;
use pipewright::domain::{
    Contact, Currency, Deal, DealStatus, Money, NextStep, Pipeline, Stage, StageChange, Workspace,
};

// ---------------------------------------------------------------------------------------
// Builders: terse, so each dataset reads as the story the test is about.
// ---------------------------------------------------------------------------------------

fn time(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, 0, 0)
        .single()
        .expect("a valid test time")
}

fn midnight(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    time(year, month, day, 0)
}

fn period(start: NaiveDate, end: NaiveDate) -> Period {
    Period::custom(start, end).expect("a valid test period")
}

fn january_2026() -> Period {
    period(date(2026, 1, 1), date(2026, 1, 31))
}

fn first_quarter_2026() -> Period {
    period(date(2026, 1, 1), date(2026, 3, 31))
}

/// A NOK pipeline with id "p" and the given (stage id, probability) in board order; rot days
/// are 14 everywhere.
fn pipeline(stages: &[(&str, u8)]) -> Pipeline {
    Pipeline {
        id: "p".into(),
        name: "Sales".into(),
        currency: Currency::nok(),
        stages: stages
            .iter()
            .map(|(id, probability)| Stage {
                id: (*id).into(),
                name: id.to_uppercase(),
                guidance: String::new(),
                probability: *probability,
                rot_days: 14,
            })
            .collect(),
        created_at: midnight(2025, 1, 1),
    }
}

/// An open deal in pipeline "p" that entered the given stages at the given times, in order;
/// it was created at its first entry and last changed at its last one.
fn deal(id: &str, minor: i64, code: &str, moves: &[(&str, DateTime<Utc>)]) -> Deal {
    let created_at = moves.first().map_or(midnight(2026, 1, 1), |(_, at)| *at);
    let mut history = Vec::new();
    let mut from: Option<String> = None;
    for (to, at) in moves {
        history.push(StageChange {
            from: from.clone().map(Into::into),
            to: (*to).into(),
            at: *at,
        });
        from = Some(to.to_string());
    }
    Deal {
        id: id.into(),
        pipeline_id: "p".into(),
        stage_id: from.unwrap_or_default().into(),
        rank: 0,
        title: id.into(),
        organisation: String::new(),
        contact: Contact::default(),
        amount: Money::new(minor, currency(code)),
        expected_close: None,
        probability: None,
        notes: String::new(),
        next_step: NextStep {
            text: "Call".into(),
            due: None,
        },
        created_at,
        updated_at: moves.last().map_or(created_at, |(_, at)| *at),
        status: DealStatus::Open,
        history,
        sample: false,
        rev: 1,
    }
}

fn won(mut deal: Deal, at: DateTime<Utc>) -> Deal {
    deal.status = DealStatus::Won { at };
    deal
}

fn lost(mut deal: Deal, at: DateTime<Utc>, reason: &str) -> Deal {
    deal.status = DealStatus::Lost {
        at,
        reason: reason.into(),
        note: String::new(),
    };
    deal
}

fn expecting(mut deal: Deal, close: NaiveDate) -> Deal {
    deal.expected_close = Some(close);
    deal
}

fn workspace(pipeline: Pipeline, deals: Vec<Deal>) -> Workspace {
    Workspace {
        pipelines: vec![pipeline],
        deals,
        lost_reasons: Vec::new(),
    }
}

fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a figure, not None");
    assert!(
        (actual - expected).abs() < 1e-9,
        "expected {expected}, got {actual}"
    );
}

/// Every figure of pipeline "p" over the period. `now` only decides which deals need
/// attention, so any fixed time will do for the other figures.
fn figures(ws: &Workspace, period: Period) -> Insights {
    insights(ws, "p", period, midnight(2026, 6, 1)).expect("pipeline p exists")
}

/// The deals of pipeline "p" needing attention at `now`; the period does not apply to them.
fn attention_at(ws: &Workspace, now: DateTime<Utc>) -> Vec<AttentionDeal> {
    insights(ws, "p", january_2026(), now)
        .expect("pipeline p exists")
        .attention
}

fn row<'a>(rows: &'a [ForecastRow], year: i32, month: u32, code: &str) -> &'a ForecastRow {
    rows.iter()
        .find(|r| r.month == YearMonth { year, month } && r.currency.code() == code)
        .unwrap_or_else(|| panic!("no forecast row for {year}-{month} {code}"))
}

// ---------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------

#[test]
fn periods_are_whole_utc_calendar_months() {
    // 23:30 UTC on 31 January is already February east of UTC; the period must not care.
    let now = time(2026, 1, 31, 23) + chrono::Duration::minutes(30);
    let month = Period::this_month(now);
    assert_eq!(
        (month.start, month.end),
        (date(2026, 1, 1), date(2026, 1, 31))
    );

    // 2024 is a leap year, so February has 29 days.
    let february = Period::this_month(midnight(2024, 2, 10));
    assert_eq!(february.end, date(2024, 2, 29));

    // 10 May is in the second quarter: April, May, June.
    let quarter = Period::this_quarter(midnight(2026, 5, 10));
    assert_eq!(
        (quarter.start, quarter.end),
        (date(2026, 4, 1), date(2026, 6, 30))
    );
    let fourth = Period::this_quarter(midnight(2026, 12, 31));
    assert_eq!(
        (fourth.start, fourth.end),
        (date(2026, 10, 1), date(2026, 12, 31))
    );

    // February 2026 and the eleven months before it: March 2025 to February 2026.
    let year = Period::last_12_months(midnight(2026, 2, 14));
    assert_eq!(
        (year.start, year.end),
        (date(2025, 3, 1), date(2026, 2, 28))
    );
    assert_eq!(year.months().len(), 12);
    assert_eq!(
        year.months()[0],
        YearMonth {
            year: 2025,
            month: 3
        }
    );
}

#[test]
fn a_custom_period_is_checked() {
    assert_eq!(
        Period::custom(date(2026, 2, 1), date(2026, 1, 31)),
        Err(PeriodError::StartAfterEnd)
    );
    let one_day = Period::custom(date(2026, 2, 1), date(2026, 2, 1)).expect("one day is fine");
    assert!(one_day.contains(date(2026, 2, 1)));
    assert!(!one_day.contains(date(2026, 2, 2)));
    // 1900-01 to 2100-12 spans 2412 months, beyond the hundred-year limit.
    assert_eq!(
        Period::custom(date(1900, 1, 1), date(2100, 12, 31)),
        Err(PeriodError::TooLong {
            max_months: MAX_PERIOD_MONTHS
        })
    );
}

#[test]
fn periods_at_the_ends_of_time_do_not_panic() {
    for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        for period in [
            Period::this_month(now),
            Period::this_quarter(now),
            Period::last_12_months(now),
        ] {
            assert!(period.start <= period.end, "{period:?}");
            assert!(period.contains(now.date_naive()), "{period:?}");
        }
    }
    // A hand-built period far longer than custom() allows still yields a bounded month list.
    let everything = Period {
        start: NaiveDate::MIN,
        end: NaiveDate::MAX,
    };
    assert_eq!(everything.months().len(), MAX_PERIOD_MONTHS as usize);
}

// ---------------------------------------------------------------------------------------
// Forecast
// ---------------------------------------------------------------------------------------

fn forecast_dataset() -> Workspace {
    let p = pipeline(&[("lead", 10), ("qualified", 40), ("proposal", 70)]);
    let created = midnight(2025, 12, 1);
    let deals = vec![
        // Won in January: 100,000.00 NOK.
        won(
            deal("won-jan", 10_000_000, "NOK", &[("lead", created)]),
            time(2026, 1, 10, 9),
        ),
        // Won in February: 5,000.00 EUR.
        won(
            deal("won-feb", 500_000, "EUR", &[("proposal", created)]),
            time(2026, 2, 3, 9),
        ),
        // Open in Qualified (40 %), 50,000.00 NOK expected 20 January: 20,000.00 weighted.
        expecting(
            deal("open-jan", 5_000_000, "NOK", &[("qualified", created)]),
            date(2026, 1, 20),
        ),
        // Open in Lead but with its own 25 %: 10,000.00 × 25 % = 2,500.00 in February.
        {
            let mut own = expecting(
                deal("open-feb", 1_000_000, "NOK", &[("lead", created)]),
                date(2026, 2, 15),
            );
            own.probability = Some(25);
            own
        },
        // 1,000.05 EUR at 70 %: 100,005 × 70 / 100 = 70,003.5, rounded half away to 70,004.
        expecting(
            deal("open-feb-eur", 100_005, "EUR", &[("proposal", created)]),
            date(2026, 2, 20),
        ),
        // Expected in March: outside the period.
        expecting(
            deal("open-mar", 100_005, "EUR", &[("proposal", created)]),
            date(2026, 3, 5),
        ),
        // Lost deals are never in the forecast.
        lost(
            deal("lost-jan", 9_999_900, "NOK", &[("lead", created)]),
            time(2026, 1, 5, 9),
            "Price",
        ),
        // Won a minute before the period starts (UTC): outside.
        won(
            deal("won-dec", 7_700_000, "NOK", &[("lead", created)]),
            time(2025, 12, 31, 23) + chrono::Duration::minutes(59),
        ),
        // No expected close date: the forecast cannot place it, but it is counted apart.
        deal("open-undated", 3_000_000, "NOK", &[("lead", created)]),
    ];
    workspace(p, deals)
}

#[test]
fn forecast_adds_won_and_weighted_open_per_month_and_currency() {
    let ws = forecast_dataset();
    let rows = figures(&ws, period(date(2026, 1, 1), date(2026, 2, 28))).forecast;
    // Two months × two currencies (EUR, NOK), month first, then currency code.
    let order: Vec<(u32, &str)> = rows
        .iter()
        .map(|r| (r.month.month, r.currency.code()))
        .collect();
    assert_eq!(order, vec![(1, "EUR"), (1, "NOK"), (2, "EUR"), (2, "NOK")]);

    let jan_eur = row(&rows, 2026, 1, "EUR");
    assert_eq!(
        (
            jan_eur.won_minor,
            jan_eur.weighted_open_minor,
            jan_eur.n_won,
            jan_eur.n_open
        ),
        (0, 0, 0, 0)
    );
    // January NOK: won 10,000,000; open 5,000,000 × 40 % = 2,000,000.
    let jan_nok = row(&rows, 2026, 1, "NOK");
    assert_eq!(
        (
            jan_nok.won_minor,
            jan_nok.weighted_open_minor,
            jan_nok.n_won,
            jan_nok.n_open
        ),
        (10_000_000, 2_000_000, 1, 1)
    );
    // February EUR: won 500,000; open 100,005 × 70 % = 70,003.5 → 70,004.
    let feb_eur = row(&rows, 2026, 2, "EUR");
    assert_eq!(
        (
            feb_eur.won_minor,
            feb_eur.weighted_open_minor,
            feb_eur.n_won,
            feb_eur.n_open
        ),
        (500_000, 70_004, 1, 1)
    );
    // February NOK: the deal's own 25 % beats Lead's 10 %: 1,000,000 × 25 % = 250,000.
    let feb_nok = row(&rows, 2026, 2, "NOK");
    assert_eq!(
        (
            feb_nok.won_minor,
            feb_nok.weighted_open_minor,
            feb_nok.n_won,
            feb_nok.n_open
        ),
        (0, 250_000, 0, 1)
    );
}

#[test]
fn forecast_looks_ahead_from_a_period_that_holds_today_and_sums_this_quarter_and_the_next() {
    let ws = forecast_dataset();
    // Today is 15 January: the period January–February reaches June.
    let all = insights(
        &ws,
        "p",
        period(date(2026, 1, 1), date(2026, 2, 28)),
        midnight(2026, 1, 15),
    )
    .expect("pipeline p");
    assert_eq!(
        all.forecast_period,
        period(date(2026, 1, 1), date(2026, 6, 30))
    );
    let months: Vec<(i32, u32)> = all
        .forecast
        .iter()
        .filter(|r| r.currency.code() == "NOK")
        .map(|r| (r.month.year, r.month.month))
        .collect();
    assert_eq!(
        months,
        [
            (2026, 1),
            (2026, 2),
            (2026, 3),
            (2026, 4),
            (2026, 5),
            (2026, 6)
        ]
    );
    // March is now in view: open-mar, 1,000.05 EUR at 70 % = 70,004 minor.
    assert_eq!(
        row(&all.forecast, 2026, 3, "EUR").weighted_open_minor,
        70_004
    );
    // A period wholly in the past is left as it is.
    let past = insights(&ws, "p", january_2026(), midnight(2026, 6, 1)).expect("pipeline p");
    assert_eq!(past.forecast_period, january_2026());

    // This quarter (January–March), per currency, worked by hand:
    //   NOK: won 100,000.00 (won-jan) + open 20,000.00 (open-jan) + 2,500.00 (open-feb)
    //   EUR: won 5,000.00 (won-feb) + open 700.04 (open-feb-eur) + 700.04 (open-mar)
    // The next quarter (April–June) has nothing, in the pipeline's currency.
    let quarter = |current: bool, code: &str| {
        all.quarters
            .iter()
            .find(|q| q.current == current && q.currency.code() == code)
            .unwrap_or_else(|| panic!("a quarter row for {code}"))
    };
    let nok = quarter(true, "NOK");
    assert_eq!(nok.quarter, period(date(2026, 1, 1), date(2026, 3, 31)));
    assert_eq!(
        (nok.won_minor, nok.weighted_open_minor),
        (10_000_000, 2_250_000)
    );
    assert_eq!(nok.total_minor(), 12_250_000);
    let eur = quarter(true, "EUR");
    assert_eq!((eur.won_minor, eur.weighted_open_minor), (500_000, 140_008));
    let next = quarter(false, "NOK");
    assert_eq!(next.quarter, period(date(2026, 4, 1), date(2026, 6, 30)));
    assert_eq!((next.won_minor, next.weighted_open_minor), (0, 0));
    assert_eq!(all.quarters.iter().filter(|q| !q.current).count(), 1);
}

#[test]
fn forecast_counts_only_dates_inside_a_partial_month() {
    let ws = forecast_dataset();
    // 15 January to 10 February: the 10 January win and 15 and 20 February closes fall out.
    let rows = figures(&ws, period(date(2026, 1, 15), date(2026, 2, 10))).forecast;
    assert_eq!(rows.len(), 4);
    let jan_nok = row(&rows, 2026, 1, "NOK");
    assert_eq!(
        (jan_nok.won_minor, jan_nok.weighted_open_minor),
        (0, 2_000_000)
    );
    let feb_eur = row(&rows, 2026, 2, "EUR");
    assert_eq!(
        (feb_eur.won_minor, feb_eur.weighted_open_minor),
        (500_000, 0)
    );
    let feb_nok = row(&rows, 2026, 2, "NOK");
    assert_eq!((feb_nok.won_minor, feb_nok.weighted_open_minor), (0, 0));
}

#[test]
fn forecast_of_an_empty_pipeline_has_a_zero_bar_per_month() {
    let ws = workspace(pipeline(&[("lead", 10)]), Vec::new());
    let rows = figures(&ws, first_quarter_2026()).forecast;
    // Three months, each labelled with the pipeline's own currency and all zero.
    assert_eq!(rows.len(), 3);
    for (row, month) in rows.iter().zip(1..=3) {
        assert_eq!(row.month, YearMonth { year: 2026, month });
        assert_eq!(row.currency, Currency::nok());
        assert_eq!(
            (
                row.won_minor,
                row.weighted_open_minor,
                row.n_won,
                row.n_open
            ),
            (0, 0, 0, 0)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Funnel
// ---------------------------------------------------------------------------------------

fn funnel_dataset() -> Workspace {
    let p = pipeline(&[("a", 10), ("b", 30), ("c", 60), ("d", 90)]);
    let day = |d: u32| midnight(2026, 1, d);
    let deals = vec![
        // d1: a → b → c, then won. Entered a, b, c; went on from each (the win counts).
        won(
            deal(
                "d1",
                100,
                "NOK",
                &[("a", day(2)), ("b", day(5)), ("c", day(8))],
            ),
            day(20),
        ),
        // d2: a → c, skipping b, still open. Entered a and c only; went on from a, not c.
        deal("d2", 100, "NOK", &[("a", day(3)), ("c", day(6))]),
        // d3: a → b → back to a, then lost. Went on from a (b came later); not from b.
        lost(
            deal(
                "d3",
                100,
                "NOK",
                &[("a", day(4)), ("b", day(6)), ("a", day(9))],
            ),
            day(12),
            "Price",
        ),
        // d4: a → b → a → b → c → b, open. Each stage counted once; went on from a and b
        // (c came after the first entry into b), not from c (only a step back followed).
        deal(
            "d4",
            100,
            "NOK",
            &[
                ("a", day(5)),
                ("b", day(6)),
                ("a", day(7)),
                ("b", day(8)),
                ("c", day(9)),
                ("b", day(10)),
            ],
        ),
        // d5: created in December, before the period: not in the cohort.
        won(
            deal(
                "d5",
                100,
                "NOK",
                &[("a", midnight(2025, 12, 10)), ("b", day(2)), ("c", day(3))],
            ),
            day(4),
        ),
        // d6: created straight into b, then lost. Entered b only; did not go on.
        lost(deal("d6", 100, "NOK", &[("b", day(10))]), day(15), "Price"),
        // d7: created in February, after the period: not in the cohort.
        deal("d7", 100, "NOK", &[("a", midnight(2026, 2, 1))]),
    ];
    workspace(p, deals)
}

#[test]
fn funnel_counts_entries_once_and_conversions_forward_only() {
    let ws = funnel_dataset();
    let stages = figures(&ws, january_2026()).funnel;
    let counts: Vec<(&str, usize, usize, usize)> = stages
        .iter()
        .map(|s| (s.stage_id.as_str(), s.n_entered, s.n_went_on, s.n_won))
        .collect();
    // a: entered by d1 d2 d3 d4 = 4, all went on, d1 won.
    // b: entered by d1 d3 d4 d6 = 4 (d2 skipped it), went on d1 d4 = 2, d1 won.
    // c: entered by d1 d2 d4 = 3, went on d1 (won) = 1, d1 won.
    // d: never entered.
    assert_eq!(
        counts,
        vec![
            ("a", 4, 4, 1),
            ("b", 4, 2, 1),
            ("c", 3, 1, 1),
            ("d", 0, 0, 0)
        ]
    );
    assert_close(stages[0].conversion_to_next.value(), 1.0); // 4 / 4
    assert_close(stages[1].conversion_to_next.value(), 0.5); // 2 / 4
    assert_close(stages[2].conversion_to_next.value(), 1.0 / 3.0); // 1 / 3
    assert_close(stages[1].conversion_to_won.value(), 0.25); // 1 / 4
    assert_eq!(stages[3].conversion_to_next.value(), None);
    assert_eq!(
        stages[3].conversion_to_next.confidence(),
        Confidence::NoData
    );
    // Four deals are fewer than the threshold of five.
    assert_eq!(
        stages[0].conversion_to_next.confidence(),
        Confidence::TooFew
    );
}

#[test]
fn funnel_a_backward_move_alone_is_not_a_conversion() {
    let p = pipeline(&[("a", 10), ("b", 30), ("c", 60)]);
    let day = |d: u32| midnight(2026, 1, d);
    // c → b → a: entered all three, but every move was backwards, so none went on.
    let ws = workspace(
        p,
        vec![deal(
            "back",
            100,
            "NOK",
            &[("c", day(2)), ("b", day(3)), ("a", day(4))],
        )],
    );
    let stages = figures(&ws, january_2026()).funnel;
    let counts: Vec<(usize, usize)> = stages.iter().map(|s| (s.n_entered, s.n_went_on)).collect();
    assert_eq!(counts, vec![(1, 0), (1, 0), (1, 0)]);
}

#[test]
fn funnel_ignores_entries_into_a_removed_stage() {
    let p = pipeline(&[("a", 10), ("b", 30)]);
    let day = |d: u32| midnight(2026, 1, d);
    // a → x (since removed) → b: x is not a stage any more; a went on to b.
    // A second deal sits in the removed stage x now: it entered a and did not go on.
    let ws = workspace(
        p,
        vec![
            deal(
                "via-x",
                100,
                "NOK",
                &[("a", day(2)), ("x", day(3)), ("b", day(4))],
            ),
            deal("in-x", 100, "NOK", &[("a", day(2)), ("x", day(3))]),
        ],
    );
    let stages = figures(&ws, january_2026()).funnel;
    let counts: Vec<(&str, usize, usize)> = stages
        .iter()
        .map(|s| (s.stage_id.as_str(), s.n_entered, s.n_went_on))
        .collect();
    assert_eq!(counts, vec![("a", 2, 1), ("b", 1, 0)]);
}

#[test]
fn stage_ids_that_look_alike_are_still_told_apart() {
    // Same length and same first character: only the whole id tells them apart.
    let p = pipeline(&[("stage-1", 10), ("stage-2", 30), ("stage-3", 60)]);
    let day = |d: u32| midnight(2026, 1, d);
    let ws = workspace(
        p,
        vec![
            deal(
                "d1",
                100,
                "NOK",
                &[("stage-1", day(2)), ("stage-3", day(3))],
            ),
            deal("d2", 100, "NOK", &[("stage-2", day(2))]),
        ],
    );
    let stages = figures(&ws, january_2026()).funnel;
    let counts: Vec<(usize, usize)> = stages.iter().map(|s| (s.n_entered, s.n_went_on)).collect();
    // stage-1: d1 entered and went on to stage-3; stage-2: d2 only; stage-3: d1 only.
    assert_eq!(counts, vec![(1, 1), (1, 0), (1, 0)]);
}

#[test]
fn a_pipeline_with_very_many_stages_resolves_every_stage() {
    // Forty stages: every id resolves to its own index, whatever its place in the list.
    let ids: Vec<String> = (0..40).map(|n| format!("s{n}")).collect();
    let stages: Vec<(&str, u8)> = ids.iter().map(|id| (id.as_str(), 50)).collect();
    let day = |d: u32| midnight(2026, 1, d);
    // s0 → s39 (skipping the rest) → won; and s20 → s10, a step back.
    let ws = workspace(
        pipeline(&stages),
        vec![
            won(
                deal("d1", 100, "NOK", &[("s0", day(2)), ("s39", day(3))]),
                day(4),
            ),
            deal("d2", 100, "NOK", &[("s20", day(2)), ("s10", day(3))]),
        ],
    );
    let stages = figures(&ws, january_2026()).funnel;
    let entered: Vec<usize> = stages.iter().map(|s| s.n_entered).collect();
    let mut expected = vec![0; 40];
    for index in [0, 10, 20, 39] {
        expected[index] = 1;
    }
    assert_eq!(entered, expected);
    // s0 and s39 went on (a later stage, then the win); s20 stepped back; s10 is current.
    let went_on: Vec<usize> = [0, 10, 20, 39]
        .iter()
        .map(|i| stages[*i].n_went_on)
        .collect();
    assert_eq!(went_on, vec![1, 0, 0, 1]);
}

// ---------------------------------------------------------------------------------------
// Time in stage
// ---------------------------------------------------------------------------------------

#[test]
fn time_in_stage_sums_re_entries_and_takes_median_and_mean() {
    let p = pipeline(&[("a", 10), ("b", 30), ("c", 60)]);
    let day = |d: u32| midnight(2026, 1, d);
    let deals = vec![
        // d1: a 1 Jan → b 4 Jan → c 10 Jan. a: 3 days, b: 6 days; c not left.
        deal(
            "d1",
            100,
            "NOK",
            &[("a", day(1)), ("b", day(4)), ("c", day(10))],
        ),
        // d2: a 2 Jan 00:00 → b 3 Jan 00:00 (a 1 day) → a 5 Jan 00:00 (b 2 days)
        //     → b 6 Jan 12:00 (a 1.5 days) → c 8 Jan 12:00 (b 2 days).
        //     a: 1 + 1.5 = 2.5 days, b: 2 + 2 = 4 days.
        deal(
            "d2",
            100,
            "NOK",
            &[
                ("a", day(2)),
                ("b", day(3)),
                ("a", day(5)),
                ("b", time(2026, 1, 6, 12)),
                ("c", time(2026, 1, 8, 12)),
            ],
        ),
        // d3: won from a without moving: winning is not a stage change, so a was not left.
        won(deal("d3", 100, "NOK", &[("a", day(1))]), day(20)),
        // d4: a 20 Dec → b 25 Dec → c 9 Jan. The a visit ended in December, outside the
        //     period; the b visit ended 9 January: 15 days (6 in December + 9 in January).
        deal(
            "d4",
            100,
            "NOK",
            &[
                ("a", midnight(2025, 12, 20)),
                ("b", midnight(2025, 12, 25)),
                ("c", day(9)),
            ],
        ),
        // d5: a 1 Jan → b 11 Jan, lost 15 Jan. a: 10 days; its last b visit never ended.
        lost(
            deal("d5", 100, "NOK", &[("a", day(1)), ("b", day(11))]),
            day(15),
            "Price",
        ),
    ];
    let ws = workspace(p, deals);
    let times = figures(&ws, january_2026()).time_in_stage;
    // a: [3, 2.5, 10] → sorted [2.5, 3, 10]: median 3, mean 15.5 / 3.
    assert_eq!(times[0].n_deals, 3);
    assert_close(times[0].median_days, 3.0);
    assert_close(times[0].mean_days, 15.5 / 3.0);
    // b: [6, 4, 15] → sorted [4, 6, 15]: median 6, mean 25 / 3.
    assert_eq!(times[1].n_deals, 3);
    assert_close(times[1].median_days, 6.0);
    assert_close(times[1].mean_days, 25.0 / 3.0);
    // c: nobody left it.
    assert_eq!(
        (times[2].n_deals, times[2].median_days, times[2].mean_days),
        (0, None, None)
    );
    // The bottleneck is the largest median: b (6) over a (3).
    assert_eq!(bottleneck(&times), Some("b".into()));
}

#[test]
fn bottleneck_tie_goes_to_the_earlier_stage_and_even_counts_average_the_middle() {
    let p = pipeline(&[("a", 10), ("b", 30), ("c", 60)]);
    let day = |d: u32| midnight(2026, 1, d);
    let deals = vec![
        // a: 2 and 4 days → median (2 + 4) / 2 = 3.  b: 3 days → median 3. A tie: a wins.
        deal(
            "d1",
            100,
            "NOK",
            &[("a", day(1)), ("b", day(3)), ("c", day(6))],
        ),
        deal("d2", 100, "NOK", &[("a", day(1)), ("c", day(5))]),
    ];
    let ws = workspace(p, deals);
    let times = figures(&ws, january_2026()).time_in_stage;
    assert_close(times[0].median_days, 3.0);
    assert_close(times[1].median_days, 3.0);
    assert_eq!(bottleneck(&times), Some("a".into()));
}

#[test]
fn median_of_an_even_count_is_the_mean_of_the_two_middle_values() {
    let p = pipeline(&[("a", 10), ("b", 30)]);
    let day = |d: u32| midnight(2026, 1, d);
    // Days in a, given out of order: 5, 1, 10, 3 → sorted 1, 3, 5, 10.
    // Median (3 + 5) / 2 = 4; mean (5 + 1 + 10 + 3) / 4 = 19 / 4 = 4.75.
    let deals = vec![
        deal("d1", 100, "NOK", &[("a", day(1)), ("b", day(6))]),
        deal("d2", 100, "NOK", &[("a", day(1)), ("b", day(2))]),
        deal("d3", 100, "NOK", &[("a", day(1)), ("b", day(11))]),
        deal("d4", 100, "NOK", &[("a", day(1)), ("b", day(4))]),
    ];
    let ws = workspace(p, deals);
    let times = figures(&ws, january_2026()).time_in_stage;
    assert_eq!(times[0].n_deals, 4);
    assert_close(times[0].median_days, 4.0);
    assert_close(times[0].mean_days, 4.75);
    assert_eq!(times[0].confidence(), Confidence::TooFew);
}

#[test]
fn time_in_stage_ends_a_visit_at_a_move_into_a_removed_stage_and_clamps_backwards_time() {
    let p = pipeline(&[("a", 10), ("b", 30)]);
    let day = |d: u32| midnight(2026, 1, d);
    let deals = vec![
        // a 1 Jan → x (removed) 3 Jan → b 4 Jan → a 5 Jan: a 2 days, b 1 day, x no row.
        deal(
            "d1",
            100,
            "NOK",
            &[("a", day(1)), ("x", day(3)), ("b", day(4)), ("a", day(5))],
        ),
        // A history out of time order (b at 10 Jan, then a at 8 Jan) counts as zero days.
        deal("d2", 100, "NOK", &[("b", day(10)), ("a", day(8))]),
    ];
    let ws = workspace(p, deals);
    let times = figures(&ws, january_2026()).time_in_stage;
    assert_eq!(times.len(), 2);
    assert_eq!(times[0].n_deals, 1);
    assert_close(times[0].median_days, 2.0);
    // b: d1 1 day, d2 0 days → median 0.5, mean 0.5.
    assert_eq!(times[1].n_deals, 2);
    assert_close(times[1].median_days, 0.5);
    assert_close(times[1].mean_days, 0.5);
}

#[test]
fn no_bottleneck_when_no_deal_left_any_stage() {
    let p = pipeline(&[("a", 10), ("b", 30)]);
    let ws = workspace(
        p,
        vec![deal("d1", 100, "NOK", &[("a", midnight(2026, 1, 2))])],
    );
    let times = figures(&ws, january_2026()).time_in_stage;
    assert!(times
        .iter()
        .all(|t| t.n_deals == 0 && t.median_days.is_none()));
    assert_eq!(bottleneck(&times), None);
    assert_eq!(bottleneck(&[]), None);
}

// ---------------------------------------------------------------------------------------
// Win rate, deal size, sales cycle, velocity
// ---------------------------------------------------------------------------------------

#[test]
fn win_rate_counts_closes_in_the_period_and_leaves_open_deals_out() {
    let p = pipeline(&[("a", 10)]);
    let start = midnight(2025, 11, 1);
    let make = |id: &str| deal(id, 100, "NOK", &[("a", start)]);
    let mut deals = vec![
        won(make("w1"), midnight(2026, 1, 5)),
        won(make("w2"), midnight(2026, 2, 5)),
        won(make("w3"), midnight(2026, 3, 31)),
        lost(make("l1"), midnight(2026, 3, 1), "Price"),
        // Outside the first quarter: not counted.
        won(make("w-before"), midnight(2025, 12, 15)),
        lost(make("l-after"), midnight(2026, 4, 1), "Price"),
        // Open deals are not in the denominator.
        make("o1"),
        make("o2"),
    ];
    let ws = workspace(p.clone(), deals.clone());
    let rate = figures(&ws, first_quarter_2026()).win_rate;
    // 3 won / (3 won + 1 lost) = 0.75 over n = 4, which is too few to trust.
    assert_eq!(rate, Rate { hits: 3, n: 4 });
    assert_close(rate.value(), 0.75);
    assert_close(rate.percent(), 75.0);
    assert_eq!(rate.confidence(), Confidence::TooFew);
    assert!(!rate.enough());

    // One more loss: 3 / 5 = 0.6, and five deals are enough.
    deals.push(lost(make("l2"), midnight(2026, 2, 20), "Price"));
    let ws = workspace(p, deals);
    let rate = figures(&ws, first_quarter_2026()).win_rate;
    assert_close(rate.value(), 0.6);
    assert!(rate.enough());
    assert_eq!(MIN_DEALS_FOR_CONFIDENCE, 5);
}

#[test]
fn average_deal_size_and_sales_cycle_keep_currencies_apart() {
    let p = pipeline(&[("a", 10)]);
    let deals = vec![
        // NOK: 100.00 won after 10 days, 200.00 after 20 days, 600.00 after 30 days
        //      (1 February → 3 March 2026: 28 February days − 1 + 3 = 30).
        won(
            deal("n1", 10_000, "NOK", &[("a", midnight(2026, 1, 1))]),
            midnight(2026, 1, 11),
        ),
        won(
            deal("n2", 20_000, "NOK", &[("a", midnight(2026, 1, 1))]),
            midnight(2026, 1, 21),
        ),
        won(
            deal("n3", 60_000, "NOK", &[("a", midnight(2026, 2, 1))]),
            midnight(2026, 3, 3),
        ),
        // EUR: 50.00 won after 40 days (5 January → 14 February: 26 + 14).
        won(
            deal("e1", 5_000, "EUR", &[("a", midnight(2026, 1, 5))]),
            midnight(2026, 2, 14),
        ),
        // Lost and open deals do not count.
        lost(
            deal("l1", 999_999, "NOK", &[("a", midnight(2026, 1, 1))]),
            midnight(2026, 1, 2),
            "Price",
        ),
        deal("o1", 999_999, "NOK", &[("a", midnight(2026, 1, 1))]),
    ];
    let ws = workspace(p, deals);
    let sizes = figures(&ws, first_quarter_2026()).average_deal_size;
    // EUR: 5,000 / 1 = 5,000.  NOK: (10,000 + 20,000 + 60,000) / 3 = 30,000. Never mixed.
    assert_eq!(sizes.len(), 2);
    assert_eq!(
        (
            sizes[0].currency.code(),
            sizes[0].n_won,
            sizes[0].total_won_minor
        ),
        ("EUR", 1, 5_000)
    );
    assert_close(Some(sizes[0].average_minor), 5_000.0);
    assert_eq!(
        (
            sizes[1].currency.code(),
            sizes[1].n_won,
            sizes[1].total_won_minor
        ),
        ("NOK", 3, 90_000)
    );
    assert_close(Some(sizes[1].average_minor), 30_000.0);
    assert_eq!(sizes[1].confidence(), Confidence::TooFew);

    // Cycle over all four wins, whatever their currency: (10 + 20 + 30 + 40) / 4 = 25 days.
    let cycle = figures(&ws, first_quarter_2026()).sales_cycle;
    assert_eq!(cycle.n_won, 4);
    assert_close(cycle.mean_days, 25.0);
}

#[test]
fn sales_cycle_counts_fractions_of_a_day() {
    let p = pipeline(&[("a", 10)]);
    // Created 1 January 00:00, won 2 January 12:00: 1.5 days.
    let ws = workspace(
        p,
        vec![won(
            deal("d", 100, "NOK", &[("a", midnight(2026, 1, 1))]),
            time(2026, 1, 2, 12),
        )],
    );
    let cycle = figures(&ws, january_2026()).sales_cycle;
    assert_close(cycle.mean_days, 1.5);
    assert_eq!(cycle.confidence(), Confidence::TooFew);
}

#[test]
fn velocity_formula_matches_the_worked_check_in_metrics_md() {
    // 50 open deals × 12,000 average × 25 % win rate / 90 days = 150,000 / 90 ≈ 1,666.67.
    let per_day = velocity_per_day(50, 12_000.0, 0.25, 90.0).expect("a velocity");
    assert!((per_day - 1_666.666_666_7).abs() < 1e-6, "{per_day}");
    assert_eq!(format!("{per_day:.2}"), "1666.67");
    // A cycle of no days has no velocity rather than an infinite one.
    assert_eq!(velocity_per_day(50, 12_000.0, 0.25, 0.0), None);
    assert_eq!(velocity_per_day(50, 12_000.0, 0.25, f64::NAN), None);
}

#[test]
fn velocity_from_deals_reproduces_the_worked_check_per_currency() {
    let p = pipeline(&[("a", 10)]);
    let created = midnight(2025, 12, 1);
    let mut deals = Vec::new();
    // 50 open NOK deals.
    for n in 0..50 {
        deals.push(deal(&format!("open-{n}"), 777, "NOK", &[("a", created)]));
    }
    // One open EUR deal: EUR has no wins, so it gets a row with no velocity.
    deals.push(deal("open-eur", 777, "EUR", &[("a", created)]));
    // 5 won NOK deals of 12,000.00 each, created 1 December and won 1 March 2026:
    // 31 (December) + 31 (January) + 28 (February) = 90 days.
    for n in 0..5 {
        deals.push(won(
            deal(&format!("won-{n}"), 1_200_000, "NOK", &[("a", created)]),
            midnight(2026, 3, 1),
        ));
    }
    // 15 lost deals: win rate 5 / (5 + 15) = 25 %.
    for n in 0..15 {
        deals.push(lost(
            deal(&format!("lost-{n}"), 1, "NOK", &[("a", created)]),
            midnight(2026, 2, 1),
            "Price",
        ));
    }
    let ws = workspace(p, deals);
    let velocity = figures(&ws, first_quarter_2026()).velocity;
    assert_eq!(velocity.len(), 2);
    let eur = &velocity[0];
    assert_eq!(
        (
            eur.currency.code(),
            eur.n_open,
            eur.n_won,
            eur.per_day_minor
        ),
        ("EUR", 1, 0, None)
    );
    assert_eq!(eur.confidence, Confidence::NoData);
    // NOK: 50 × 1,200,000 minor × 0.25 / 90 = 166,666.67 minor = 1,666.67 NOK per day.
    let nok = &velocity[1];
    assert_eq!((nok.currency.code(), nok.n_open, nok.n_won), ("NOK", 50, 5));
    assert_close(nok.average_deal_minor, 1_200_000.0);
    let per_day = nok.per_day_minor.expect("a NOK velocity");
    assert!((per_day - 166_666.666_666_7).abs() < 1e-6, "{per_day}");
    // Win rate rests on 20 deals and the NOK average on 5: enough.
    assert_eq!(nok.confidence, Confidence::Enough);
}

#[test]
fn velocity_of_a_currency_with_wins_but_no_open_deals_is_zero() {
    let p = pipeline(&[("a", 10)]);
    let created = midnight(2026, 1, 1);
    // One USD deal won after 10 days and nothing open in USD: 0 × 500 × 1 / 10 = 0 per day.
    let ws = workspace(
        p,
        vec![won(
            deal("w", 50_000, "USD", &[("a", created)]),
            midnight(2026, 1, 11),
        )],
    );
    let velocity = figures(&ws, january_2026()).velocity;
    assert_eq!(velocity.len(), 1);
    assert_eq!(
        (
            velocity[0].currency.code(),
            velocity[0].n_open,
            velocity[0].n_won
        ),
        ("USD", 0, 1)
    );
    assert_eq!(velocity[0].per_day_minor, Some(0.0));
}

// ---------------------------------------------------------------------------------------
// Lost reasons
// ---------------------------------------------------------------------------------------

#[test]
fn lost_reasons_count_and_sum_per_reason_and_currency() {
    let p = pipeline(&[("a", 10)]);
    let created = midnight(2025, 12, 1);
    let in_q1 = midnight(2026, 2, 1);
    let deals = vec![
        // Price: NOK 100.00 + NOK 300.00 and EUR 50.00 → 3 deals; NOK (2, 40,000), EUR (1, 5,000).
        lost(deal("l1", 10_000, "NOK", &[("a", created)]), in_q1, "Price"),
        lost(deal("l2", 30_000, "NOK", &[("a", created)]), in_q1, "Price"),
        lost(deal("l3", 5_000, "EUR", &[("a", created)]), in_q1, "Price"),
        // No response: NOK 70.00 → 1 deal.
        lost(
            deal("l4", 7_000, "NOK", &[("a", created)]),
            in_q1,
            "No response",
        ),
        // Chose a competitor: also 1 deal; equal counts go alphabetically, so before No response.
        lost(
            deal("l5", 1_000, "NOK", &[("a", created)]),
            in_q1,
            "Chose a competitor",
        ),
        // Lost before the period, and a won deal: neither counts.
        lost(
            deal("l6", 99_999, "NOK", &[("a", created)]),
            midnight(2025, 12, 31),
            "Price",
        ),
        won(deal("w1", 99_999, "NOK", &[("a", created)]), in_q1),
    ];
    let ws = workspace(p, deals);
    let reasons = figures(&ws, first_quarter_2026()).lost_reasons;
    let summary: Vec<(&str, usize)> = reasons
        .iter()
        .map(|r| (r.reason.as_str(), r.n_deals))
        .collect();
    assert_eq!(
        summary,
        vec![("Price", 3), ("Chose a competitor", 1), ("No response", 1)]
    );
    let price: Vec<(&str, usize, i64)> = reasons[0]
        .per_currency
        .iter()
        .map(|c| (c.currency.code(), c.n_deals, c.total_minor))
        .collect();
    assert_eq!(price, vec![("EUR", 1, 5_000), ("NOK", 2, 40_000)]);
    assert_eq!(reasons[2].per_currency[0].total_minor, 7_000);
}

// ---------------------------------------------------------------------------------------
// Deals needing attention
// ---------------------------------------------------------------------------------------

#[test]
fn deals_needing_attention_name_every_reason() {
    let mut p = pipeline(&[("lead", 10), ("never-rots", 50)]);
    p.stages[1].rot_days = 0;
    // Now is 10 March 2026 12:00 UTC, so today is 10 March.
    let now = time(2026, 3, 10, 12);
    let with_step = |mut d: Deal, text: &str, due: Option<NaiveDate>, rank: i64| {
        d.next_step = NextStep {
            text: text.into(),
            due,
        };
        d.rank = rank;
        d
    };
    let deals = vec![
        // Entered Lead 20 days ago and untouched since: 20 > 14 rot days → stale.
        expecting(
            with_step(
                deal("stale", 100, "NOK", &[("lead", time(2026, 2, 18, 12))]),
                "Call",
                Some(date(2026, 3, 20)),
                1,
            ),
            date(2026, 4, 1),
        ),
        // Everything fine: due today and expected to close today are not in the past.
        expecting(
            with_step(
                deal("fine", 100, "NOK", &[("lead", midnight(2026, 3, 1))]),
                "Offer",
                Some(date(2026, 3, 10)),
                2,
            ),
            date(2026, 3, 10),
        ),
        // A next step of only spaces is missing.
        with_step(
            deal("missing", 100, "NOK", &[("lead", midnight(2026, 3, 8))]),
            "  ",
            None,
            3,
        ),
        // Due yesterday: overdue.
        with_step(
            deal("overdue", 100, "NOK", &[("lead", midnight(2026, 3, 8))]),
            "Follow up",
            Some(date(2026, 3, 9)),
            4,
        ),
        // Expected to close 1 March: in the past.
        expecting(
            deal("late-close", 100, "NOK", &[("lead", midnight(2026, 3, 8))]),
            date(2026, 3, 1),
        ),
        // In Lead for 37 days but edited 5 days ago: the later touch keeps it fresh.
        {
            let mut d = deal("edited", 100, "NOK", &[("lead", midnight(2026, 2, 1))]);
            d.updated_at = time(2026, 3, 5, 12);
            d.rank = 6;
            d
        },
        // A stage with no rot days never makes a deal stale.
        deal("never", 100, "NOK", &[("never-rots", midnight(2025, 1, 1))]),
        // Closed deals need no attention, however old.
        won(
            deal("won", 100, "NOK", &[("lead", midnight(2025, 1, 1))]),
            midnight(2025, 2, 1),
        ),
        // Its stage was removed: it shows in no column.
        deal("orphan", 100, "NOK", &[("gone", midnight(2026, 3, 9))]),
    ];
    let mut deals = deals;
    // Give late-close a rank after overdue, so board order is the order above.
    deals[4].rank = 5;
    let ws = workspace(p, deals);
    let found = attention_at(&ws, now);
    let expected = vec![
        AttentionDeal {
            deal_id: "stale".into(),
            reasons: vec![AttentionReason::Stale {
                days_idle: 20,
                rot_days: 14,
            }],
        },
        AttentionDeal {
            deal_id: "missing".into(),
            reasons: vec![AttentionReason::NextStepMissing],
        },
        AttentionDeal {
            deal_id: "overdue".into(),
            reasons: vec![AttentionReason::NextStepOverdue {
                due: date(2026, 3, 9),
            }],
        },
        AttentionDeal {
            deal_id: "late-close".into(),
            reasons: vec![AttentionReason::ExpectedCloseInPast {
                expected_close: date(2026, 3, 1),
            }],
        },
        AttentionDeal {
            deal_id: "orphan".into(),
            reasons: vec![AttentionReason::StageRemoved],
        },
    ];
    assert_eq!(found, expected);
}

#[test]
fn a_deal_can_need_attention_for_several_reasons_at_once() {
    let p = pipeline(&[("lead", 10)]);
    let now = time(2026, 3, 10, 12);
    // 30 days idle, no next step text but a due date last week, close date last month.
    let mut d = expecting(
        deal("all", 100, "NOK", &[("lead", time(2026, 2, 8, 12))]),
        date(2026, 2, 28),
    );
    d.next_step = NextStep {
        text: String::new(),
        due: Some(date(2026, 3, 3)),
    };
    let ws = workspace(p, vec![d]);
    let found = attention_at(&ws, now);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].reasons,
        vec![
            AttentionReason::Stale {
                days_idle: 30,
                rot_days: 14
            },
            AttentionReason::NextStepMissing,
            AttentionReason::NextStepOverdue {
                due: date(2026, 3, 3)
            },
            AttentionReason::ExpectedCloseInPast {
                expected_close: date(2026, 2, 28)
            },
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Probability check
// ---------------------------------------------------------------------------------------

#[test]
fn probability_check_sets_each_stage_beside_its_actual_win_share() {
    let p = pipeline(&[("a", 20), ("b", 50), ("c", 80)]);
    let day = |d: u32| midnight(2026, 1, d);
    let deals = vec![
        // d1: a → b → c, won.      d2: a → b, lost.       d3: a, lost.
        // d4: a → c (skips b), won. d7: a → b → a → b, lost (b counted once).
        won(
            deal(
                "d1",
                100,
                "NOK",
                &[("a", day(1)), ("b", day(2)), ("c", day(3))],
            ),
            day(10),
        ),
        lost(
            deal("d2", 100, "NOK", &[("a", day(1)), ("b", day(2))]),
            day(10),
            "Price",
        ),
        lost(deal("d3", 100, "NOK", &[("a", day(1))]), day(10), "Price"),
        won(
            deal("d4", 100, "NOK", &[("a", day(1)), ("c", day(2))]),
            day(10),
        ),
        lost(
            deal(
                "d7",
                100,
                "NOK",
                &[("a", day(1)), ("b", day(2)), ("a", day(3)), ("b", day(4))],
            ),
            day(10),
            "Price",
        ),
        // Open, and closed before the period: neither counts.
        deal("d5", 100, "NOK", &[("a", day(1)), ("b", day(2))]),
        won(
            deal("d6", 100, "NOK", &[("a", midnight(2025, 11, 1))]),
            midnight(2025, 12, 1),
        ),
    ];
    let ws = workspace(p, deals);
    let checks = figures(&ws, first_quarter_2026()).probability_check;
    let summary: Vec<(&str, u8, usize, usize)> = checks
        .iter()
        .map(|c| {
            (
                c.stage_id.as_str(),
                c.set_probability,
                c.won_share.hits,
                c.won_share.n,
            )
        })
        .collect();
    // a: d1 d2 d3 d4 d7 entered it, d1 d4 won → 2 / 5 = 40 % against 20 % set.
    // b: d1 d2 d7 → 1 / 3.   c: d1 d4 → 2 / 2.
    assert_eq!(
        summary,
        vec![("a", 20, 2, 5), ("b", 50, 1, 3), ("c", 80, 2, 2)]
    );
    assert_close(checks[0].won_share.percent(), 40.0);
    assert!(checks[0].won_share.enough());
    assert!(!checks[1].won_share.enough());
}

// ---------------------------------------------------------------------------------------
// Everything at once, and data that must not break anything
// ---------------------------------------------------------------------------------------

#[test]
fn insights_count_undated_open_deals_and_name_the_bottleneck_of_their_own_times() {
    let ws = funnel_dataset();
    let all = insights(&ws, "p", january_2026(), midnight(2026, 1, 31)).expect("pipeline p");
    assert_eq!(all.pipeline_id, "p");
    assert_eq!(all.period, january_2026());
    assert_eq!(all.bottleneck, bottleneck(&all.time_in_stage));
    // The funnel dataset: d2 and d4 are open without a close date; d7 too (created in February).
    assert_eq!(all.open_deals_without_expected_close, 3);
    // January closes: d1 won; d3, d6 lost; d5 won on 4 January → 2 / 4.
    assert_eq!(all.win_rate, Rate { hits: 2, n: 4 });
}

#[test]
fn insights_for_a_missing_pipeline_is_none() {
    let ws = funnel_dataset();
    assert_eq!(
        insights(
            &ws,
            "no-such-pipeline",
            january_2026(),
            midnight(2026, 1, 31)
        ),
        None
    );
}

#[test]
fn an_empty_pipeline_gives_empty_figures_and_no_data() {
    let ws = workspace(pipeline(&[("a", 10), ("b", 50)]), Vec::new());
    let all = insights(&ws, "p", january_2026(), midnight(2026, 1, 15)).expect("pipeline p");
    // January holds today, so the forecast reaches five months ahead: a bar a month.
    assert_eq!(all.forecast.len(), 6);
    assert!(all
        .funnel
        .iter()
        .all(|s| s.n_entered == 0 && s.conversion_to_next.value().is_none()));
    assert_eq!(all.bottleneck, None);
    assert_eq!(all.win_rate.value(), None);
    assert_eq!(all.win_rate.confidence(), Confidence::NoData);
    assert!(all.average_deal_size.is_empty());
    assert_eq!(
        all.sales_cycle,
        SalesCycle {
            n_won: 0,
            mean_days: None
        }
    );
    assert!(all.velocity.is_empty());
    assert!(all.lost_reasons.is_empty());
    assert!(all.attention.is_empty());
    assert!(all.probability_check.iter().all(|c| c.won_share.n == 0));
}

#[test]
fn a_pipeline_without_stages_and_deals_without_history_do_not_break_anything() {
    let p = pipeline(&[]);
    let mut no_history = deal("bare", 1_000, "NOK", &[]);
    no_history.stage_id = "vanished".into();
    no_history.expected_close = Some(date(2026, 1, 20));
    let ws = workspace(
        p,
        vec![
            no_history,
            deal("d", 100, "NOK", &[("x", midnight(2026, 1, 2))]),
        ],
    );
    let all = insights(&ws, "p", january_2026(), midnight(2026, 1, 31)).expect("pipeline p");
    assert!(all.funnel.is_empty());
    assert!(all.time_in_stage.is_empty());
    assert!(all.probability_check.is_empty());
    // The dated open deal is in the forecast at zero weight, since it has no stage to take a
    // probability from and none of its own.
    let jan = row(&all.forecast, 2026, 1, "NOK");
    assert_eq!((jan.n_open, jan.weighted_open_minor), (1, 0));
    // Both deals sit in stages that no longer exist.
    assert_eq!(all.attention.len(), 2);
    assert!(all
        .attention
        .iter()
        .all(|a| a.reasons.contains(&AttentionReason::StageRemoved)));
}

#[test]
fn the_current_stage_is_taken_from_the_deal_even_when_its_history_disagrees() {
    let p = pipeline(&[("a", 40)]);
    // The history ends in a, but the deal says it sits in a stage that no longer exists:
    // the deal's own stage counts, so it is flagged and weighted at zero, not at a's 40 %.
    let mut moved = expecting(
        deal("moved", 1_000, "NOK", &[("a", midnight(2026, 1, 2))]),
        date(2026, 1, 20),
    );
    moved.stage_id = "gone".into();
    let ws = workspace(p, vec![moved]);
    let all = insights(&ws, "p", january_2026(), midnight(2026, 1, 3)).expect("pipeline p");
    assert_eq!(all.attention.len(), 1);
    assert_eq!(
        all.attention[0].reasons,
        vec![AttentionReason::StageRemoved]
    );
    let jan = row(&all.forecast, 2026, 1, "NOK");
    assert_eq!((jan.n_open, jan.weighted_open_minor), (1, 0));
}

#[test]
fn huge_amounts_saturate_instead_of_overflowing() {
    let p = pipeline(&[("a", 100)]);
    let created = midnight(2025, 12, 1);
    let close = midnight(2026, 1, 10);
    let deals = vec![
        won(deal("w1", i64::MAX, "NOK", &[("a", created)]), close),
        won(deal("w2", i64::MAX, "NOK", &[("a", created)]), close),
        lost(
            deal("l1", i64::MAX, "NOK", &[("a", created)]),
            close,
            "Price",
        ),
        lost(
            deal("l2", i64::MAX, "NOK", &[("a", created)]),
            close,
            "Price",
        ),
        expecting(
            deal("o1", i64::MAX, "NOK", &[("a", created)]),
            date(2026, 1, 20),
        ),
        expecting(
            deal("o2", i64::MAX, "NOK", &[("a", created)]),
            date(2026, 1, 20),
        ),
    ];
    let ws = workspace(p, deals);
    let all = insights(&ws, "p", january_2026(), midnight(2026, 1, 31)).expect("pipeline p");
    let jan = row(&all.forecast, 2026, 1, "NOK");
    // 2 × i64::MAX does not fit: the sums stop at i64::MAX.
    assert_eq!(
        (jan.won_minor, jan.weighted_open_minor),
        (i64::MAX, i64::MAX)
    );
    assert_eq!(all.lost_reasons[0].per_currency[0].total_minor, i64::MAX);
    assert_eq!(all.average_deal_size[0].total_won_minor, i64::MAX);
    // The average itself is exact: (2 × i64::MAX) / 2.
    assert_close(
        Some(all.average_deal_size[0].average_minor / i64::MAX as f64),
        1.0,
    );
    assert!(all.velocity[0].per_day_minor.is_some_and(f64::is_finite));
}

#[test]
fn a_hand_built_backwards_period_is_simply_empty() {
    let ws = forecast_dataset();
    let backwards = Period {
        start: date(2026, 2, 1),
        end: date(2026, 1, 1),
    };
    let all = insights(&ws, "p", backwards, midnight(2026, 1, 15)).expect("pipeline p");
    assert!(all.forecast.is_empty());
    assert_eq!(all.win_rate, Rate { hits: 0, n: 0 });
    assert!(all.funnel.iter().all(|s| s.n_entered == 0));
    assert!(all.lost_reasons.is_empty());
}

#[test]
fn deals_of_other_pipelines_are_never_counted() {
    let mut ws = forecast_dataset();
    let mut other = pipeline(&[("lead", 10)]);
    other.id = "other".into();
    ws.pipelines.push(other);
    let before = insights(&ws, "p", first_quarter_2026(), midnight(2026, 3, 1)).expect("p");
    // A copy of every deal, moved to the other pipeline, changes nothing in "p".
    let copies: Vec<Deal> = ws
        .deals
        .iter()
        .map(|d| Deal {
            id: format!("{}-copy", d.id).into(),
            pipeline_id: "other".into(),
            ..d.clone()
        })
        .collect();
    ws.deals.extend(copies);
    let after = insights(&ws, "p", first_quarter_2026(), midnight(2026, 3, 1)).expect("p");
    assert_eq!(before, after);
}

#[test]
fn a_sum_beyond_the_range_stops_at_its_nearest_end() {
    // Sums are taken in i128 and shown as i64 minor units: a sum that fits is kept, one that
    // does not stops at the end of the range on its own side, never at the other.
    assert_eq!(saturate(-12_345), -12_345);
    assert_eq!(saturate(i128::from(i64::MAX)), i64::MAX);
    assert_eq!(saturate(i128::from(i64::MAX) * 2), i64::MAX);
    assert_eq!(saturate(i128::from(i64::MIN) - 1), i64::MIN);
    assert_eq!(saturate(i128::MIN), i64::MIN);
}

// ---------------------------------------------------------------------------------------
// The insight view's report, period picker and chart geometry
// ---------------------------------------------------------------------------------------

#[test]
fn the_period_picker_starts_at_the_last_12_months_and_checks_a_custom_period() {
    let now = time(2026, 2, 14, 12);
    let mut form = PeriodForm::new(now);
    assert_eq!(form.choice, PeriodChoice::Last12Months);
    assert_eq!(form.period(now), Ok(Period::last_12_months(now)));
    assert_eq!(
        (form.from.as_str(), form.to.as_str()),
        ("2025-03-01", "2026-02-28")
    );

    // A ready-made period ignores the custom dates.
    form.choose(PeriodChoice::ThisQuarter, now);
    assert_eq!(
        form.period(now),
        Ok(period(date(2026, 1, 1), date(2026, 3, 31)))
    );

    // Switching to a custom period starts from the one on screen.
    form.choose(PeriodChoice::Custom, now);
    assert_eq!(
        (form.from.as_str(), form.to.as_str()),
        ("2026-01-01", "2026-03-31")
    );
    assert_eq!(
        form.period(now),
        Ok(period(date(2026, 1, 1), date(2026, 3, 31)))
    );

    // What a custom period can go wrong with.
    form.from = "2030-02-01".into();
    form.to = "2030-01-01".into();
    assert_eq!(form.period(now), Err(PeriodProblem::StartAfterEnd));
    form.from = String::new();
    assert_eq!(form.period(now), Err(PeriodProblem::Missing));
    form.from = "1900-01-01".into();
    form.to = "2100-12-31".into();
    assert_eq!(
        form.period(now),
        Err(PeriodProblem::TooLong {
            max_months: MAX_PERIOD_MONTHS
        })
    );
    // Choosing custom again while the dates make no period leaves them as typed.
    form.to = "not a date".into();
    form.choose(PeriodChoice::Custom, now);
    assert_eq!(form.to, "not a date");

    // Each choice is found again by its option value.
    for choice in PeriodChoice::ALL {
        assert_eq!(PeriodChoice::from_value(choice.value()), Some(choice));
    }
    assert_eq!(PeriodChoice::from_value("year"), None);
    assert_eq!(input_date(date(2026, 11, 26)), "2026-11-26");
}

/// A forecast row as the metrics give it.
fn forecast_row(
    month: u32,
    code: &str,
    won_minor: i64,
    weighted_open_minor: i64,
    n_won: usize,
    n_open: usize,
) -> ForecastRow {
    ForecastRow {
        month: YearMonth { year: 2026, month },
        currency: currency(code),
        won_minor,
        weighted_open_minor,
        n_won,
        n_open,
    }
}

#[test]
fn forecast_chart_draws_every_month_to_the_scale_of_the_largest() {
    // January 100 won + 50 weighted = 150, the largest; February nothing; March 75 weighted.
    let rows = vec![
        forecast_row(1, "NOK", 100, 50, 1, 2),
        forecast_row(2, "NOK", 0, 0, 0, 0),
        forecast_row(3, "NOK", 0, 75, 0, 3),
    ];
    let charts = forecast_charts(&rows);
    assert_eq!(charts.len(), 1);
    let chart = &charts[0];
    assert_eq!(chart.currency.code(), "NOK");
    // The bars stand on y = 220 − 26 = 194 and the tallest reaches y = 8: 186 units for 150.
    assert_eq!((CHART_WIDTH, CHART_HEIGHT, BASELINE), (720.0, 220.0, 194.0));
    // Three slots of 240; each bar is 70 % of its slot (168) and centred in it.
    let xs: Vec<(f64, f64)> = chart.months.iter().map(|bar| (bar.x, bar.width)).collect();
    assert_eq!(xs, vec![(36.0, 168.0), (276.0, 168.0), (516.0, 168.0)]);
    // January: won 100 / 150 × 186 = 124 from y 70; weighted 50 / 150 × 186 = 62 above it.
    let january = &chart.months[0];
    assert_eq!(
        january.won,
        Span {
            y: 70.0,
            height: 124.0
        }
    );
    assert_eq!(
        january.weighted,
        Span {
            y: 8.0,
            height: 62.0
        }
    );
    assert_eq!(january.total_minor, 150);
    // February draws nothing; March weighted 75 / 150 × 186 = 93.
    assert_eq!(
        chart.months[1].won.height + chart.months[1].weighted.height,
        0.0
    );
    assert_eq!(
        chart.months[2].weighted,
        Span {
            y: 101.0,
            height: 93.0
        }
    );
    // Three months all get a label: the outer ones line up with their bar's outer edge, and
    // every other one is marked so a narrow screen can hide it.
    let labels: Vec<MonthLabel> = chart.months.iter().filter_map(|bar| bar.label).collect();
    assert_eq!(
        labels,
        vec![
            MonthLabel {
                x: 36.0,
                anchor: Anchor::Start,
                alternate: false
            },
            MonthLabel {
                x: 360.0,
                anchor: Anchor::Middle,
                alternate: true
            },
            MonthLabel {
                x: 684.0,
                anchor: Anchor::End,
                alternate: false
            },
        ]
    );
    assert_eq!(LABEL_Y, 212.0);
    assert_eq!(
        chart.totals,
        ForecastTotals {
            won_minor: 100,
            weighted_open_minor: 125,
            total_minor: 225,
            n_won: 1,
            n_open: 5,
        }
    );
    assert_eq!(chart.busiest, Some(0));
}

#[test]
fn forecast_chart_busiest_month_is_the_earliest_of_the_largest_and_none_when_all_are_zero() {
    let tie = vec![
        forecast_row(1, "EUR", 10, 0, 1, 0),
        forecast_row(2, "EUR", 0, 30, 0, 1),
        forecast_row(3, "EUR", 30, 0, 1, 0),
    ];
    assert_eq!(forecast_charts(&tie)[0].busiest, Some(1));

    let empty = vec![
        forecast_row(1, "EUR", 0, 0, 0, 0),
        forecast_row(2, "EUR", 0, 0, 0, 0),
    ];
    let chart = &forecast_charts(&empty)[0];
    assert_eq!(chart.busiest, None);
    assert!(chart
        .months
        .iter()
        .all(|bar| bar.won.height == 0.0 && bar.weighted.height == 0.0 && bar.won.y == BASELINE));
    assert!(forecast_charts(&[]).is_empty());
}

#[test]
fn forecast_chart_labels_every_second_month_of_a_two_year_period() {
    let rows: Vec<ForecastRow> = (0..24)
        .map(|n| ForecastRow {
            month: YearMonth {
                year: 2025 + n / 12,
                month: (n % 12) as u32 + 1,
            },
            ..forecast_row(1, "NOK", 0, 0, 0, 0)
        })
        .collect();
    let chart = &forecast_charts(&rows)[0];
    // 24 months with room for 12 labels: every second month, and every other label of those
    // (months 2, 6, 10, …) marked as the ones a narrow screen hides.
    let labelled: Vec<(usize, bool)> = chart
        .months
        .iter()
        .enumerate()
        .filter_map(|(index, bar)| bar.label.map(|label| (index, label.alternate)))
        .collect();
    assert_eq!(labelled.len(), 12);
    assert_eq!(
        &labelled[..4],
        &[(0, false), (2, true), (4, false), (6, true)]
    );
    // The last month is not labelled, so no label is anchored at its end.
    assert!(chart.months[23].label.is_none());
    assert_eq!(
        chart.months[22].label.map(|l| l.anchor),
        Some(Anchor::Middle)
    );
}

#[test]
fn forecast_charts_keep_currencies_apart_and_their_totals_saturate() {
    let ws = forecast_dataset();
    let all = figures(&ws, period(date(2026, 1, 1), date(2026, 2, 28)));
    let charts = forecast_charts(&all.forecast);
    // One chart per currency, in code order, each with both months.
    let shape: Vec<(&str, usize)> = charts
        .iter()
        .map(|chart| (chart.currency.code(), chart.months.len()))
        .collect();
    assert_eq!(shape, vec![("EUR", 2), ("NOK", 2)]);
    // NOK: won 10,000,000 in January; weighted 2,000,000 + 250,000.
    assert_eq!(
        charts[1].totals,
        ForecastTotals {
            won_minor: 10_000_000,
            weighted_open_minor: 2_250_000,
            total_minor: 12_250_000,
            n_won: 1,
            n_open: 2,
        }
    );
    // EUR: won 500,000 and weighted 70,004, both in February.
    assert_eq!(charts[0].totals.total_minor, 570_004);
    assert_eq!(charts[0].busiest, Some(1));

    let huge = vec![
        forecast_row(1, "NOK", i64::MAX, i64::MAX, 2, 2),
        forecast_row(2, "NOK", i64::MAX, 0, 2, 0),
    ];
    let chart = &forecast_charts(&huge)[0];
    assert_eq!(chart.months[0].total_minor, i64::MAX);
    assert_eq!(
        (
            chart.totals.won_minor,
            chart.totals.weighted_open_minor,
            chart.totals.total_minor
        ),
        (i64::MAX, i64::MAX, i64::MAX)
    );
    // January holds twice what February does, so its bar is full height and February's half.
    assert_eq!(chart.busiest, Some(0));
    assert_eq!(
        chart.months[0].won.height + chart.months[0].weighted.height,
        186.0
    );
    assert_eq!(chart.months[1].won.height, 93.0);
}

#[test]
fn funnel_bars_are_as_wide_as_their_share_of_the_widest_stage() {
    let ws = funnel_dataset();
    let all = figures(&ws, january_2026());
    // Entered: a 4, b 4, c 3, d 0.
    assert_eq!(
        funnel_widths(&all.funnel),
        Some(vec![100.0, 100.0, 75.0, 0.0])
    );
    let empty = figures(
        &workspace(pipeline(&[("a", 10)]), Vec::new()),
        january_2026(),
    );
    assert_eq!(funnel_widths(&empty.funnel), None);
    assert_eq!(funnel_widths(&[]), None);
}

#[test]
fn the_report_names_stages_and_the_deals_needing_attention() {
    let mut p = pipeline(&[("lead", 10), ("won-over", 50)]);
    p.name = "Sales".into();
    let day = |d: u32| midnight(2026, 1, d);
    let mut orphan = deal("orphan", 2_500, "NOK", &[("gone", day(2))]);
    orphan.title = "Lost its stage".into();
    let deals = vec![
        // Left lead after 4 and 6 days: the bottleneck, with too few deals to be sure.
        deal("d1", 100, "NOK", &[("lead", day(1)), ("won-over", day(5))]),
        deal("d2", 100, "NOK", &[("lead", day(1)), ("won-over", day(7))]),
        orphan,
    ];
    let ws = workspace(p, deals);
    let report = Report::build(&ws, "p", january_2026(), day(10)).expect("pipeline p");
    assert_eq!(report.pipeline_name, "Sales");
    assert_eq!(report.stage_name("won-over"), "WON-OVER");
    assert_eq!(report.stage_name("gone"), "");
    let bottleneck = report.bottleneck().expect("a bottleneck");
    assert_eq!(
        (bottleneck.stage_id.as_str(), bottleneck.n_deals),
        ("lead", 2)
    );
    assert_close(bottleneck.median_days, 5.0);
    // The orphan needs attention for its removed stage, and shows its title and amount.
    assert_eq!(
        report.attention,
        vec![AttentionRow {
            deal_id: "orphan".into(),
            title: "Lost its stage".into(),
            stage_name: None,
            amount: Money::new(2_500, Currency::nok()),
            reasons: vec![AttentionReason::StageRemoved],
        }]
    );
    assert_eq!(
        Report::build(&ws, "no-such-pipeline", january_2026(), day(20)),
        None
    );
}
