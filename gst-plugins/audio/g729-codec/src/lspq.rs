//! LSP quantisation: switched 4th-order MA prediction and a two-stage
//! (7 + 5 + 5 bit) weighted vector quantiser in the LSF domain.

use crate::M;
use crate::fixed::*;
use crate::lsp::LspDequantizer;
use crate::tables::{
    ACOS_SLOPE, COS_TABLE, LSP_CB1, LSP_CB2, LSP_MA_PRED, LSP_MA_PRED_SUM, LSP_MA_PRED_SUM_INV,
};

const NC: usize = M / 2;
const GAP1: i16 = 10;
const GAP2: i16 = 5;
/// 0.04*pi and 0.92*pi in Q13, 10.0 in Q11, 1.2 in Q14.
const PI04: i16 = 1029;
const PI92: i16 = 23677;
const CONST10: i16 = 10 * (1 << 11);
const CONST12: i16 = 19661;

/// LSP quantiser; its MA memory is the one of an [`LspDequantizer`], which
/// also produces the quantised LSPs exactly as the decoder does.
#[derive(Clone, Debug)]
pub(crate) struct LspQuantizer {
    dq: LspDequantizer,
}

/// Indices of one quantised LSP vector, as transmitted.
pub(crate) struct LspIndices {
    /// Mode bit and first-stage index (8 bits).
    pub l0l1: u16,
    /// Second-stage indices (5 + 5 bits).
    pub l2l3: u16,
}

impl LspQuantizer {
    pub(crate) fn new() -> Self {
        Self {
            dq: LspDequantizer::new(),
        }
    }

    /// The MA memory shared with the decoder-side dequantiser (Annex B SID
    /// frames update it too).
    pub(crate) fn dequantizer_mut(&mut self) -> &mut LspDequantizer {
        &mut self.dq
    }

    /// Quantise `lsp` (Q15); returns the indices and the quantised LSPs.
    pub(crate) fn quantize(&mut self, lsp: &[i16; M]) -> (LspIndices, [i16; M]) {
        let lsf = lsp_to_lsf(lsp);
        let wegt = weights(&lsf);
        let hist = self.dq.history();

        let mut cand = [0usize; 2];
        let mut idx1 = [0usize; 2];
        let mut idx2 = [0usize; 2];
        let mut tdist = [0i32; 2];
        for mode in 0..2 {
            // Target: the LSFs with the MA prediction removed.
            let mut rbuf = [0i16; M];
            for j in 0..M {
                let mut acc = l_deposit_h(lsf[j]);
                for (past, coef) in hist.iter().zip(&LSP_MA_PRED[mode]) {
                    acc = l_msu(acc, past[j], coef[j]);
                }
                let t = extract_h(acc);
                rbuf[j] = extract_h(l_shl(l_mult(t, LSP_MA_PRED_SUM_INV[mode][j]), 3));
            }

            let c = preselect(&rbuf);
            let first = &LSP_CB1[c];
            let i1 = select_second(&rbuf, first, &wegt, 0..NC);
            let mut buf = [0i16; M];
            for j in 0..NC {
                buf[j] = add(first[j], LSP_CB2[i1][j]);
            }
            expand(&mut buf, GAP1, 1..NC);
            let i2 = select_second(&rbuf, first, &wegt, NC..M);
            for j in NC..M {
                buf[j] = add(first[j], LSP_CB2[i2][j]);
            }
            expand(&mut buf, GAP1, NC..M);
            expand(&mut buf, GAP2, 1..M);

            let mut dist = 0i32;
            for j in 0..M {
                let t = mult(sub(buf[j], rbuf[j]), LSP_MA_PRED_SUM[mode][j]);
                let t2 = extract_h(l_shl(l_mult(wegt[j], t), 4));
                dist = l_mac(dist, t2, t);
            }
            cand[mode] = c;
            idx1[mode] = i1;
            idx2[mode] = i2;
            tdist[mode] = dist;
        }
        let mode = if l_sub(tdist[1], tdist[0]) < 0 { 1 } else { 0 };
        let indices = LspIndices {
            l0l1: ((mode << 7) | cand[mode]) as u16,
            l2l3: ((idx1[mode] << 5) | idx2[mode]) as u16,
        };
        let lsp_q = self.dq.decode(indices.l0l1, indices.l2l3, false);
        (indices, lsp_q)
    }
}

