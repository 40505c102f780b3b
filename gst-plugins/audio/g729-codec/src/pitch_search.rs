//! Encoder pitch analysis (Annex A): open-loop lag on the weighted speech,
//! closed-loop fractional search, lag encoding, pitch gain and the taming
//! procedure guarding against excitation error build-up.

use crate::fixed::*;
use crate::pitch::{Lag, predict_long_term};
use crate::tables::TAMING_ZONE;
use crate::{L_FRAME, L_SUBFR, PIT_MAX, PIT_MIN};

/// Open-loop pitch lag of the weighted speech `wsp[start..start + 80]`,
/// using the PIT_MAX past samples before `start`.
pub(crate) fn open_loop(wsp: &[i16], start: usize) -> i16 {
    const PM: usize = PIT_MAX as usize;
    const N: usize = PM + L_FRAME;
    let sig: &[i16; N] = wsp[start - PM..start + L_FRAME].try_into().unwrap();
    // The correlations use every other sample: split the signal by index
    // parity, halves[p][r] = sig[2r + p], so that each becomes a contiguous
    // dot product (same terms, so the same exact sums).
    let mut halves = [[0i16; N.div_ceil(2)]; 2];
    for (r, pair) in sig.chunks_exact(2).enumerate() {
        halves[0][r] = pair[0];
        halves[1][r] = pair[1];
    }
    halves[0][N / 2] = sig[N - 1];
    // Reference: `L_mac` chain (with overflow flag) of the squares of the
    // even-indexed samples, from 0. The terms are non-negative, so it
    // overflows exactly when the exact sum exceeds MAX_32 (`L_mult(-32768,
    // -32768)` = 2^31 included), and otherwise is that exact sum.
    let sum = 2 * energy(&halves[0]);
    let ov = sum > MAX_32 as i64;
    // Scaling of the whole signal (shr and shl as in the reference; the
    // chain sum, when exact, minus 2^20 cannot saturate).
    if ov {
        for v in halves.iter_mut().flatten() {
            *v = shr(*v, 3);
        }
    } else if sum < 1_048_576 {
        for v in halves.iter_mut().flatten() {
            *v = shl(*v, 3);
        }
    }
    // Fast path (bit-exact): each correlation below pairs the 40 current
    // samples (parity PM & 1) with 40 past samples of one parity p; by
    // Cauchy-Schwarz each partial sum of its `L_mac` chain is at most
    // 2·sqrt(E_cur·E_p), E_p the energy of that whole parity half
    // (`macs_fit`): below 2^31 no `L_mac` saturates and plain i32 sums are
    // exact.
    let e_cur = energy(&halves[PM & 1][PM / 2..PM / 2 + L_FRAME / 2]);
    let exact = [0, 1].map(|p| macs_fit(e_cur, energy(&halves[p])));
    // scaled[k] = halves[k & 1][k >> 1].
    let scaled = |k: usize| halves[k & 1][k >> 1];
    // scaled[PM + 2m] = halves[PM & 1][PM / 2 + m].
    let cur = &halves[PM & 1][PM / 2..PM / 2 + L_FRAME / 2];
    // scaled[PM + i] is sample i of the frame.
    let corr = |lag: usize| {
        // scaled[PM - lag + 2m] = halves[(PM - lag) & 1][(PM - lag) / 2 + m].
        let q = PM - lag;
        if exact[q & 1] {
            let past = &halves[q & 1][q / 2..q / 2 + L_FRAME / 2];
            return 2 * dot_plain(cur, past);
        }
        let mut s = 0i32;
        for j in (0..L_FRAME).step_by(2) {
            s = l_mac(s, scaled(PM + j), scaled(PM + j - lag));
        }
        s
    };
    let best = |lags: &mut dyn Iterator<Item = usize>, first: usize| {
        let mut max = MIN_32;
        let mut t = first;
        for i in lags {
            let c = corr(i);
            if l_sub(c, max) > 0 {
                max = c;
                t = i;
            }
        }
        (max, t)
    };
    let normalised = |max: i32, lag: usize| {
        let q = PM - lag;
        let e = l_mac_energy(1, &halves[q & 1][q / 2..q / 2 + L_FRAME / 2]);
        let e = inv_sqrt(e);
        let (mh, ml) = l_extract(max);
        let (eh, el) = l_extract(e);
        extract_l(mpy_32(mh, ml, eh, el))
    };

    let (max, t1) = best(&mut (20..40), 20);
    let mut max1 = normalised(max, t1);
    let (max, t2) = best(&mut (40..80), 40);
    let mut max2 = normalised(max, t2);
    let (mut max, mut t3) = best(&mut (80..143).step_by(2), 80);
    let centre = t3;
    for lag in [centre + 1, centre - 1] {
        let c = corr(lag);
        if l_sub(c, max) > 0 {
            max = c;
            t3 = lag;
        }
    }
    let max3 = normalised(max, t3);

    // Favour lags that are submultiples of a longer candidate.
    let (t1, t2, t3) = (t1 as i16, t2 as i16, t3 as i16);
    let i = sub(shl(t2, 1), t3);
    if abs_s(i) < 5 {
        max2 = add(max2, shr(max3, 2));
    }
    if abs_s(add(i, t2)) < 7 {
        max2 = add(max2, shr(max3, 2));
    }
    let i = sub(shl(t1, 1), t2);
    if abs_s(i) < 5 {
        max1 = add(max1, mult(max2, 6554));
    }
    if abs_s(add(i, t1)) < 7 {
        max1 = add(max1, mult(max2, 6554));
    }
    let mut t = t1;
    if max1 < max2 {
        max1 = max2;
        t = t2;
    }
    if max1 < max3 {
        t = t3;
    }
    t
}

