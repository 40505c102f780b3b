//! Arbitrary bytes -> 80-sample PCM frames (with generated extremes) ->
//! `g729::Encoder::encode`, then the frames through a `g729::Decoder`.
//! Must never panic; the fuzz build has overflow checks on, so an
//! unsaturated arithmetic overflow is a crash too.
//!
//! Input layout: a sequence of records, each a control byte then payload.
//! The low 3 bits of the control byte pick how the frame is made:
//! 0 = raw: 160 payload bytes, little-endian i16 samples (short tail is
//!     zero-padded);
//! 1 = i16::MAX run; 2 = i16::MIN run; 3 = DC at the value of the next 2
//!     payload bytes; 4 = alternating full scale (MIN, MAX, ...);
//! 5 = full-scale square wave whose half-period is the next payload byte;
//! 6 = silence; 7 = raw samples where each payload byte picks an extreme
//!     (i16::MIN, -1, 0, 1, i16::MAX) or a scaled value.
//! The high bit of the control byte repeats the frame 4 times (sustained
//! extremes drive the filter memories and gain predictors to their limits).
#![no_main]

use libfuzzer_sys::fuzz_target;

const N: usize = g729::FRAME_SAMPLES;

fn take<'a>(rest: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(rest.len());
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    head
}

fn extreme(b: u8) -> i16 {
    match b % 8 {
        0 => i16::MIN,
        1 => i16::MAX,
        2 => -1,
        3 => 0,
        4 => 1,
        5 => i16::MIN + 1,
        _ => (b as i8 as i16) << 8,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut enc = g729::Encoder::new();
    let mut dec = g729::Decoder::new();
    let mut frame = [0u8; 10];
    let mut out = [0i16; N];
    let mut rest = data;
    let mut frames = 0usize;
    while let Some((&ctl, tail)) = rest.split_first() {
        rest = tail;
        let mut pcm = [0i16; N];
        match ctl & 7 {
            0 => {
                let raw = take(&mut rest, 2 * N);
                for (s, b) in pcm.iter_mut().zip(raw.chunks(2)) {
                    *s = i16::from_le_bytes([b[0], *b.get(1).unwrap_or(&0)]);
                }
            }
            1 => pcm = [i16::MAX; N],
            2 => pcm = [i16::MIN; N],
            3 => {
                let b = take(&mut rest, 2);
                let v = i16::from_le_bytes([*b.first().unwrap_or(&0), *b.get(1).unwrap_or(&0x80)]);
                pcm = [v; N];
            }
            4 => {
                for (i, s) in pcm.iter_mut().enumerate() {
                    *s = if i.is_multiple_of(2) { i16::MIN } else { i16::MAX };
                }
            }
            5 => {
                let half = take(&mut rest, 1).first().map_or(1, |&b| b.max(1) as usize);
                for (i, s) in pcm.iter_mut().enumerate() {
                    *s = if (i / half).is_multiple_of(2) {
                        i16::MAX
                    } else {
                        i16::MIN
                    };
                }
            }
            6 => {}
            _ => {
                let raw = take(&mut rest, N);
                for (s, &b) in pcm.iter_mut().zip(raw) {
                    *s = extreme(b);
                }
            }
        }
        let reps = if ctl & 0x80 != 0 { 4 } else { 1 };
        for _ in 0..reps {
            enc.encode(&pcm, &mut frame);
            dec.decode(&frame, &mut out);
            frames += 1;
        }
        // Bound the work per input so the fuzzer keeps its speed.
        if frames >= 400 {
            break;
        }
    }
});
