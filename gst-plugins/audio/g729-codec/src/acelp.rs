//! Fixed (algebraic) codebook search of Annex A: 4 signed pulses on
//! interleaved tracks, depth-first search over track pairs.

use crate::L_SUBFR;
use crate::fixed::*;
use crate::pitch_search::correlate_h_x;

/// Pulse spacing on a track.
const STEP: usize = 5;

/// Result of the codebook search.
pub(crate) struct Innovation {
    /// 13-bit positions index.
    pub index: u16,
    /// 4-bit signs index.
    pub sign: u16,
    /// Code vector, Q13 (with pitch sharpening applied).
    pub code: [i16; L_SUBFR],
    /// Code vector filtered by the weighted synthesis filter, Q12.
    pub filtered: [i16; L_SUBFR],
}

/// Codebook searcher. Holds the correlation matrix as scratch: every entry
/// is written before it is read on each search, so it is not cleared
/// between searches (clearing its 3200 bytes cost more than the search's
/// use of them).
#[derive(Clone, Debug)]
pub(crate) struct Searcher {
    /// rr[i][j] (symmetric): correlation of h shifted to positions i and j
    /// (scaled impulse response), with the sign of dn[i]*dn[j] folded in
    /// off the diagonal. The search reads only the diagonal and entries of
    /// pulses on different tracks; for those the fold is the reference's.
    rr: [[i16; L_SUBFR]; L_SUBFR],
}

impl Searcher {
    pub(crate) fn new() -> Self {
        Self {
            rr: [[0; L_SUBFR]; L_SUBFR],
        }
    }

    /// Search the algebraic codebook for target `x`, with impulse response
    /// `h` (Q12), pitch lag `t0` and pitch sharpening `sharp` (Q14).
    pub(crate) fn search(
        &mut self,
        x: &[i16; L_SUBFR],
        h: &[i16; L_SUBFR],
        t0: i16,
        sharp: i16,
    ) -> Innovation {
        let mut h = *h;
        let sharp = shl(sharp, 1);
        let t0 = t0 as usize;
        if t0 < L_SUBFR {
            for i in t0..L_SUBFR {
                h[i] = add(h[i], mult(h[i - t0], sharp));
            }
        }
        let mut dn = correlate_h_x(&h, x);
        let sign = correlation_matrix(&h, &mut dn, &mut self.rr);
        let mut inn = depth_first(&dn, &self.rr, &sign, &h);
        if t0 < L_SUBFR {
            for i in t0..L_SUBFR {
                inn.code[i] = add(inn.code[i], mult(inn.code[i - t0], sharp));
            }
        }
        inn
    }
}

