// SPDX-License-Identifier: MPL-2.0

//! The arithmetic of `councilmixer`, free of GStreamer: mix-minus of S16 mono signals and talker levels.
//!
//! ## Mix-minus
//!
//! Participant `j` contributes `c_j[k] = round(in_j[k] · g_j)` where `g_j` is its gain in Q[`GAIN_SHIFT`] fixed
//! point (0 when muted or absent). All contributions are summed in an `i32` accumulator `T[k] = Σ_j c_j[k]`, then:
//!
//! - the full mix is `saturate(T[k])`;
//! - participant `i` hears `saturate(T[k] − c_i[k])`, i.e. exactly the saturated sum of everybody else.
//!
//! Saturation happens once, at the end, so nothing clips in between: `30000 + 30000 − 30000` is 30000, not
//! 2767. The work is O(N·S) for N participants and S samples (one pass to sum, one pass per output), not the
//! O(N²·S) of N separate (N−1)-input mixers. At unity gain (`g = UNITY`) a contribution is the input itself,
//! bit-exact.
//!
//! Headroom: 32768 · 10 (maximum gain) · 6553 participants fits in an `i32`, far beyond any council.
//!
//! ## Limiter
//!
//! Summed voices clip. With a [`LimiterParams`] set, each output (the full mix and every mix-minus) goes through
//! its own peak limiter instead of plain saturation: an envelope that jumps to any larger sample magnitude and
//! decays exponentially (the release), and a gain of `threshold / envelope` while the envelope is above the
//! threshold, 1 otherwise. No output sample then exceeds the threshold (the envelope is never below the current
//! sample), and while the envelope stays at or below the threshold the output is the saturated sum, bit-exact; after
//! a peak above it, quieter samples stay attenuated while the envelope decays (the release). Each participant keeps
//! its limiter's state by the identity given to [`MixMinus::set_participants`] while others join and leave.
//!
//! ## Levels
//!
//! [`Levels`] accumulates RMS and peak of a stretch of samples and reports them in dBov, where 0 dBov is the RMS
//! of a full-scale square wave (±32768), so a full-scale sine is about −3 dBov. Silence is reported as
//! [`DBOV_FLOOR`] (−127 dBov, the floor of RFC 6464's audio level) rather than −∞.

/// Fractional bits of a fixed-point gain.
pub const GAIN_SHIFT: u32 = 12;
/// Gain 1.0 in fixed point.
pub const UNITY: i32 = 1 << GAIN_SHIFT;
/// Largest accepted gain (also the `gain` property's maximum).
pub const MAX_GAIN: f64 = 10.0;
/// Level reported for silence, in dBov.
pub const DBOV_FLOOR: f64 = -127.0;
/// Full scale of S16 used as the dBov reference.
const FULL_SCALE: f64 = 32768.0;

/// Converts a gain to fixed point (clamped to `0..=MAX_GAIN`, rounded to the nearest step of 1/4096).
pub fn gain_to_fixed(gain: f64) -> i32 {
    let g = if gain.is_nan() {
        0.0
    } else {
        gain.clamp(0.0, MAX_GAIN)
    };
    (g * f64::from(UNITY)).round() as i32
}

/// `x` clamped to the `i16` range.
#[inline]
pub fn saturate(x: i32) -> i16 {
    x.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

/// One sample's contribution at fixed-point gain `g` (rounded half up; exact at [`UNITY`]).
#[inline]
fn contribution(sample: i16, g: i32) -> i32 {
    (i32::from(sample) * g + (1 << (GAIN_SHIFT - 1))) >> GAIN_SHIFT
}

/// The limiter's settings (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterParams {
    /// Largest output magnitude.
    pub threshold: f32,
    /// The envelope's decay per sample (`exp(−1 / (release time · rate))`).
    pub release: f32,
}

