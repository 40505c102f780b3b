//! bcg729 (Debian `libbcg729-dev`, 1.1.1), the G.729 library VoIP projects use: a safe wrapper for the benchmark and
//! the interop test, the only code that links it (behind the crate's `bcg729` feature). Also the speech clip both
//! use.
#![allow(dead_code)]

use std::os::raw::c_void;

const N: usize = g729::FRAME_SAMPLES;

// bcg729 1.1.1, /usr/include/bcg729/{encoder,decoder}.h. The context structs
// are opaque.
#[link(name = "bcg729")]
unsafe extern "C" {
    fn initBcg729EncoderChannel(enable_vad: u8) -> *mut c_void;
    fn closeBcg729EncoderChannel(ctx: *mut c_void);
    fn bcg729Encoder(ctx: *mut c_void, input: *const i16, bitstream: *mut u8, len: *mut u8);
    fn initBcg729DecoderChannel() -> *mut c_void;
    fn closeBcg729DecoderChannel(ctx: *mut c_void);
    fn bcg729Decoder(
        ctx: *mut c_void,
        bitstream: *const u8,
        len: u8,
        frame_erasure: u8,
        sid_frame: u8,
        rfc3389_payload: u8,
        signal: *mut i16,
    );
}

pub struct BcgEncoder(*mut c_void);

impl BcgEncoder {
    pub fn new() -> Self {
        // SAFETY: plain constructor; VAD off (Annex A only, like ours).
        let ctx = unsafe { initBcg729EncoderChannel(0) };
        assert!(!ctx.is_null());
        Self(ctx)
    }

    pub fn encode(&mut self, pcm: &[i16; N], frame: &mut [u8; 10]) {
        let mut len = 0u8;
        // SAFETY: ctx is live; 80 input samples, up to 10 output bytes.
        unsafe { bcg729Encoder(self.0, pcm.as_ptr(), frame.as_mut_ptr(), &mut len) };
        debug_assert_eq!(len, 10);
    }
}

impl Drop for BcgEncoder {
    fn drop(&mut self) {
        // SAFETY: ctx came from initBcg729EncoderChannel and is closed once.
        unsafe { closeBcg729EncoderChannel(self.0) }
    }
}

pub struct BcgDecoder(*mut c_void);

impl BcgDecoder {
    pub fn new() -> Self {
        // SAFETY: plain constructor.
        let ctx = unsafe { initBcg729DecoderChannel() };
        assert!(!ctx.is_null());
        Self(ctx)
    }

    pub fn decode(&mut self, frame: &[u8; 10], pcm: &mut [i16; N]) {
        // SAFETY: ctx is live; 10 input bytes, 80 output samples.
        unsafe { bcg729Decoder(self.0, frame.as_ptr(), 10, 0, 0, 0, pcm.as_mut_ptr()) }
    }
}

impl Drop for BcgDecoder {
    fn drop(&mut self) {
        // SAFETY: ctx came from initBcg729DecoderChannel and is closed once.
        unsafe { closeBcg729DecoderChannel(self.0) }
    }
}

/// The speech clip (8 kHz mono S16LE WAV; provenance in `benches/data/README.md`).
pub const WAV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/benches/data/harvard-1-en-us.wav"
);

/// The clip's samples as whole 80-sample frames (a trailing partial frame is
/// dropped). Finds the `data` chunk rather than assuming a 44-byte header.
pub fn load_frames() -> Vec<[i16; N]> {
    let wav = std::fs::read(WAV).unwrap_or_else(|e| panic!("{WAV}: {e}"));
    assert!(
        wav.len() >= 12 && &wav[0..4] == b"RIFF" && &wav[8..12] == b"WAVE",
        "{WAV}: not a WAV file"
    );
    let mut pos = 12;
    let data = loop {
        assert!(pos + 8 <= wav.len(), "{WAV}: no data chunk");
        let id = &wav[pos..pos + 4];
        let len = u32::from_le_bytes(wav[pos + 4..pos + 8].try_into().unwrap()) as usize;
        let body = &wav[pos + 8..(pos + 8 + len).min(wav.len())];
        if id == b"data" {
            break body;
        }
        pos += 8 + len + (len & 1);
    };
    data.chunks_exact(2 * N)
        .map(|c| std::array::from_fn(|i| i16::from_le_bytes([c[2 * i], c[2 * i + 1]])))
        .collect()
}
