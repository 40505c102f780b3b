//! Helpers shared by the media tests: G.711 µ-law, tones, Goertzel, RTP packets.

#![allow(dead_code)]

use std::f64::consts::PI;
use std::path::Path;

/// G.711 µ-law encoding of one sample (ITU-T G.711: bias 0x84, segment, 4 mantissa bits, inverted).
pub fn ulaw(sample: i16) -> u8 {
    let sign = if sample < 0 { 0x80 } else { 0 };
    let magnitude = (i32::from(sample).abs().min(32635) + 0x84) as u32;
    let exponent = (31 - magnitude.leading_zeros()).saturating_sub(7).min(7);
    let mantissa = (magnitude >> (exponent + 3)) & 0x0f;
    !(sign | ((exponent as u8) << 4) | mantissa as u8)
}

pub fn unulaw(byte: u8) -> i16 {
    let b = !byte;
    let exponent = (b >> 4) & 0x07;
    let mantissa = i32::from(b & 0x0f);
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    (if b & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

pub fn tone(n: usize, freq: f64, start: usize) -> Vec<i16> {
    (0..n)
        .map(|i| (8000.0 * (2.0 * PI * freq * (start + i) as f64 / 8000.0).sin()) as i16)
        .collect()
}

/// Energy at `freq` over total energy (Goertzel).
pub fn share_at(samples: &[i16], freq: f64) -> f64 {
    let w = 2.0 * PI * freq / 8000.0;
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    let mut total = 0.0;
    for &x in samples {
        let x = f64::from(x);
        let s0 = x + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s0;
        total += x * x;
    }
    let power = s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2;
    if total == 0.0 {
        0.0
    } else {
        2.0 * power / (samples.len() as f64 * total)
    }
}

pub fn rtp(pt: u8, seq: u16, ts: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&0x1234_5678u32.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// How many `media-digest` entries of `label` the witness log at `log` holds.
pub fn digests(log: &Path, label: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .filter(|l| {
            l.contains("\"kind\":\"media-digest\"") && l.contains(&format!("\"label\":\"{label}\""))
        })
        .count()
}

/// The share of the energy at `freq` in `samples`, packet by packet: the median over 20 ms stretches (160 samples,
/// on which every test tone, a multiple of 50 Hz, falls on a bin). A tone heard through RTP, jitter buffers and a
/// live mixer may jump in phase between packets under load, which a single Goertzel over the whole signal counts
/// against it; each packet still carries it whole.
pub fn heard_share(samples: &[i16], freq: f64) -> f64 {
    let mut shares: Vec<f64> = samples
        .chunks_exact(160)
        .map(|c| share_at(c, freq))
        .collect();
    if shares.is_empty() {
        return 0.0;
    }
    shares.sort_by(f64::total_cmp);
    shares[shares.len() / 2]
}