impl LimiterParams {
    /// A limiter at `threshold_dbfs` (≤ 0; 0 dBFS = 32767) releasing with time constant `release_s` at `rate` Hz.
    pub fn new(threshold_dbfs: f64, release_s: f64, rate: u32) -> Self {
        let threshold = (32767.0 * 10f64.powf(threshold_dbfs.min(0.0) / 20.0)).max(1.0);
        let release = (-1.0 / (release_s.max(1e-4) * f64::from(rate.max(1)))).exp();
        Self {
            threshold: threshold as f32,
            release: release as f32,
        }
    }
}

/// One output's limiter state: its envelope.
#[derive(Debug, Default, Clone, Copy)]
struct Limiter {
    envelope: f32,
}

impl Limiter {
    #[inline]
    fn apply(&mut self, x: i32, p: &LimiterParams) -> i16 {
        let magnitude = x.unsigned_abs() as f32;
        self.envelope = magnitude.max(self.envelope * p.release);
        // Silence: no need to decay through subnormals.
        if self.envelope < 0.5 {
            self.envelope = 0.0;
        }
        if self.envelope <= p.threshold {
            saturate(x)
        } else {
            saturate((x as f32 * (p.threshold / self.envelope)).round() as i32)
        }
    }
}

/// Mix-minus with a reusable accumulator (no allocation once warmed up).
#[derive(Debug, Default)]
pub struct MixMinus {
    acc: Vec<i32>,
    limit: Option<LimiterParams>,
    /// The full mix's limiter.
    total_limiter: Limiter,
    /// Each participant's limiter, by the identity given in [`MixMinus::set_participants`].
    limiters: std::collections::HashMap<u32, Limiter>,
    /// The participants' identities in the order of `mix`'s inputs (empty: by position).
    ids: Vec<u32>,
}

impl MixMinus {
    pub fn new() -> Self {
        Self::default()
    }

    /// Limits every output (`Some`) or only saturates it (`None`, the default).
    pub fn set_limiter(&mut self, limit: Option<LimiterParams>) {
        if limit.is_none() {
            self.limiters.clear();
            self.total_limiter = Limiter::default();
        }
        self.limit = limit;
    }

    /// Names the participants of the next [`MixMinus::mix`], in the order of its inputs, so that each keeps its
    /// limiter's state when others join or leave (without it, positions are identities).
    pub fn set_participants(&mut self, ids: &[u32]) {
        self.ids.clear();
        self.ids.extend_from_slice(ids);
        self.limiters.retain(|id, _| ids.contains(id));
    }

    /// Mixes `inputs` (one per participant; `None` = absent, i.e. silence) with fixed-point `gains` (see
    /// [`gain_to_fixed`]; 0 = muted).
    ///
    /// Writes the full mix into `out_total` and, for each participant `i`, the mix of all others into
    /// `out_each[i]` (resized to `out_total.len()`). Every present input must be `out_total.len()` samples long;
    /// `inputs`, `gains` and `out_each` must have the same length.
    pub fn mix(
        &mut self,
        inputs: &[Option<&[i16]>],
        gains: &[i32],
        out_total: &mut [i16],
        out_each: &mut [Vec<i16>],
    ) {
        let n = out_total.len();
        assert_eq!(inputs.len(), gains.len(), "one gain per input");
        assert_eq!(inputs.len(), out_each.len(), "one output per input");
        self.acc.clear();
        self.acc.resize(n, 0);

        for (input, &g) in inputs.iter().zip(gains) {
            let Some(input) = input else { continue };
            assert_eq!(input.len(), n, "input length differs from output length");
            if g == 0 {
                continue;
            }
            if g == UNITY {
                for (a, &s) in self.acc.iter_mut().zip(input.iter()) {
                    *a += i32::from(s);
                }
            } else {
                for (a, &s) in self.acc.iter_mut().zip(input.iter()) {
                    *a += contribution(s, g);
                }
            }
        }

        if let Some(p) = self.limit {
            return self.mix_limited(inputs, gains, out_total, out_each, &p);
        }

        for (o, &a) in out_total.iter_mut().zip(&self.acc) {
            *o = saturate(a);
        }

        for ((input, &g), out) in inputs.iter().zip(gains).zip(out_each.iter_mut()) {
            out.clear();
            match input {
                Some(input) if g != 0 => {
                    out.extend(
                        self.acc
                            .iter()
                            .zip(input.iter())
                            .map(|(&a, &s)| saturate(a - contribution(s, g))),
                    );
                }
                // Contributed nothing: hears everything.
                _ => out.extend_from_slice(out_total),
            }
        }
    }