fn dot(x: &[i16], y: &[i16]) -> i32 {
    l_mac_dot(0, x, y)
}

/// Correlation of the target `x` with the impulse response `h`, scaled to
/// 16 bits.
pub(crate) fn correlate_h_x(h: &[i16; L_SUBFR], x: &[i16; L_SUBFR]) -> [i16; L_SUBFR] {
    let mut y32 = [0i32; L_SUBFR];
    let mut max = 0i32;
    let fits = macs_fit(energy(x), energy(h));
    if fits {
        // y32[i] = 2·Σ_j h[j]·x[i + j]: eight outputs at a time, tap by
        // tap (8-lane multiply-adds, accumulators in registers), over x
        // followed by zeros (block q only needs taps j < 40 - 8q).
        let mut xz = [0i16; 2 * L_SUBFR];
        xz[..L_SUBFR].copy_from_slice(x);
        for (q, out) in y32.chunks_exact_mut(8).enumerate() {
            let mut acc = [0i32; 8];
            for (j, &c) in h[..L_SUBFR - 8 * q].iter().enumerate() {
                let xs: &[i16; 8] = xz[8 * q + j..][..8].try_into().unwrap();
                for (a, &v) in acc.iter_mut().zip(xs) {
                    *a += c as i32 * v as i32;
                }
            }
            for (o, &a) in out.iter_mut().zip(&acc) {
                *o = 2 * a;
            }
        }
    } else {
        for (i, o) in y32.iter_mut().enumerate() {
            *o = l_mac_dot(0, &x[i..], &h[..L_SUBFR - i]);
        }
    }
    for &s in &y32 {
        let a = l_abs(s);
        if l_sub(a, max) > 0 {
            max = a;
        }
    }
    let mut j = norm_l(max);
    if j > 16 {
        j = 16;
    }
    let j = sub(18, j);
    let mut d = [0i16; L_SUBFR];
    for (o, &v) in d.iter_mut().zip(&y32) {
        *o = extract_l(l_shr(v, j));
    }
    d
}