/// Autocorrelation matrix of the impulse response, into `rr` (see
/// [`Searcher::rr`]); also replaces `dn` by its absolute value and returns
/// its signs (MAX_16 for >= 0, MIN_16 for < 0).
fn correlation_matrix(
    hin: &[i16; L_SUBFR],
    dn: &mut [i16; L_SUBFR],
    rr: &mut [[i16; L_SUBFR]; L_SUBFR],
) -> [i16; L_SUBFR] {
    let mut cor = 0i32;
    for &v in hin {
        cor = l_mac(cor, v, v);
    }
    let mut h = [0i16; L_SUBFR];
    if extract_h(cor) > 32000 {
        for (o, &v) in h.iter_mut().zip(hin) {
            *o = shr(v, 1);
        }
    } else {
        let k = shr(norm_l(cor), 1);
        for (o, &v) in h.iter_mut().zip(hin) {
            *o = shl(v, k);
        }
    }

    let mut sign = [0i16; L_SUBFR];
    for i in 0..L_SUBFR {
        if dn[i] >= 0 {
            sign[i] = MAX_16;
        } else {
            sign[i] = MIN_16;
            dn[i] = negate(dn[i]);
        }
    }

    // Entry (i, j = i + d) is the `L_mac` chain Σ 2·h[k]·h[k + d] over
    // k = 0..=39 - j. All lags advance together: after step n, acc[y]
    // (y ≥ n) holds the chain of lag d = 39 - y up to k = n, and the
    // entries with k = n as last term, (i, 39 - n) for i = 0..=39 - n, are
    // acc[n + i]: row 39 - n of the lower triangle, contiguous. The term of
    // lag d at step n is h[n]·h[n + d] = h[n]·hr[y - n], hr = h reversed.
    //
    // Fast path (bit-exact): by Cauchy-Schwarz every partial sum is bounded
    // by 2·Σh²; when that is at most MAX_32 no `L_mac` saturates and plain
    // i32 accumulation is exact.
    let energy: i64 = h.iter().map(|&v| v as i64 * v as i64).sum();
    let exact = 2 * energy <= MAX_32 as i64;
    // hz[L_SUBFR + k] = hr[k] = h[39 - k], zeros before: the window
    // hz[L_SUBFR - n..][..L_SUBFR] is hr[y - n] at y ≥ n and 0 at y < n, so
    // every fast-path step runs over all 40 lags (adding 0 to the finished
    // ones).
    let mut hz = [0i16; 2 * L_SUBFR];
    for (o, &v) in hz[L_SUBFR..].iter_mut().zip(h.iter().rev()) {
        *o = v;
    }
    // Sign masks: 0 for dn >= 0, -1 for dn < 0; mask[i] ^ mask[j] is 0
    // when dn[i], dn[j] have the same sign (see `fold_sign`).
    let mask = sign.map(|s| s >> 15);
    if exact {
        lower_rows::<true>(&h, &hz, &mask, rr);
    } else {
        lower_rows::<false>(&h, &hz, &mask, rr);
    }
    // Upper triangle: rr[i][j] = rr[j][i] for i < j.
    for j in 1..L_SUBFR {
        let (upper, lower) = rr.split_at_mut(j);
        for (r, &v) in upper.iter_mut().zip(&lower[0]) {
            r[j] = v;
        }
    }
    sign
}

/// The lower triangle of the matrix, row 39 down to row 0 (see
/// `correlation_matrix`). With `EXACT` (2·Σh² ≤ MAX_32) the accumulators
/// hold half the `L_mac` chains (plain Σ h·h, so the products stay 16 × 16
/// bits), otherwise the saturating chains themselves.
#[inline(always)]
fn lower_rows<const EXACT: bool>(
    h: &[i16; L_SUBFR],
    hz: &[i16; 2 * L_SUBFR],
    mask: &[i16; L_SUBFR],
    rr: &mut [[i16; L_SUBFR]; L_SUBFR],
) {
    // acc[y] for y < 40 as above; acc[40..] stays 0, so that row j can be
    // written whole from acc[n..n + 40]: its entries i > j get 0 here and
    // are overwritten by the upper triangle.
    let mut acc = [0i32; 2 * L_SUBFR];
    // extract_h of the chain: with EXACT, 2·acc fits in i32 (|2·acc| ≤
    // MAX_32), so extract_h(2·acc) = acc >> 15, within i16.
    let high = |a: i32| {
        if EXACT {
            (a >> 15) as i16
        } else {
            extract_h(a)
        }
    };
    for n in 0..L_SUBFR {
        let j = L_SUBFR - 1 - n;
        let hn = h[n];
        let hs: &[i16; L_SUBFR] = hz[L_SUBFR - n..][..L_SUBFR].try_into().unwrap();
        let lags: &mut [i32; L_SUBFR] = (&mut acc[..L_SUBFR]).try_into().unwrap();
        if EXACT {
            for (a, &b) in lags.iter_mut().zip(hs) {
                *a += hn as i32 * b as i32;
            }
        } else {
            for (a, &b) in lags[n..].iter_mut().zip(&hs[n..]) {
                *a = l_mac(*a, hn, b);
            }
        }
        let mj = mask[j];
        let src: &[i32; L_SUBFR] = acc[n..][..L_SUBFR].try_into().unwrap();
        let mut v = [0i16; L_SUBFR];
        for (o, &a) in v.iter_mut().zip(src) {
            *o = high(a);
        }
        for ((o, &v), &mi) in rr[j].iter_mut().zip(&v).zip(mask) {
            *o = fold_sign(v, mi ^ mj);
        }
        // The diagonal (lag 0) carries no sign.
        rr[j][j] = high(acc[L_SUBFR - 1]);
    }
}