    /// The outputs of [`MixMinus::mix`] through a limiter each (the accumulator is summed).
    fn mix_limited(
        &mut self,
        inputs: &[Option<&[i16]>],
        gains: &[i32],
        out_total: &mut [i16],
        out_each: &mut [Vec<i16>],
        p: &LimiterParams,
    ) {
        for (o, &a) in out_total.iter_mut().zip(&self.acc) {
            *o = self.total_limiter.apply(a, p);
        }
        for (i, ((input, &g), out)) in inputs
            .iter()
            .zip(gains)
            .zip(out_each.iter_mut())
            .enumerate()
        {
            let id = self
                .ids
                .get(i)
                .copied()
                .unwrap_or_else(|| u32::try_from(i).unwrap_or(u32::MAX));
            let limiter = self.limiters.entry(id).or_default();
            out.clear();
            match input {
                Some(input) if g != 0 => out.extend(
                    self.acc
                        .iter()
                        .zip(input.iter())
                        .map(|(&a, &s)| limiter.apply(a - contribution(s, g), p)),
                ),
                _ => out.extend(self.acc.iter().map(|&a| limiter.apply(a, p))),
            }
        }
    }
}

/// RMS and peak of a stretch of samples.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Levels {
    sum_squares: u64,
    peak: u32,
    count: u64,
}

impl Levels {
    /// Adds samples.
    pub fn add(&mut self, samples: &[i16]) {
        let mut sum = 0u64;
        let mut peak = self.peak;
        for &s in samples {
            let a = i32::from(s).unsigned_abs();
            sum += u64::from(a * a);
            peak = peak.max(a);
        }
        self.sum_squares += sum;
        self.peak = peak;
        self.count += samples.len() as u64;
    }

    /// Adds `n` samples of silence (a participant that sent nothing for them).
    pub fn add_silence(&mut self, n: usize) {
        self.count += n as u64;
    }

    /// Samples accumulated so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// RMS in dBov ([`DBOV_FLOOR`] for silence or no samples).
    pub fn rms_dbov(&self) -> f64 {
        if self.count == 0 || self.sum_squares == 0 {
            return DBOV_FLOOR;
        }
        let rms = (self.sum_squares as f64 / self.count as f64).sqrt();
        to_dbov(rms)
    }

    /// Peak in dBov ([`DBOV_FLOOR`] for silence or no samples).
    pub fn peak_dbov(&self) -> f64 {
        if self.peak == 0 {
            return DBOV_FLOOR;
        }
        to_dbov(f64::from(self.peak))
    }