/// Closed-loop fractional pitch search (Annex A): best integer lag in
/// `t_min..=t_max`, then the 1/3 fractions around it. Leaves the adaptive
/// codebook vector of the chosen lag in `exc[start..start + 40]`.
pub(crate) fn closed_loop(
    exc: &mut [i16],
    start: usize,
    xn: &[i16; L_SUBFR],
    h: &[i16; L_SUBFR],
    t_min: i16,
    t_max: i16,
    first_subframe: bool,
) -> Lag {
    let dn = correlate_h_x(h, xn);
    let mut max = MIN_32;
    let mut t0 = t_min;
    let past = &exc[start - t_max as usize..start - t_min as usize + L_SUBFR];
    let fits = macs_fit(energy(&dn), energy(past));
    for t in t_min..=t_max {
        let p = start - t as usize;
        let x = &exc[p..p + L_SUBFR];
        let c = if fits {
            2 * dot_plain(&dn, x)
        } else {
            dot(&dn, x)
        };
        if l_sub(c, max) > 0 {
            max = c;
            t0 = t;
        }
    }
    let cur = start..start + L_SUBFR;
    predict_long_term(exc, start, Lag { int: t0, frac: 0 }, L_SUBFR);
    let mut max = dot(&dn, &exc[cur.clone()]);
    let mut frac = 0;
    if first_subframe && t0 > 84 {
        return Lag { int: t0, frac };
    }
    let mut saved = [0i16; L_SUBFR];
    saved.copy_from_slice(&exc[cur.clone()]);
    predict_long_term(exc, start, Lag { int: t0, frac: -1 }, L_SUBFR);
    let c = dot(&dn, &exc[cur.clone()]);
    if l_sub(c, max) > 0 {
        max = c;
        frac = -1;
        saved.copy_from_slice(&exc[cur.clone()]);
    }
    predict_long_term(exc, start, Lag { int: t0, frac: 1 }, L_SUBFR);
    let c = dot(&dn, &exc[cur.clone()]);
    if l_sub(c, max) > 0 {
        frac = 1;
    } else {
        exc[cur].copy_from_slice(&saved);
    }
    Lag { int: t0, frac }
}

/// Correlations of the pitch target and the filtered adaptive vector, in
/// mantissa/exponent form: <y1,y1>, its exponent, <xn,y1>, its exponent.
pub(crate) type PitchCorr = [i16; 4];

/// Adaptive-codebook gain (Q14, bounded to 1.2) and the correlations used
/// by the gain quantiser.
pub(crate) fn pitch_gain(xn: &[i16; L_SUBFR], y1: &[i16; L_SUBFR]) -> (i16, PitchCorr) {
    let mut scaled = [0i16; L_SUBFR];
    for (o, &v) in scaled.iter_mut().zip(y1) {
        *o = shr(v, 2);
    }
    // Non-negative terms: the chain saturates (and flags overflow) exactly
    // when the exact sum exceeds MAX_32.
    let s = 1 + 2 * energy(y1);
    let ov = s > MAX_32 as i64;
    let s = s as i32;
    let (yy, exp_yy) = if !ov {
        let e = norm_l(s);
        (round(l_shl(s, e)), e)
    } else {
        let s = l_mac_energy(1, &scaled);
        let e = norm_l(s);
        (round(l_shl(s, e)), sub(e, 4))
    };
    let mut ov = false;
    // When 2·Σ|xn·y1| < 2^31 no step saturates (see `l_mac_dot`): the
    // plain sum is exact and no overflow is flagged.
    let s = if macs_fit(energy(xn), energy(y1)) {
        2 * dot_plain(xn, y1)
    } else {
        let mut s = 0i32;
        for (&a, &b) in xn.iter().zip(y1) {
            s = l_mac_ov(s, a, b, &mut ov);
        }
        s
    };
    let (xy, exp_xy) = if !ov {
        let e = norm_l(s);
        (round(l_shl(s, e)), e)
    } else {
        let mut s = 0i32;
        for (&a, &b) in xn.iter().zip(&scaled) {
            s = l_mac(s, a, b);
        }
        let e = norm_l(s);
        (round(l_shl(s, e)), sub(e, 2))
    };
    let mut g = [yy, sub(15, exp_yy), xy, sub(15, exp_xy)];
    if xy <= 0 {
        g[3] = -15;
        return (0, g);
    }
    let gain = div_s(shr(xy, 1), yy);
    let mut gain = shr(gain, sub(exp_xy, exp_yy));
    if gain > 19661 {
        gain = 19661;
    }
    (gain, g)
}

