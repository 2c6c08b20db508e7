//! What the fuzz targets share: a small random source, the stored-entries input format of
//! the `storage` target, and the structure-aware mutators. libFuzzer's own byte mutations
//! rarely keep a JSON document well-formed; these change one node of the document (a value
//! of another type, an edge number, a long or odd string, a field removed, duplicated or
//! added, an id swapped for another) and write it back, so most inputs reach validation.

pub mod entries;
pub mod json;

/// xorshift64*, seeded from libFuzzer's seed so a run can be repeated with `-seed=N`.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u32) -> Rng {
        Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`; `n` must not be 0.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// The structure-aware half of the mutator both targets install: half the time (by `seed`)
/// a change made by `structured`, written into `data`, and its new size. `None` leaves the
/// turn to libFuzzer's own byte-level mutation, which also splices in dictionary words; so
/// do inputs that `structured` cannot read and results larger than `max_size`.
pub fn mutate_structured(
    data: &mut [u8],
    size: usize,
    max_size: usize,
    seed: u32,
    structured: fn(&[u8], &mut Rng) -> Option<Vec<u8>>,
) -> Option<usize> {
    let mut rng = Rng::new(seed);
    if rng.one_in(2) {
        return None;
    }
    let out = structured(&data[..size], &mut rng).filter(|out| out.len() <= max_size)?;
    data[..out.len()].copy_from_slice(&out);
    Some(out.len())
}
