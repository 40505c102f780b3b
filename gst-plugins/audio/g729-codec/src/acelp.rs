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

/// Search the algebraic codebook for target `x`, with impulse response `h`
/// (Q12), pitch lag `t0` and pitch sharpening `sharp` (Q14).
pub(crate) fn search(x: &[i16; L_SUBFR], h: &[i16; L_SUBFR], t0: i16, sharp: i16) -> Innovation {
    let mut h = *h;
    let sharp = shl(sharp, 1);
    let t0 = t0 as usize;
    if t0 < L_SUBFR {
        for i in t0..L_SUBFR {
            h[i] = add(h[i], mult(h[i - t0], sharp));
        }
    }
    let mut dn = correlate_h_x(&h, x);
    let rr = correlation_matrix(&h, &mut dn);
    let mut inn = depth_first(&dn, &rr, &h);
    if t0 < L_SUBFR {
        for i in t0..L_SUBFR {
            inn.code[i] = add(inn.code[i], mult(inn.code[i - t0], sharp));
        }
    }
    inn
}

/// Signs and energies for the search.
struct Matrix {
    /// rr[i][j]: correlation of h shifted to positions i and j (scaled
    /// impulse response), with the sign of dn[i]*dn[j] folded in for pulses
    /// on different tracks.
    rr: [[i16; L_SUBFR]; L_SUBFR],
    /// Sign of dn: MAX_16 for >= 0, MIN_16 for < 0.
    sign: [i16; L_SUBFR],
}

/// Autocorrelation matrix of the impulse response; also replaces `dn` by
/// its absolute value and records its signs.
fn correlation_matrix(hin: &[i16; L_SUBFR], dn: &mut [i16; L_SUBFR]) -> Matrix {
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

    // Fast path (bit-exact): by Cauchy-Schwarz every partial sum below is
    // bounded by 2·Σh²; when that is at most MAX_32 no `L_mac` saturates and
    // plain i32 accumulation is exact.
    let energy: i64 = h.iter().map(|&v| v as i64 * v as i64).sum();
    let exact = 2 * energy <= MAX_32 as i64;
    let neg = sign.map(|s| s < 0);
    let mut rr = [[0i16; L_SUBFR]; L_SUBFR];
    for d in 0..L_SUBFR {
        // Pulses i and j = i + d are on different tracks iff d % STEP != 0.
        let cross = d % STEP != 0;
        // Entries (i, i + d) accumulate h[k] h[k + d] for k = 0..=39 - (i + d),
        // i.e. from the end of the subframe backwards.
        let mut acc = 0i32;
        // Step k pairs h[k], h[k + d] and fills (i, j) = (39 - k - d, 39 - k).
        for ((&a, &b), j) in h.iter().zip(&h[d..]).zip((d..L_SUBFR).rev()) {
            acc = if exact {
                acc + 2 * (a as i32 * b as i32)
            } else {
                l_mac(acc, a, b)
            };
            let i = j - d;
            let mut v = extract_h(acc);
            if cross {
                // mult(v, MIN_16) is negate(v), both saturating -32768.
                v = if neg[i] == neg[j] {
                    mult(v, MAX_16)
                } else {
                    negate(v)
                };
            }
            rr[i][j] = v;
            rr[j][i] = v;
        }
    }
    Matrix { rr, sign }
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

fn depth_first(dn: &[i16; L_SUBFR], m: &Matrix, h: &[i16; L_SUBFR]) -> Innovation {
    const Q1_2: i16 = 16384;
    const Q1_4: i16 = 8192;
    const Q1_8: i16 = 4096;
    const Q1_16: i16 = 2048;
    let rr = &m.rr;

    let mut psk: i16 = -1;
    let mut alpk: i16 = 1;
    let mut ip = [0usize, 1, 2, 3];
    let (mut ix, mut iy) = (0usize, 0usize);
    let mut ps: i16 = 0;

    for t in [3usize, 4] {
        // Pass 1: pulse pair (track 2, track t), then (track 0, track 1).
        // Pass 2: pulse pair (track t, track 0), then (track 1, track 2).
        for pass in 0..2 {
            let (ta, tb, tc, td) = if pass == 0 {
                (2, t, 0, 1)
            } else {
                (t, 0, 1, 2)
            };
            let mut sq: i16 = -1;
            let mut alp: i16 = 1;
            for i0 in two_best(dn, ta) {
                let ps1 = dn[i0];
                let alp1 = l_mult(rr[i0][i0], Q1_4);
                for i1 in track(tb) {
                    let ps2 = add(ps1, dn[i1]);
                    let mut alp2 = l_mac(alp1, rr[i0][i1], Q1_2);
                    alp2 = l_mac(alp2, rr[i1][i1], Q1_4);
                    let sq2 = mult(ps2, ps2);
                    let alp_16 = round(alp2);
                    if better(sq2, alp_16, sq, alp) {
                        sq = sq2;
                        ps = ps2;
                        alp = alp_16;
                        ix = i0;
                        iy = i1;
                    }
                }
            }
            let (i0, i1) = (ix, iy);

            let ps0 = ps;
            let alp0 = l_mult(alp, Q1_4);
            sq = -1;
            alp = 1;
            let mut tmp = [0i16; 8];
            for (k, i3) in track(td).enumerate() {
                let mut s = l_mult(rr[i3][i0], Q1_4);
                s = l_mac(s, rr[i3][i1], Q1_4);
                s = l_mac(s, rr[i3][i3], Q1_8);
                tmp[k] = round(s);
            }
            for i2 in track(tc) {
                let ps1 = add(ps0, dn[i2]);
                // No saturation before the last `L_mac` below: |alp0| ≤
                // 2^29 (an i16 times 2^14), and each of the three terms here
                // and the first below is at most 2^28 (i16 · 2^13; 2^27 for
                // Q1_16), so every partial sum stays below 2^31. Only the
                // last `L_mac` (a term of at most 2^30) can saturate; as its
                // product cannot (Q1_2 ≠ -32768), it is one clamp of the
                // exact sum.
                let alp1 = alp0
                    + 2 * Q1_8 as i32 * (rr[i2][i0] as i32 + rr[i2][i1] as i32)
                    + 2 * Q1_16 as i32 * rr[i2][i2] as i32;
                for (k, i3) in track(td).enumerate() {
                    let ps2 = add(ps1, dn[i3]);
                    let alp2 = alp1 as i64
                        + 2 * (Q1_8 as i64 * rr[i2][i3] as i64 + Q1_2 as i64 * tmp[k] as i64);
                    let alp2 = alp2.clamp(MIN_32 as i64, MAX_32 as i64) as i32;
                    let sq2 = mult(ps2, ps2);
                    let alp_16 = round(alp2);
                    if better(sq2, alp_16, sq, alp) {
                        sq = sq2;
                        alp = alp_16;
                        ix = i2;
                        iy = i3;
                    }
                }
            }

            if better(sq, alp, psk, alpk) {
                psk = sq;
                alpk = alp;
                if pass == 0 {
                    ip = [ix, iy, i0, i1];
                } else {
                    ip = [i1, ix, iy, i0];
                }
            }
        }
    }

    let signs = ip.map(|p| m.sign[p]);
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
            let inn = search(&x, &h, 60, 3277);
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