/// The reference's sign fold of a correlation: `mult(v, MAX_16)` when the
/// two pulses' signs agree (`m == 0`), `mult(v, MIN_16)` otherwise
/// (`m == -1`), without a multiplication (so that it vectorises on 16-bit
/// lanes).
#[inline]
fn fold_sign(v: i16, m: i16) -> i16 {
    // m = -1: v ^ m = -v - 1, and the saturating `- m` gives negate(v),
    // which is mult(v, MIN_16) (v·-2^15 >> 15 = -v, saturated).
    // m = 0: mult(v, MAX_16) = (v·2^15 - v) >> 15 = v + (-v >> 15), i.e.
    // v - 1 for v > 0, v + 1 for v = MIN_16 (-v = 2^15), v otherwise; the
    // adjustment is masked off when m = -1, and never overflows.
    let negated = (v ^ m).saturating_sub(m);
    let gt: i16 = if v > 0 { -1 } else { 0 };
    let min: i16 = if v == MIN_16 { 1 } else { 0 };
    negated + ((gt + min) & !m)
}

/// Positions of track `t` (0..=4).
fn track(t: usize) -> impl Iterator<Item = usize> + Clone {
    (t..L_SUBFR).step_by(STEP)
}

/// Keep the candidate maximising sq/alp: true when sq2/alp2 > sq/alp.
#[inline]
fn better(sq2: i16, alp2: i16, sq: i16, alp: i16) -> bool {
    // The reference's `L_msu` (a saturating `L_sub` of two `L_mult`s)
    // saturates only towards the sign of the exact difference, so comparing
    // the exact difference with 0 gives the same answer.
    l_mult(alp, sq2) as i64 - l_mult(sq, alp2) as i64 > 0
}

/// The two positions of track `t` with the largest |dn|.
fn two_best(dn: &[i16; L_SUBFR], t: usize) -> [usize; 2] {
    let mut out = [0usize; 2];
    let mut prev: Option<usize> = None;
    for o in out.iter_mut() {
        let mut max = -1i16;
        let mut best = 0;
        for j in track(t) {
            if dn[j] > max && prev != Some(j) {
                max = dn[j];
                best = j;
            }
        }
        *o = best;
        prev = Some(best);
    }
    out
}

/// The 8 entries x[t + 5k] of track `t`, widened.
#[inline]
fn on_track(x: &[i16; L_SUBFR], t: usize) -> [i32; 8] {
    let x = &x[t..t + 36];
    core::array::from_fn(|k| x[STEP * k] as i32)
}

/// `mult(ps, ps)` for the 8 saturated pulse-amplitude sums
/// `ps = add(ps1, dn_t[k])` (all terms non-negative).
#[inline]
fn squares(ps1: i32, dn_t: &[i32; 8]) -> ([i32; 8], [i32; 8]) {
    // 0 ≤ ps ≤ 32767: `add` is min(sum, MAX_16) and `mult` cannot
    // saturate (ps² >> 15 ≤ 32766).
    let ps: [i32; 8] = core::array::from_fn(|k| (ps1 + dn_t[k]).min(MAX_16 as i32));
    (ps, ps.map(|p| (p * p) >> 15))
}

/// The reference's sequential "keep if strictly better" scan (`better`)
/// over 8 candidates (sq2[k], alp2[k]); returns the last k kept, if any.
#[inline]
fn scan(sq2: &[i32; 8], alp2: &[i32; 8], sq: &mut i32, alp: &mut i32) -> Option<usize> {
    // Here 0 ≤ sq2 ≤ 32766, -1 ≤ sq ≤ 32766 and the alps are i16 values,
    // so neither `L_mult` of `better` saturates (only -32768·-32768 does)
    // and each product fits in i32: comparing the two plain products is
    // the exact sign test.
    let mut kept = None;
    for k in 0..8 {
        if *alp * sq2[k] > *sq * alp2[k] {
            *sq = sq2[k];
            *alp = alp2[k];
            kept = Some(k);
        }
    }
    kept
}

