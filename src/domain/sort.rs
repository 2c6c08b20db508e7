//! One stable sort for every element type: the standard library's `sort_by` is compiled
//! anew for each element type and comparison (about 3.5 KB of wasm each), so sorts that run
//! on a list of a few thousand items at most order the items' indices with one shared
//! instance and then move the items into that order. The result is exactly `sort_by`'s:
//! equal items keep their order.

use std::cmp::Ordering;

/// Sorts `items` as `items.sort_by(compare)` would, stable.
pub fn sort_stable_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut taken: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|at| taken[at].take()));
}

/// Sorts `items` as `items.sort_by_key(key)` would, stable.
pub fn sort_stable_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_stable_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The indices `0..n` in stable sorted order: the one place `sort_by` is instantiated.
fn stable_order(n: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}