    /// Starts a new stretch.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// An amplitude in dBov, floored at [`DBOV_FLOOR`].
pub fn to_dbov(amplitude: f64) -> f64 {
    (20.0 * (amplitude / FULL_SCALE).log10()).max(DBOV_FLOOR)
}

/// A gain in dB (−∞ for 0 is floored at [`DBOV_FLOOR`]).
pub fn gain_db(gain: f64) -> f64 {
    if gain <= 0.0 {
        return DBOV_FLOOR;
    }
    20.0 * gain.log10()
}

/// The active speaker: the index of the loudest of `rms_dbov` (`None` entries cannot be chosen), if it is at
/// least `threshold_dbov`. Ties go to the lowest index.
pub fn active_speaker(rms_dbov: &[Option<f64>], threshold_dbov: f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, level) in rms_dbov.iter().enumerate() {
        let Some(level) = *level else { continue };
        if level < threshold_dbov {
            continue;
        }
        if best.is_none_or(|(_, b)| level > b) {
            best = Some((i, level));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, amplitude: f64, n: usize) -> Vec<i16> {
        (0..n)
            .map(|k| {
                (amplitude * (2.0 * std::f64::consts::PI * freq * k as f64 / 8000.0).sin()).round()
                    as i16
            })
            .collect()
    }

    /// Energy of `x` at `freq` over its total energy (Goertzel, 8 kHz).
    fn share(x: &[i16], freq: f64) -> f64 {
        let c = 2.0 * (2.0 * std::f64::consts::PI * freq / 8000.0).cos();
        let (mut s1, mut s2, mut total) = (0.0f64, 0.0f64, 0.0f64);
        for &v in x {
            let v = f64::from(v);
            let s0 = v + c * s1 - s2;
            s2 = s1;
            s1 = s0;
            total += v * v;
        }
        2.0 * (s1 * s1 + s2 * s2 - c * s1 * s2) / (x.len() as f64 * total)
    }

    #[test]
    fn the_limiter_keeps_loud_voices_under_the_threshold_and_clean() {
        // Three loud voices (each at 80 % of full scale): summed, they clip.
        let n = 8000;
        let voices = [
            sine(500.0, 26000.0, n),
            sine(800.0, 26000.0, n),
            sine(1200.0, 26000.0, n),
        ];
        let inputs: Vec<Option<&[i16]>> = voices.iter().map(|v| Some(v.as_slice())).collect();
        let gains = [UNITY; 3];
        let run = |limit: Option<LimiterParams>| {
            let mut m = MixMinus::new();
            m.set_limiter(limit);
            let (mut total, mut each) = (vec![0i16; n], vec![Vec::new(); 3]);
            // In buffers of 80 samples, as the element mixes (the envelopes carry over).
            let (mut all_total, mut all_each) = (Vec::new(), vec![Vec::new(); 3]);
            for k in (0..n).step_by(80) {
                let slices: Vec<Option<&[i16]>> =
                    inputs.iter().map(|i| i.map(|s| &s[k..k + 80])).collect();
                m.mix(&slices, &gains, &mut total[..80], &mut each);
                all_total.extend_from_slice(&total[..80]);
                for (a, e) in all_each.iter_mut().zip(&each) {
                    a.extend_from_slice(e);
                }
            }
            (all_total, all_each)
        };
        let p = LimiterParams::new(-1.0, 0.05, 8000);
        let (clipped, clipped_each) = run(None);
        let (limited, limited_each) = run(Some(p));
        let peak = |x: &[i16]| x.iter().map(|v| i32::from(*v).abs()).max().unwrap();
        assert!(peak(&clipped) >= 32767, "the saturated sum clips");
        assert!(f64::from(peak(&limited)) <= f64::from(p.threshold) + 0.5);
        // Participant 0 hears 800 + 1200 Hz: cleaner limited than clipped (less energy off the two tones).
        let off = |x: &[i16]| 1.0 - share(&x[800..], 800.0) - share(&x[800..], 1200.0);
        assert!(
            off(&limited_each[0]) < off(&clipped_each[0]),
            "limited {:.4} vs clipped {:.4} off the tones",
            off(&limited_each[0]),
            off(&clipped_each[0])
        );
        for e in &limited_each {
            assert!(f64::from(peak(e)) <= f64::from(p.threshold) + 0.5);
        }
    }

    #[test]
    fn each_participant_keeps_its_limiter_when_others_leave_or_join() {
        let p = LimiterParams::new(-1.0, 0.05, 8000);
        let mut m = MixMinus::new();
        m.set_limiter(Some(p));
        let (loud, quiet, silent) = (vec![30000i16; 80], vec![10000i16; 80], vec![0i16; 80]);
        let (mut total, mut each) = (vec![0i16; 80], vec![Vec::new(); 3]);
        // 1 and 2 shout: 3 hears 60000, limited.
        m.set_participants(&[1, 2, 3]);
        m.mix(
            &[Some(&loud), Some(&loud), Some(&silent)],
            &[UNITY; 3],
            &mut total,
            &mut each,
        );
        assert!(f32::from(each[2][0].unsigned_abs()) <= p.threshold + 0.5);
        // 2 leaves and 1 speaks quietly: 3's limiter is still releasing (10000 comes out lower) ...
        let mut each = vec![Vec::new(); 2];
        m.set_participants(&[1, 3]);
        m.mix(
            &[Some(&quiet), Some(&silent)],
            &[UNITY; 2],
            &mut total[..80],
            &mut each,
        );
        assert!(each[1][0] < 10000, "{}", each[1][0]);
        // ... while 4, who joins now, starts with a limiter of its own: the plain sum.
        m.set_participants(&[1, 4]);
        m.mix(
            &[Some(&quiet), Some(&silent)],
            &[UNITY; 2],
            &mut total[..80],
            &mut each,
        );
        assert_eq!(each[1], vec![10000i16; 80]);
    }

    #[test]
    fn below_the_threshold_the_limiter_changes_nothing() {
        let a = sine(500.0, 8000.0, 800);
        let b = sine(700.0, 8000.0, 800);
        let inputs = [Some(a.as_slice()), Some(b.as_slice())];
        let mut plain = MixMinus::new();
        let mut limited = MixMinus::new();
        limited.set_limiter(Some(LimiterParams::new(-1.0, 0.05, 8000)));
        let (mut t1, mut e1) = (vec![0i16; 800], vec![Vec::new(); 2]);
        let (mut t2, mut e2) = (vec![0i16; 800], vec![Vec::new(); 2]);
        plain.mix(&inputs, &[UNITY, UNITY], &mut t1, &mut e1);
        limited.mix(&inputs, &[UNITY, UNITY], &mut t2, &mut e2);
        assert_eq!(t1, t2);
        assert_eq!(e1, e2);
    }

    /// Deterministic pseudo-random samples (xorshift32), full scale.
    fn noise(seed: u32, len: usize) -> Vec<i16> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as i16
            })
            .collect()
    }

    fn run(inputs: &[Option<&[i16]>], gains: &[i32]) -> (Vec<i16>, Vec<Vec<i16>>) {
        let n = inputs.iter().flatten().map(|i| i.len()).next().unwrap_or(0);
        let mut total = vec![0; n];
        let mut each = vec![Vec::new(); inputs.len()];
        MixMinus::new().mix(inputs, gains, &mut total, &mut each);
        (total, each)
    }

    #[test]
    fn constants_mix_minus() {
        let (a, b, c) = ([100i16; 8], [200i16; 8], [300i16; 8]);
        let (total, each) = run(&[Some(&a), Some(&b), Some(&c)], &[UNITY; 3]);
        assert_eq!(total, vec![600; 8]);
        assert_eq!(each[0], vec![500; 8]);
        assert_eq!(each[1], vec![400; 8]);
        assert_eq!(each[2], vec![300; 8]);
    }

    #[test]
    fn exact_against_reference_on_noise() {
        for n_parties in [1usize, 2, 3, 8, 20] {
            let signals: Vec<Vec<i16>> = (0..n_parties)
                .map(|i| noise(i as u32 * 7 + 1, 160))
                .collect();
            let inputs: Vec<Option<&[i16]>> = signals.iter().map(|s| Some(s.as_slice())).collect();
            let (total, each) = run(&inputs, &vec![UNITY; n_parties]);
            for k in 0..160 {
                let sum: i32 = signals.iter().map(|s| i32::from(s[k])).sum();
                assert_eq!(total[k], saturate(sum));
                for (i, out) in each.iter().enumerate() {
                    let others: i32 = (0..n_parties)
                        .filter(|&j| j != i)
                        .map(|j| i32::from(signals[j][k]))
                        .sum();
                    assert_eq!(out[k], saturate(others), "party {i} sample {k}");
                }
            }
        }
    }

    #[test]
    fn saturates_once_at_the_end() {
        let (a, b, c) = ([30000i16; 4], [30000i16; 4], [-30000i16; 4]);
        let (total, each) = run(&[Some(&a), Some(&b)], &[UNITY; 2]);
        assert_eq!(total, vec![32767; 4]);
        assert_eq!(each[0], vec![30000; 4]);
        let (total, each) = run(&[Some(&a), Some(&b), Some(&c)], &[UNITY; 3]);
        assert_eq!(total, vec![30000; 4]);
        assert_eq!(each[2], vec![32767; 4]);
        let (neg, neg2) = ([-30000i16; 4], [-30000i16; 4]);
        let (total, _) = run(&[Some(&neg), Some(&neg2)], &[UNITY; 2]);
        assert_eq!(total, vec![-32768; 4]);
    }

    #[test]
    fn absent_and_muted_contribute_nothing_but_hear_all() {
        let (a, b, c) = ([100i16; 4], [200i16; 4], [300i16; 4]);
        let (total, each) = run(&[Some(&a), None, Some(&c)], &[UNITY; 3]);
        assert_eq!(total, vec![400; 4]);
        assert_eq!(each[0], vec![300; 4]);
        assert_eq!(each[1], vec![400; 4]);
        assert_eq!(each[2], vec![100; 4]);
        let (total, each) = run(&[Some(&a), Some(&b), Some(&c)], &[UNITY, 0, UNITY]);
        assert_eq!(total, vec![400; 4]);
        assert_eq!(each[1], vec![400; 4]);
        assert_eq!(each[0], vec![300; 4]);
    }

    #[test]
    fn gain() {
        assert_eq!(gain_to_fixed(1.0), UNITY);
        assert_eq!(gain_to_fixed(0.0), 0);
        assert_eq!(gain_to_fixed(-3.0), 0);
        assert_eq!(gain_to_fixed(100.0), 10 * UNITY);
        let (a, b) = ([1000i16; 4], [-1000i16; 4]);
        let (total, each) = run(&[Some(&a), Some(&b)], &[gain_to_fixed(0.5), UNITY * 2]);
        assert_eq!(total, vec![500 - 2000; 4]);
        assert_eq!(each[0], vec![-2000; 4]);
        assert_eq!(each[1], vec![500; 4]);
        let big = [20000i16; 4];
        let (total, _) = run(&[Some(&big)], &[gain_to_fixed(10.0)]);
        assert_eq!(total, vec![32767; 4]);
    }

    #[test]
    fn levels() {
        let mut l = Levels::default();
        assert_eq!(l.rms_dbov(), DBOV_FLOOR);
        assert_eq!(l.peak_dbov(), DBOV_FLOOR);
        l.add(&[i16::MIN, i16::MIN, i16::MIN, i16::MIN]);
        assert!(l.rms_dbov().abs() < 1e-9);
        assert!(l.peak_dbov().abs() < 1e-9);
        // Full-scale square half the time, silence the other half: RMS -3.01 dB, peak 0.
        l.add_silence(4);
        assert_eq!(l.count(), 8);
        assert!((l.rms_dbov() + 3.0103).abs() < 1e-3);
        assert!(l.peak_dbov().abs() < 1e-9);
        l.reset();
        // A sine of amplitude A has RMS A/√2.
        let sine: Vec<i16> = (0..8000)
            .map(|k| {
                (16384.0 * (2.0 * std::f64::consts::PI * 300.0 * k as f64 / 8000.0).sin()) as i16
            })
            .collect();
        l.add(&sine);
        assert!(
            (l.rms_dbov() - (-6.0206 - 3.0103)).abs() < 0.01,
            "{}",
            l.rms_dbov()
        );
        assert!((l.peak_dbov() + 6.0206).abs() < 0.01);
        assert!(to_dbov(0.001) == DBOV_FLOOR);
    }

    #[test]
    fn speaker() {
        assert_eq!(active_speaker(&[], -40.0), None);
        assert_eq!(active_speaker(&[Some(-50.0), Some(-45.0)], -40.0), None);
        assert_eq!(
            active_speaker(&[Some(-30.0), Some(-10.0), Some(-20.0)], -40.0),
            Some(1)
        );
        assert_eq!(
            active_speaker(&[Some(-30.0), None, Some(-20.0)], -40.0),
            Some(2)
        );
        assert_eq!(active_speaker(&[Some(-20.0), Some(-20.0)], -40.0), Some(0));
        assert!((gain_db(10.0) - 20.0).abs() < 1e-9);
        assert_eq!(gain_db(0.0), DBOV_FLOOR);
    }
}
