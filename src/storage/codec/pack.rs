//! Compressed text, packed densely into UTF-16 code units.
//!
//! localStorage counts its quota in UTF-16 code units, so ASCII JSON leaves half of every
//! unit unused. A packed value is raw DEFLATE (RFC 1951, the same stream the browser's
//! `CompressionStream("deflate-raw")` makes) with 15 bits in each code unit, every unit
//! in `U+4E00..=U+CDFF`: no surrogates, no control characters, nothing a string or a JSON
//! file would escape.
//!
//! ```text
//! value = "Z" pad units…     pad: '0'..='9', 'a'..='e': unused low bits of the last unit
//! ```

use std::fmt;

/// The first character of every packed value.
pub const TAG: char = 'Z';
const BASE: u32 = 0x4E00;
const BITS: u32 = 15;
/// A packed value never inflates to more than this: a corrupt or hostile value cannot
/// make the app allocate without bound.
pub const MAX_INFLATED: usize = 256 * 1024 * 1024;
/// DEFLATE level 2: on realistic deals (chunks of compact deals) 111 UTF-16 units a deal,
/// about 47,000 deals in the quota, against 102 units at level 3 for a quarter more time.
/// Level 1 saves 5 % of the time for 133 units (39,000 deals). Every chunk an import stores
/// is deflated, so the level is the import's speed; any level reads back the same.
const LEVEL: u8 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnpackError {
    /// Does not start with the tag, or has a bad pad character.
    NotPacked,
    /// A code unit outside the packed range.
    BadUnit,
    /// The bytes are not a DEFLATE stream (or inflate past [`MAX_INFLATED`]).
    Corrupt,
    /// Inflated, but not UTF-8 text.
    NotText,
}

impl fmt::Display for UnpackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnpackError::NotPacked => "not a packed value",
            UnpackError::BadUnit => "a character outside the packed range",
            UnpackError::Corrupt => "the compressed data is damaged",
            UnpackError::NotText => "the unpacked data is not text",
        })
    }
}

/// Whether `raw` looks like a packed value (its first character is the tag).
pub fn is_packed(raw: &str) -> bool {
    raw.starts_with(TAG)
}

/// Compresses `text` and packs it: each run of DEFLATE output is packed as it comes, with
/// one compressor kept for the thread (made once, reset for each value; a compressor left
/// in a bad state, which a reset rules out, is replaced and the value packed again).
pub fn pack_text(text: &str) -> String {
    use miniz_oxide::deflate::core::{create_comp_flags_from_zip_params, CompressorOxide};
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<Box<CompressorOxide>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = cell.get_or_insert_with(|| {
            Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(
                i32::from(LEVEL),
                0,
                0,
            )))
        });
        compressor.reset();
        deflate_packed(compressor, text).unwrap_or_else(|| {
            **compressor =
                CompressorOxide::new(create_comp_flags_from_zip_params(i32::from(LEVEL), 0, 0));
            deflate_packed(compressor, text).unwrap_or_else(|| {
                let mut packer = Packer::new(text.len() * 8 / 15 + 8);
                packer.push(&stored_deflate(text.as_bytes()));
                packer.finish()
            })
        })
    })
}

/// `bytes` as DEFLATE stored (uncompressed) blocks: a valid stream any inflater reads, for
/// should the compressor ever fail.
fn stored_deflate(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 5 * (bytes.len() / 65_535 + 1));
    let mut blocks = bytes.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        // The header's three bits (last block?, stored) in a byte of their own: a stored
        // block's length starts on the next byte.
        out.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out
}

fn deflate_packed(
    compressor: &mut miniz_oxide::deflate::core::CompressorOxide,
    text: &str,
) -> Option<String> {
    use miniz_oxide::deflate::core::{compress_to_output, TDEFLFlush, TDEFLStatus};
    let mut packer = Packer::new(text.len() / 6);
    let (status, _) =
        compress_to_output(compressor, text.as_bytes(), TDEFLFlush::Finish, |bytes| {
            packer.push(bytes);
            true
        });
    (status == TDEFLStatus::Done).then(|| packer.finish())
}

/// Bytes packed 15 bits to a code unit as they come: the high bits of each byte first, the
/// last unit's unused low bits counted by the pad character.
struct Packer {
    out: String,
    acc: u32,
    n_acc: u32,
    n_bytes: u64,
}

impl Packer {
    fn new(capacity: usize) -> Packer {
        let mut out = String::with_capacity(2 + capacity);
        out.push(TAG);
        // The pad, known at the end: one ASCII character, written over then.
        out.push('0');
        Packer {
            out,
            acc: 0,
            n_acc: 0,
            n_bytes: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.n_bytes += bytes.len() as u64;
        for &byte in bytes {
            self.acc = (self.acc << 8) | u32::from(byte);
            self.n_acc += 8;
            if self.n_acc >= BITS {
                self.n_acc -= BITS;
                push_unit(&mut self.out, (self.acc >> self.n_acc) & 0x7FFF);
                self.acc &= (1 << self.n_acc) - 1;
            }
        }
    }

    fn finish(mut self) -> String {
        if self.n_acc > 0 {
            push_unit(&mut self.out, (self.acc << (BITS - self.n_acc)) & 0x7FFF);
        }
        let total_bits = self.n_bytes * 8;
        let pad = (total_bits.div_ceil(u64::from(BITS)) * u64::from(BITS) - total_bits) as u32;
        let pad = char::from_digit(pad, 16).unwrap_or('0');
        self.out.replace_range(1..2, pad.encode_utf8(&mut [0; 4]));
        self.out
    }
}

/// The text a packed value holds.
pub fn unpack_text(raw: &str) -> Result<String, UnpackError> {
    let bytes = unpack_bytes(raw)?;
    let inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_INFLATED)
        .map_err(|_| UnpackError::Corrupt)?;
    String::from_utf8(inflated).map_err(|_| UnpackError::NotText)
}