/// The reference's saturating `L_mac` chain `Σ 2·t[j]·u[j]` when every
/// product is non-negative: the partial sums only grow, so the chain
/// saturates to MAX_32 exactly when the exact sum exceeds it (including
/// `L_mult(-32768, -32768)`, whose exact value 2^31 is already above it).
fn nonneg_mac_sum(terms: impl Iterator<Item = (i16, i16)>) -> i32 {
    let sum: i64 = terms.map(|(t, u)| 2 * (t as i64 * u as i64)).sum();
    sum.min(MAX_32 as i64) as i32
}

/// `LSP_CB1` transposed: `CB1_T[j][i] = LSP_CB1[i][j]`.
const CB1_T: [[i16; 128]; M] = {
    let mut t = [[0; 128]; M];
    let mut i = 0;
    while i < 128 {
        let mut j = 0;
        while j < M {
            t[j][i] = LSP_CB1[i][j];
            j += 1;
        }
        i += 1;
    }
    t
};

/// Per coordinate j, the smallest and largest `LSP_CB1[i][j]`.
const CB1_RANGE: [(i16, i16); M] = {
    let mut r = [(i16::MAX, i16::MIN); M];
    let mut i = 0;
    while i < 128 {
        let mut j = 0;
        while j < M {
            let v = LSP_CB1[i][j];
            if v < r[j].0 {
                r[j].0 = v;
            }
            if v > r[j].1 {
                r[j].1 = v;
            }
            j += 1;
        }
        i += 1;
    }
    r
};

/// Σ_j max over the codebook column j of (x[j] - c)², for columns with
/// the ranges `range`: bounds Σ_j (x[j] - cb[j])² for every entry cb.
fn max_sq_dist(x: &[i16], range: &[(i16, i16)]) -> i64 {
    x.iter()
        .zip(range)
        .map(|(&x, &(lo, hi))| {
            let d = (x as i64 - lo as i64)
                .abs()
                .max((x as i64 - hi as i64).abs());
            d * d
        })
        .sum()
}

/// First-stage codebook entry nearest to `rbuf`.
fn preselect(rbuf: &[i16; M]) -> usize {
    // Fast path (bit-exact): when 2·Σ_j max_i (rbuf[j] - cb_i[j])² is at
    // most MAX_32, for every entry no `sub` saturates (each |t| < 2^15),
    // and the `L_mac` chain of the (non-negative) squares never reaches
    // MAX_32: the distance is the plain 2·Σ t², computed here for all 128
    // entries column by column (vectorised) in i32.
    if 2 * max_sq_dist(rbuf, &CB1_RANGE) <= MAX_32 as i64 {
        let mut e = [0i32; 128];
        for (col, &r) in CB1_T.iter().zip(rbuf) {
            for (e, &c) in e.iter_mut().zip(col) {
                // |r - c| < 2^15 (above): the i16 difference is exact.
                let t = r.wrapping_sub(c) as i32;
                *e += t * t;
            }
        }
        return first_min(&e);
    }
    let mut best = 0;
    let mut dmin = MAX_32;
    for (i, cb) in LSP_CB1.iter().enumerate() {
        // Squares are non-negative.
        let d = nonneg_mac_sum(rbuf.iter().zip(cb).map(|(&r, &c)| {
            let t = sub(r, c);
            (t, t)
        }));
        // d and dmin are non-negative: `L_sub` cannot saturate.
        if d < dmin {
            dmin = d;
            best = i;
        }
    }
    best
}

/// The reference's argmin `if d < dmin { dmin = d; best = i }` from
/// dmin = MAX_32 over d = 2·e[i], when every 2·e[i] fits in i32: those
/// are even, so below MAX_32, and the answer is the first index of the
/// smallest e.
fn first_min<const N: usize>(e: &[i32; N]) -> usize {
    let min = e.iter().copied().min().unwrap_or(0);
    e.iter().position(|&v| v == min).unwrap_or(0)
}

/// `LSP_CB2` transposed: `CB2_T[j][k] = LSP_CB2[k][j]`.
const CB2_T: [[i16; 32]; M] = {
    let mut t = [[0; 32]; M];
    let mut k = 0;
    while k < 32 {
        let mut j = 0;
        while j < M {
            t[j][k] = LSP_CB2[k][j];
            j += 1;
        }
        k += 1;
    }
    t
};

/// Per coordinate j, the smallest and largest `LSP_CB2[k][j]`.
const CB2_RANGE: [(i16, i16); M] = {
    let mut r = [(i16::MAX, i16::MIN); M];
    let mut k = 0;
    while k < 32 {
        let mut j = 0;
        while j < M {
            let v = LSP_CB2[k][j];
            if v < r[j].0 {
                r[j].0 = v;
            }
            if v > r[j].1 {
                r[j].1 = v;
            }
            j += 1;
        }
        k += 1;
    }
    r
};

