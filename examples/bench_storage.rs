//! Prints what the format-2 store does with a backup file: room per deal and how many deals
//! fit in the quota, and how long encoding, loading and one move's writes take. Run with
//! `cargo run --release --example bench_storage -- FILE` (a backup from `e2e/gen/deals.mjs`);
//! it asserts nothing.

use pipewright::domain::DealId;
use pipewright::i18n::Lang;
use pipewright::storage::codec::{self, pack, Saved, BUCKETS, QUOTA_UNITS};
use std::time::Instant;

fn median_ms(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench_storage BACKUP.json");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let backup = pipewright::backup::parse_backup(&bytes).unwrap_or_else(|e| panic!("{e:?}"));
    let ws = backup.workspace;
    let n = ws.deals.len();
    let v1_units: usize = ws
        .deals
        .iter()
        .map(|d| {
            let key = codec::v1::deal_key(&d.id);
            codec::units([(key.as_str(), codec::v1::encode_deal(d).as_str())])
        })
        .sum();

    let mut encode_runs = Vec::new();
    let mut store = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        store = codec::encode_store(&ws, BUCKETS);
        encode_runs.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let meta_units = codec::units(store.iter().take(1).map(|(k, v)| (k.as_str(), v.as_str())));
    let deal_units = codec::units(store.iter().skip(1).map(|(k, v)| (k.as_str(), v.as_str())));
    let per_deal = deal_units as f64 / n as f64;

    let mut load_runs = Vec::new();
    let mut loaded = None;
    for _ in 0..5 {
        let start = Instant::now();
        let l = codec::load(
            store.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            Lang::En,
        );
        load_runs.push(start.elapsed().as_secs_f64() * 1e3);
        loaded = Some(l);
    }
    let loaded = loaded.unwrap_or_default();
    assert_eq!(loaded.ws.deals.len(), n, "every deal loads back");

    // What start-up does before the board is drawn: the same load, each deal's check by
    // the import's rules left for after (`load_unchecked`, then `check_loaded`).
    let mut unchecked_runs = Vec::new();
    let mut check_runs = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut l = codec::load_unchecked(
            store.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            Lang::En,
        );
        unchecked_runs.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        codec::finish_check(&mut l, Lang::En);
        assert!(l.unreadable.is_empty());
        check_runs.push(start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(l.ws, loaded.ws, "a deferred check loads the same workspace");
    }

    // One move: the plan (which deals changed, their chunk encoded).
    let mut saved: Saved = loaded.saved.clone();
    let mut ws2 = loaded.ws.clone();
    let mut move_runs = Vec::new();
    let mut chunk_units = 0;
    for i in 0..20 {
        let idx = (i * 997) % n;
        ws2.deals[idx].rev += 1;
        let id: DealId = ws2.deals[idx].id.clone();
        let start = Instant::now();
        let writes = codec::plan(&ws2, &saved);
        move_runs.push(start.elapsed().as_secs_f64() * 1e3);
        for write in &writes {
            if let codec::Write::Chunk(w) = write {
                chunk_units = pack::utf16_len(&w.value);
                codec::record_chunk(&mut saved, w);
            }
        }
        assert!(saved.deal_revs.contains_key(&id));
    }

    // An import's Replace into an empty store: packed ahead while the preview is read
    // (`PackAhead`), then what Replace itself does: measure (`store_units`) and plan.
    let empty = codec::load(std::iter::empty(), Lang::En).saved;
    let mut ahead_runs = Vec::new();
    let mut measure_runs = Vec::new();
    let mut plan_runs = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut ahead = codec::PackAhead::new(&ws, BUCKETS);
        while ahead.step(&ws) {}
        ahead_runs.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        let units = codec::store_units(&ws, BUCKETS);
        measure_runs.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        let writes = codec::plan(&ws, &empty);
        plan_runs.push(start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(writes.len(), store.len());
        assert_eq!(
            units,
            codec::units(store.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        );
    }

    println!("storage, {n} deals from {path}");
    println!(
        "  format 1 (one JSON record per deal): {:.0} units per deal -> {} deals fit",
        v1_units as f64 / n as f64,
        (QUOTA_UNITS as f64 / (v1_units as f64 / n as f64)) as usize
    );
    println!(
        "  format 2 ({BUCKETS} packed chunks): {per_deal:.0} units per deal -> {} deals fit in {QUOTA_UNITS} units (workspace record {meta_units})",
        ((QUOTA_UNITS - meta_units) as f64 / per_deal) as usize
    );
    println!(
        "  encode all: {:.1} ms; load (decode once, check, recover): {:.1} ms (medians of 5)",
        median_ms(encode_runs),
        median_ms(load_runs)
    );
    println!(
        "  start-up: load before the board is drawn (decode once, recover): {:.1} ms; each deal's check after it: {:.1} ms (medians of 5)",
        median_ms(unchecked_runs),
        median_ms(check_runs)
    );
    println!(
        "  import, Replace: packed ahead while the preview is read {:.1} ms; then measured {:.1} ms and planned {:.1} ms (medians of 5)",
        median_ms(ahead_runs),
        median_ms(measure_runs),
        median_ms(plan_runs)
    );
    println!(
        "  one move's plan (diff + one chunk of {chunk_units} units encoded): {:.2} ms (median of 20)",
        median_ms(move_runs)
    );
}