/// `bytes` packed whole (the tests' reference for [`pack_text`]'s packing as it goes).
#[cfg(test)]
fn pack_bytes(bytes: &[u8]) -> String {
    let mut packer = Packer::new(bytes.len() * 8 / 15 + 1);
    packer.push(bytes);
    packer.finish()
}

fn push_unit(out: &mut String, value: u32) {
    // BASE + 0x7FFF = 0xCDFF: below the surrogates, so always a char.
    if let Some(c) = char::from_u32(BASE + value) {
        out.push(c);
    }
}

fn unpack_bytes(raw: &str) -> Result<Vec<u8>, UnpackError> {
    let mut chars = raw.chars();
    if chars.next() != Some(TAG) {
        return Err(UnpackError::NotPacked);
    }
    let pad = chars
        .next()
        .and_then(|c| c.to_digit(16))
        .filter(|p| *p < BITS)
        .ok_or(UnpackError::NotPacked)?;
    let units = chars.as_str();
    let mut out = Vec::with_capacity(units.len() * 15 / 24 + 1);
    let mut acc: u32 = 0;
    let mut n_acc: u32 = 0;
    for c in units.chars() {
        let value = (c as u32)
            .checked_sub(BASE)
            .filter(|v| *v <= 0x7FFF)
            .ok_or(UnpackError::BadUnit)?;
        acc = (acc << BITS) | value;
        n_acc += BITS;
        while n_acc >= 8 {
            n_acc -= 8;
            out.push((acc >> n_acc) as u8);
            acc &= (1 << n_acc) - 1;
        }
    }
    // 15 × units = bits of data + pad: the pad's whole byte (if any) came out as a byte,
    // its last bits are left over.
    if n_acc != pad % 8 || (pad >= 8 && out.is_empty()) {
        return Err(UnpackError::NotPacked);
    }
    if pad >= 8 {
        out.pop();
    }
    Ok(out)
}

/// The length of `value` in UTF-16 code units: what localStorage counts.
pub fn utf16_len(value: &str) -> usize {
    // One unit for each character (each byte that does not continue one), two for each
    // outside the Basic Multilingual Plane (four-byte UTF-8): counted on bytes, not decoded.
    value
        .bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_round_trips_and_stays_in_the_packed_range() {
        // Lengths 0..64 cover every pad, 0 to 14 bits.
        let mut text = String::new();
        for len in 0..64 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
            let packed = pack_bytes(&bytes);
            assert!(packed[1..]
                .chars()
                .skip(1)
                .all(|c| (0x4E00..=0xCDFF).contains(&(c as u32))));
            assert_eq!(unpack_bytes(&packed), Ok(bytes), "length {len}");
            text.push_str("Ærlig tilbud til Nordlys AS; ");
            assert_eq!(unpack_text(&pack_text(&text)).as_deref(), Ok(text.as_str()));
        }
    }

    #[test]
    fn packing_as_the_output_comes_is_packing_the_whole_stream() {
        let mut text = String::new();
        for i in 0..150 {
            // Empty, short, and past the compressor's 64 KB output buffer.
            let whole = pack_bytes(&miniz_oxide::deflate::compress_to_vec(
                text.as_bytes(),
                LEVEL,
            ));
            assert_eq!(pack_text(&text), whole, "{} bytes", text.len());
            text.push_str(&format!(
                "{{\"title\":\"Avtale {i}\",\"rev\":{}}},",
                i * 7919 % 104729
            ));
            for j in 0..i * 4 {
                text.push_str(&format!("{},", (i * j) % 1009));
            }
        }
    }

    #[test]
    fn stored_blocks_are_a_stream_the_inflater_reads() {
        for len in [0, 1, 100, 65_535, 65_536, 140_000] {
            let text: String = (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let packed = pack_bytes(&stored_deflate(text.as_bytes()));
            assert_eq!(unpack_text(&packed).as_deref(), Ok(text.as_str()), "{len}");
        }
    }

    #[test]
    fn the_length_in_utf16_units_is_what_the_browser_counts() {
        for text in [
            "",
            "plain ASCII",
            "Ærlig tilbud: 12 500 kr – «ja»",
            "emoji 🚀 and 𝄞, two units each",
            &pack_text("a packed value holds three-byte characters only"),
        ] {
            assert_eq!(utf16_len(text), text.encode_utf16().count(), "{text}");
        }
    }

    #[test]
    fn damaged_values_are_errors() {
        assert_eq!(unpack_text("{\"a\":1}"), Err(UnpackError::NotPacked));
        assert_eq!(unpack_text("Zz"), Err(UnpackError::NotPacked));
        assert_eq!(unpack_text("Z0abc"), Err(UnpackError::BadUnit));
        let packed = pack_text("some text that is long enough to compress a little bit");
        let cut: String = packed.chars().take(packed.chars().count() - 3).collect();
        assert!(unpack_text(&cut).is_err());
        // A pad that does not match the length.
        let mut wrong_pad: Vec<char> = packed.chars().collect();
        wrong_pad[1] = if wrong_pad[1] == '3' { '4' } else { '3' };
        assert!(unpack_text(&wrong_pad.into_iter().collect::<String>()).is_err());
    }
}