/// Second-stage entry minimising the weighted error over `range`.
fn select_second(
    rbuf: &[i16; M],
    first: &[i16; M],
    wegt: &[i16; M],
    range: core::ops::Range<usize>,
) -> usize {
    let mut res = [0i16; M];
    for j in range.clone() {
        res[j] = sub(rbuf[j], first[j]);
    }
    // Fast path (bit-exact): when 2·Σ_j max_k (res[j] - cb_k[j])² is at
    // most MAX_32, no `sub` saturates (each |t| < 2^15), `mult(w, t)`
    // cannot saturate (w > 0), |mult(w, t)·t| ≤ t², and the chain of the
    // non-negative terms stays below MAX_32: the distance is the plain
    // 2·Σ mult(w, t)·t, computed for all 32 entries column by column
    // (vectorised) in i32.
    if 2 * max_sq_dist(&res[range.clone()], &CB2_RANGE[range.clone()]) <= MAX_32 as i64 {
        let mut e = [0i32; 32];
        for ((col, &r), &w) in CB2_T[range.clone()]
            .iter()
            .zip(&res[range.clone()])
            .zip(&wegt[range.clone()])
        {
            for (e, &c) in e.iter_mut().zip(col) {
                // |r - c| < 2^15 (above): the i16 difference is exact,
                // and so is mult(w, t) = (w·t) >> 15, |·| ≤ |t|.
                let t = r.wrapping_sub(c) as i32;
                let t2 = (w as i32 * t) >> 15;
                *e += t2 * t;
            }
        }
        return first_min(&e);
    }
    let (res, wegt) = (&res[range.clone()], &wegt[range.clone()]);
    let mut best = 0;
    let mut dmin = MAX_32;
    for (k, cb) in LSP_CB2.iter().enumerate() {
        // The weights are positive (see `weights`), so t2 = mult(w, t) has
        // the sign of t or is 0: every product t2·t is non-negative.
        let d = nonneg_mac_sum(res.iter().zip(&cb[range.clone()]).zip(wegt).map(
            |((&r, &c), &w)| {
                let t = sub(r, c);
                (mult(w, t), t)
            },
        ));
        if d < dmin {
            dmin = d;
            best = k;
        }
    }
    best
}

/// Enforce a minimum distance `gap` between buf[j-1] and buf[j], j in `range`.
fn expand(buf: &mut [i16; M], gap: i16, range: core::ops::Range<usize>) {
    for j in range {
        let diff = sub(buf[j - 1], buf[j]);
        let t = shr(add(diff, gap), 1);
        if t > 0 {
            buf[j - 1] = sub(buf[j - 1], t);
            buf[j] = add(buf[j], t);
        }
    }
}

/// LSP (Q15 cosine) to LSF (Q13, 0..pi) by table interpolation.
pub(crate) fn lsp_to_lsf(lsp: &[i16; M]) -> [i16; M] {
    let mut lsf = [0i16; M];
    let mut ind: i16 = 63;
    for i in (0..M).rev() {
        while COS_TABLE[ind as usize] < lsp[i] {
            ind = sub(ind, 1);
            if ind <= 0 {
                break;
            }
        }
        let offset = sub(lsp[i], COS_TABLE[ind as usize]);
        let t = l_mult(ACOS_SLOPE[ind as usize], offset);
        let freq = add(shl(ind, 9), extract_l(l_shr(t, 12)));
        lsf[i] = mult(freq, 25736);
    }
    lsf
}

/// Weighting coefficients of the LSF distortion, normalised.
pub(crate) fn weights(lsf: &[i16; M]) -> [i16; M] {
    let mut buf = [0i16; M];
    buf[0] = sub(lsf[1], PI04 + 8192);
    for i in 1..M - 1 {
        buf[i] = sub(sub(lsf[i + 1], lsf[i - 1]), 8192);
    }
    buf[M - 1] = sub(PI92 - 8192, lsf[M - 2]);
    let mut w = [0i16; M];
    for i in 0..M {
        w[i] = if buf[i] > 0 {
            2048
        } else {
            let t = extract_h(l_shl(l_mult(buf[i], buf[i]), 2));
            let t = extract_h(l_shl(l_mult(t, CONST10), 2));
            add(t, 2048)
        };
    }
    for i in [4, 5] {
        w[i] = extract_h(l_shl(l_mult(w[i], CONST12), 1));
    }
    let mut max = 0i16;
    for &v in &w {
        if v > max {
            max = v;
        }
    }
    let sft = norm_s(max);
    for v in w.iter_mut() {
        *v = shl(*v, sft);
    }
    w
}
