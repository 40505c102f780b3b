//! Pure-Rust ITU-T G.729 Annex A speech decoder, with the Annex B decoder
//! side (SID frames, DTX, comfort noise), bit-exact with the ITU conformance
//! vectors, and the matching encoder ([`Encoder`]): Annex A, optionally with
//! the Annex B VAD/DTX ([`Encoder::with_vad`], [`Encoder::encode_frame`]).
//!
//! ```
//! let mut dec = g729::Decoder::new();
//! let mut pcm = [0i16; 80];
//! dec.decode(&[0u8; 10], &mut pcm); // one 10-byte (80-bit) frame -> 10 ms
//! dec.conceal(&mut pcm);            // a lost frame
//! ```

#![forbid(unsafe_code)]

mod acelp;
mod cng;
mod decoder;
mod dtx;
mod encoder;
mod filter;
pub mod fixed;
mod gain;
mod gainq;
pub mod itu;
mod lpc;
mod lsp;
mod lspq;
mod pitch;
mod pitch_search;
mod postfilter;
mod preproc;
mod sid_enc;
mod tables;
mod tables_b;
mod vad;

pub use decoder::{Decoder, FrameParams};
pub use encoder::{Encoder, FrameKind};
pub use pitch::pitch_parity;

/// Samples per frame (10 ms at 8 kHz).
pub const FRAME_SAMPLES: usize = L_FRAME;
/// Bytes per speech frame.
pub const FRAME_BYTES: usize = 10;
/// Bytes of an Annex B SID frame (15 bits and a zero pad bit).
pub const SID_BYTES: usize = 2;

pub(crate) const L_FRAME: usize = 80;
pub(crate) const L_SUBFR: usize = 40;
pub(crate) const M: usize = 10;
pub(crate) const MP1: usize = M + 1;
pub(crate) const PIT_MIN: i16 = 20;
pub(crate) const PIT_MAX: i16 = 143;
pub(crate) const L_INTERPOL: usize = 11;