/// Encode the lag: 8-bit absolute index for the first subframe (which also
/// sets the search range of the second), 5-bit relative index for the second.
pub(crate) fn encode_lag(lag: Lag, t_min: &mut i16, t_max: &mut i16, first: bool) -> u16 {
    let Lag { int: t0, frac } = lag;
    if first {
        let index = if t0 <= 85 {
            add(sub(add(add(t0, t0), t0), 58), frac)
        } else {
            add(t0, 112)
        };
        *t_min = sub(t0, 5);
        if *t_min < PIT_MIN {
            *t_min = PIT_MIN;
        }
        *t_max = add(*t_min, 9);
        if *t_max > PIT_MAX {
            *t_max = PIT_MAX;
            *t_min = sub(*t_max, 9);
        }
        index as u16
    } else {
        let i = sub(t0, *t_min);
        let i = add(add(i, i), i);
        add(add(i, 2), frac) as u16
    }
}

/// Taming: tracks an estimate of the excitation error over the last four
/// subframes to limit the pitch gain when it could make the decoder unstable.
#[derive(Clone, Debug)]
pub(crate) struct Taming {
    exc_err: [i32; 4],
}

const L_THRESH_ERR: i32 = 983_040_000;
const L_INTER10: i16 = 10;

impl Taming {
    pub(crate) fn new() -> Self {
        Self {
            exc_err: [0x4000; 4],
        }
    }

    /// True when the pitch gain must be limited for this lag.
    pub(crate) fn needed(&self, lag: Lag) -> bool {
        let t1 = if lag.frac > 0 {
            add(lag.int, 1)
        } else {
            lag.int
        };
        let i = sub(t1, L_SUBFR as i16 + L_INTER10).max(0);
        let zone1 = TAMING_ZONE[i as usize] as usize;
        let zone2 = TAMING_ZONE[add(t1, L_INTER10 - 2) as usize] as usize;
        let mut max = -1i32;
        for i in (zone1..=zone2).rev() {
            if l_sub(self.exc_err[i], max) > 0 {
                max = self.exc_err[i];
            }
        }
        l_sub(max, L_THRESH_ERR) > 0
    }

    /// Update the error estimate with the quantised pitch gain and lag.
    pub(crate) fn update(&mut self, gain_pit: i16, t0: i16) {
        let step = |e: i32| {
            let (hi, lo) = l_extract(e);
            l_add(0x4000, l_shl(mpy_32_16(hi, lo, gain_pit), 1))
        };
        let mut worst = -1i32;
        let n = sub(t0, L_SUBFR as i16);
        if n < 0 {
            let t = step(self.exc_err[0]);
            if l_sub(t, worst) > 0 {
                worst = t;
            }
            let t = step(t);
            if l_sub(t, worst) > 0 {
                worst = t;
            }
        } else {
            let zone1 = TAMING_ZONE[n as usize] as usize;
            let zone2 = TAMING_ZONE[sub(t0, 1) as usize] as usize;
            for i in zone1..=zone2 {
                let t = step(self.exc_err[i]);
                if l_sub(t, worst) > 0 {
                    worst = t;
                }
            }
        }
        self.exc_err.copy_within(0..3, 1);
        self.exc_err[0] = worst;
    }
}
