//! Interoperability with bcg729, the G.729 library VoIP projects use, both ways, on real speech: bcg729 decodes our
//! stream and we decode bcg729's, each about as faithfully as bcg729 round-trips its own.
//!
//! bcg729 (Debian `libbcg729-dev`) is linked only by this test and the `vs_bcg729` benchmark, never by the
//! library: run with `cargo test -p council-g729 --features bcg729 --test bcg729_interop`.

use std::ffi::c_void;

use g729::{Decoder, Encoder};

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
        erasure: u8,
        sid: u8,
        rfc3389: u8,
        out: *mut i16,
    );
}

/// bcg729's encoder, VAD off: 80 samples in, 10 bytes out.
struct BcgEncoder(*mut c_void);

impl BcgEncoder {
    fn new() -> Self {
        // SAFETY: plain constructor; null is checked.
        let ctx = unsafe { initBcg729EncoderChannel(0) };
        assert!(!ctx.is_null());
        Self(ctx)
    }

    fn encode(&mut self, pcm: &[i16; 80]) -> [u8; 10] {
        let mut out = [0u8; 10];
        let mut len = 0u8;
        // SAFETY: the context is live; the buffers have the sizes the API documents (80 samples in, ≤ 10 bytes out).
        unsafe { bcg729Encoder(self.0, pcm.as_ptr(), out.as_mut_ptr(), &mut len) };
        assert_eq!(len, 10, "VAD is off: every frame is speech");
        out
    }
}

impl Drop for BcgEncoder {
    fn drop(&mut self) {
        // SAFETY: created by initBcg729EncoderChannel, closed once.
        unsafe { closeBcg729EncoderChannel(self.0) }
    }
}

/// bcg729's decoder: 10 bytes in, 80 samples out.
struct BcgDecoder(*mut c_void);

impl BcgDecoder {
    fn new() -> Self {
        // SAFETY: plain constructor; null is checked.
        let ctx = unsafe { initBcg729DecoderChannel() };
        assert!(!ctx.is_null());
        Self(ctx)
    }

    fn decode(&mut self, frame: &[u8; 10]) -> [i16; 80] {
        let mut out = [0i16; 80];
        // SAFETY: the context is live; a 10-byte speech frame in, 80 samples out.
        unsafe { bcg729Decoder(self.0, frame.as_ptr(), 10, 0, 0, 0, out.as_mut_ptr()) };
        out
    }
}

impl Drop for BcgDecoder {
    fn drop(&mut self) {
        // SAFETY: created by initBcg729DecoderChannel, closed once.
        unsafe { closeBcg729DecoderChannel(self.0) }
    }
}

/// The speech clip the benchmark uses (8 kHz mono S16LE WAV, 44-byte header), as whole 10 ms frames.
fn speech() -> Vec<[i16; 80]> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/data/harvard-1-en-us.wav"
    );
    let data = std::fs::read(path).unwrap();
    let pcm: Vec<i16> = data[44..]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    pcm.chunks_exact(80)
        .map(|c| c.try_into().unwrap())
        .collect()
}

/// The best normalised cross-correlation of `out` against `input` over lags 0..=160 samples (the codec delays by
/// 40).
fn correlation(input: &[i16], out: &[i16]) -> f64 {
    (0..=160)
        .map(|lag| {
            let (mut xy, mut xx, mut yy) = (0f64, 0f64, 0f64);
            for (x, y) in input.iter().zip(&out[lag..]) {
                let (x, y) = (f64::from(*x), f64::from(*y));
                xy += x * y;
                xx += x * x;
                yy += y * y;
            }
            xy / (xx * yy).sqrt()
        })
        .fold(f64::MIN, f64::max)
}

fn flat(frames: &[[i16; 80]]) -> Vec<i16> {
    frames.iter().flatten().copied().collect()
}

#[test]
fn bcg729_and_we_understand_each_other() {
    let frames = speech();
    assert!(frames.len() > 1000, "13 s of speech");
    let input = flat(&frames);

    let (mut ours_enc, mut ours_dec) = (Encoder::new(), Decoder::new());
    let (mut bcg_enc, mut bcg_dec) = (BcgEncoder::new(), BcgDecoder::new());
    let (mut bcg_dec2, mut ours_dec2) = (BcgDecoder::new(), Decoder::new());
    let (mut bcg_bcg, mut ours_bcg, mut bcg_ours, mut ours_ours) = (vec![], vec![], vec![], vec![]);
    for pcm in &frames {
        let mut ours = [0u8; 10];
        ours_enc.encode(pcm, &mut ours);
        let theirs = bcg_enc.encode(pcm);
        let mut out = [0i16; 80];
        bcg_bcg.push(bcg_dec.decode(&theirs));
        ours_dec.decode(&theirs, &mut out); // bcg729's stream, our decoder
        ours_bcg.push(out);
        bcg_ours.push(bcg_dec2.decode(&ours)); // our stream, bcg729's decoder
        ours_dec2.decode(&ours, &mut out);
        ours_ours.push(out);
    }
    let reference = correlation(&input, &flat(&bcg_bcg));
    let results = [
        ("bcg729 → bcg729", reference),
        ("bcg729 → ours", correlation(&input, &flat(&ours_bcg))),
        ("ours → bcg729", correlation(&input, &flat(&bcg_ours))),
        ("ours → ours", correlation(&input, &flat(&ours_ours))),
    ];
    for (what, c) in results {
        eprintln!("{what}: correlation with the input {c:.4}");
    }
    assert!(reference > 0.8, "bcg729's own round trip: {reference}");
    for (what, c) in &results[1..] {
        assert!(
            *c > reference - 0.03,
            "{what}: {c:.4}, bcg729's own {reference:.4}"
        );
    }
}
