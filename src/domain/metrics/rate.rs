//! Rates and how far a figure can be trusted: every rate keeps its n, so the view can show
//! it, and a figure resting on too few deals says so instead of looking confident.

/// Rates and averages resting on fewer deals than this are flagged as too few to mean much,
/// so the UI can say so instead of showing a confident figure.
pub const MIN_DEALS_FOR_CONFIDENCE: usize = 5;

/// How much a figure can be trusted, judged by the number of deals it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// No deals at all: there is no figure to show.
    NoData,
    /// Fewer than [`MIN_DEALS_FOR_CONFIDENCE`] deals: show it, but say it means little.
    TooFew,
    Enough,
}

impl Confidence {
    pub fn from_n(n: usize) -> Confidence {
        if n == 0 {
            Confidence::NoData
        } else if n < MIN_DEALS_FOR_CONFIDENCE {
            Confidence::TooFew
        } else {
            Confidence::Enough
        }
    }

    pub fn enough(self) -> bool {
        self == Confidence::Enough
    }
}

/// A share `hits / n` kept as its two counts, so the UI can always show n beside it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rate {
    pub hits: usize,
    pub n: usize,
}

impl Rate {
    /// The share from 0.0 to 1.0; `None` when it rests on no deals at all.
    pub fn value(&self) -> Option<f64> {
        if self.n == 0 {
            None
        } else {
            Some(self.hits as f64 / self.n as f64)
        }
    }

    pub fn percent(&self) -> Option<f64> {
        self.value().map(|share| share * 100.0)
    }

    pub fn confidence(&self) -> Confidence {
        Confidence::from_n(self.n)
    }

    pub fn enough(&self) -> bool {
        self.confidence().enough()
    }
}