fn depth_first(
    dn: &[i16; L_SUBFR],
    rr: &[[i16; L_SUBFR]; L_SUBFR],
    sign: &[i16; L_SUBFR],
    h: &[i16; L_SUBFR],
) -> Innovation {
    let dn_t: [[i32; 8]; 5] = core::array::from_fn(|t| on_track(dn, t));

    let mut psk: i16 = -1;
    let mut alpk: i16 = 1;
    let mut ip = [0usize, 1, 2, 3];
    let (mut ix, mut iy) = (0usize, 0usize);
    let mut ps: i32 = 0;

    for t in [3usize, 4] {
        // Pass 1: pulse pair (track 2, track t), then (track 0, track 1).
        // Pass 2: pulse pair (track t, track 0), then (track 1, track 2).
        for pass in 0..2 {
            let (ta, tb, tc, td) = if pass == 0 {
                (2, t, 0, 1)
            } else {
                (t, 0, 1, 2)
            };
            let mut sq: i32 = -1;
            let mut alp: i32 = 1;
            for i0 in two_best(dn, ta) {
                // Reference: alp2 = L_mac(L_mac(L_mult(rr[i0][i0], 1/4),
                // rr[i0][i1], 1/2), rr[i1][i1], 1/4) = 2^14·u with
                // u = r00 + 2·r01 + r11 ∈ [-2^17, 2^17 - 4]: no partial sum
                // leaves [-2^31, 2^31 - 1] (the first two are at most
                // 2^29 + 2^30 in magnitude, the last is 2^14·u), nor does
                // 2^14·u + 0x8000, so round(alp2) = (u + 2) >> 2, exactly.
                let r00 = rr[i0][i0] as i32;
                let r01 = on_track(&rr[i0], tb);
                let diag: [i32; 8] = core::array::from_fn(|k| {
                    let p = tb + STEP * k;
                    rr[p][p] as i32
                });
                let alp2: [i32; 8] =
                    core::array::from_fn(|k| (r00 + 2 * r01[k] + diag[k] + 2) >> 2);
                let (ps2, sq2) = squares(dn[i0] as i32, &dn_t[tb]);
                if let Some(k) = scan(&sq2, &alp2, &mut sq, &mut alp) {
                    ps = ps2[k];
                    ix = i0;
                    iy = tb + STEP * k;
                }
            }
            let (i0, i1) = (ix, iy);

            // Reference: tmp[k] = round(L_mac(L_mac(L_mult(rr[i3][i0], 1/4),
            // rr[i3][i1], 1/4), rr[i3][i3], 1/8)) = round(2^13·v) with
            // v = 2·r30 + 2·r31 + r33; |2^13·v| + 0x8000 < 2^31, so no step
            // saturates and tmp[k] = (v + 4) >> 3.
            let r30 = on_track(&rr[i0], td);
            let r31 = on_track(&rr[i1], td);
            let tmp8: [i32; 8] = core::array::from_fn(|k| {
                let p = td + STEP * k;
                8 * ((2 * r30[k] + 2 * r31[k] + rr[p][p] as i32 + 4) >> 3)
            });
            let base = 4 * alp;
            sq = -1;
            alp = 1;
            for i2 in track(tc) {
                // Reference: alp0 = L_mult(alp, 1/4), alp1 = alp0 +
                // rr[i2][i0]/8 + rr[i2][i1]/8 + rr[i2][i2]/16 terms, then
                // alp2 = L_mac(L_mac(alp1, rr[i2][i3], 1/8), tmp[k], 1/2).
                // Every term is 2^12 times an integer: alp2 is
                // 2^12·s, s = 4·alp + 2·(r20 + r21) + r22 + 2·r23 + 8·tmp.
                // No partial sum before the last `L_mac` can saturate
                // (alp0 ≤ 2^29, the next four terms ≤ 2^28 each), and the
                // last product cannot (1/2 ≠ -32768): alp2 is the exact
                // 2^12·s clamped to i32, and round(alp2) is
                // (s + 8) >> 4 clamped to i16 (if 2^12·s + 0x8000 ≥ 2^31,
                // both give 32767; if 2^12·s < -2^31 both -32768; otherwise
                // it is floor((2^12·s + 2^15) / 2^16)).
                let row = &rr[i2];
                let s0 = base + 2 * (row[i0] as i32 + row[i1] as i32) + row[i2] as i32;
                let r23 = on_track(row, td);
                let alp2: [i32; 8] = core::array::from_fn(|k| {
                    ((s0 + 2 * r23[k] + tmp8[k] + 8) >> 4).clamp(MIN_16 as i32, MAX_16 as i32)
                });
                // ps0 = ps ≥ 0: ps1 = add(ps0, dn[i2]) = min(sum, MAX_16).
                let ps1 = (ps + dn[i2] as i32).min(MAX_16 as i32);
                let (_, sq2) = squares(ps1, &dn_t[td]);
                if let Some(k) = scan(&sq2, &alp2, &mut sq, &mut alp) {
                    ix = i2;
                    iy = td + STEP * k;
                }
            }

            if better(sq as i16, alp as i16, psk, alpk) {
                psk = sq as i16;
                alpk = alp as i16;
                if pass == 0 {
                    ip = [ix, iy, i0, i1];
                } else {
                    ip = [i1, ix, iy, i0];
                }
            }
        }
    }

    let signs = ip.map(|p| sign[p]);
    let mut code = [0i16; L_SUBFR];
    for (&p, &s) in ip.iter().zip(&signs) {
        code[p] = shr(s, 2);
    }
    let mut y = [0i16; L_SUBFR];
    for (n, (&p, &s)) in ip.iter().zip(&signs).enumerate() {
        for (i, &hv) in (p..L_SUBFR).zip(h.iter()) {
            y[i] = match (n, s > 0) {
                (0, true) => hv,
                (0, false) => negate(hv),
                (_, true) => add(y[i], hv),
                (_, false) => sub(y[i], hv),
            };
        }
    }
    let mut sign = 0u16;
    for (k, &s) in signs.iter().enumerate() {
        if s > 0 {
            sign |= 1 << k;
        }
    }
    let q = ip.map(|p| (p / STEP) as u16);
    let last = 2 * q[3] + (ip[3] % STEP - 3) as u16;
    let index = q[0] | (q[1] << 3) | (q[2] << 6) | (last << 9);
    Innovation {
        index,
        sign,
        code,
        filtered: y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_sign_is_mult_by_max_or_min() {
        for v in i16::MIN..=i16::MAX {
            assert_eq!(fold_sign(v, 0), mult(v, MAX_16), "v = {v}");
            assert_eq!(fold_sign(v, -1), mult(v, MIN_16), "v = {v}");
        }
    }
    use crate::gain::algebraic_vector;

    /// The chosen index/sign decode (as in the decoder) to the chosen code
    /// vector, and the filtered vector is the code convolved with h.
    #[test]
    fn index_matches_decoder_layout() {
        let mut h = [0i16; L_SUBFR];
        let mut v = 4096i32;
        for x in h.iter_mut() {
            *x = v as i16;
            v = v * -7 / 10;
        }
        let mut seed = 12345u32;
        for _ in 0..50 {
            let mut x = [0i16; L_SUBFR];
            for s in x.iter_mut() {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *s = ((seed >> 16) as i16) >> 4;
            }
            let inn = Searcher::new().search(&x, &h, 60, 3277);
            assert_eq!(inn.code, algebraic_vector(inn.index, inn.sign));
            for n in 0..L_SUBFR {
                // Pulses are +-1 (8191 / -8192 in Q13).
                let mut want = 0i32;
                for k in 0..=n {
                    let c = inn.code[k].signum() as i32;
                    want += c * h[n - k] as i32;
                }
                assert_eq!(inn.filtered[n] as i32, want.clamp(-32768, 32767));
            }
        }
    }
}
