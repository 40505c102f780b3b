//! Annex B SID parameter quantisation (encoder side): the frame energy
//! (5 bits) and the LSF vector (1 + 5 + 4 bits).

use crate::M;
use crate::fixed::*;
use crate::lspq::{lsp_to_lsf, weights as lsf_weights};
use crate::tables::{LSP_CB1, LSP_CB2, LSP_MA_PRED};
use crate::tables_b::{SID_CB1_MAP, SID_CB2_MAP, SID_MA_PRED_SUM};

/// Number of frame energies averaged for the SID gain.
pub(crate) const NB_GAIN: usize = 2;
/// Scale factors and margins of the energy average, by number of energies.
const FACT: [i16; NB_GAIN + 1] = [410, 26, 13];
const MARG: [i16; NB_GAIN + 1] = [0, 0, 1];

/// Inverse sum-complement of the SID MA predictors, Q12, by mode.
const SID_MA_PRED_SUM_INV: [[i16; M]; 2] = [
    [
        17210, 15888, 16357, 16183, 16516, 15833, 15888, 15421, 14840, 15597,
    ],
    [
        12764, 10821, 10458, 11264, 11724, 11500, 12056, 11865, 11331, 11724,
    ],
];
/// Weights of the two predictor modes in the first-stage search.
const MODE_WEIGHT: [i16; 2] = [8644, 16572];
/// LSF limits (Q13) of the SID quantiser input.
const L_LIMIT: i16 = 40;
const M_LIMIT: i16 = 25681;
const GAP3: i16 = 321;
/// Candidates kept after the first stage.
const N_CAND: usize = 4;

/// Quantise the average of the last `nb` residual energies `ener[i] *
/// 2^sh[i]`; returns (index, quantised energy in dB).
pub(crate) fn quantize_sid_gain(
    ener: &[i16; NB_GAIN],
    sh: &[i16; NB_GAIN],
    nb: usize,
) -> (i16, i16) {
    let (x, sh1) = if nb == 0 {
        let acc = l_shl(l_deposit_l(ener[0]), sh[0]);
        let (hi, lo) = l_extract(acc);
        (mpy_32_16(hi, lo, FACT[0]), 0)
    } else {
        let mut sh1 = sh[0];
        for &s in &sh[1..nb] {
            if s < sh1 {
                sh1 = s;
            }
        }
        sh1 = add(sh1, 16 - MARG[nb]);
        let mut x = 0i32;
        for i in 0..nb {
            let t = sub(sh1, sh[i]);
            x = l_add(x, l_shl(l_deposit_l(ener[i]), t));
        }
        let (hi, lo) = l_extract(x);
        (mpy_32_16(hi, lo, FACT[nb]), sh1)
    };
    quantize_energy_db(x, sh1)
}

/// Energy `x * 2^-sh` to a 5-bit index and its dB value.
fn quantize_energy_db(x: i32, sh: i16) -> (i16, i16) {
    let (exp, frac) = log2(x);
    let mut e = shl(sub(exp, sh), 10);
    e = add(e, mult_r(frac, 1024));
    if sub(e, -2721) <= 0 {
        return (0, -12);
    }
    if sub(e, 22111) > 0 {
        return (31, 66);
    }
    if sub(e, 4762) <= 0 {
        let e = add(e, 3401);
        let index = mult(e, 24).max(1);
        return (index, sub(shl(index, 2), 8));
    }
    let e = sub(e, 340);
    let index = sub(shr(mult(e, 193), 2), 1).max(6);
    (index, add(shl(index, 1), 4))
}

/// MA predictor of the SID quantiser for `mode`, Q15.
fn sid_predictor(mode: usize) -> [[i16; M]; 4] {
    if mode == 0 {
        return LSP_MA_PRED[0];
    }
    let mut p = [[0i16; M]; 4];
    for (k, row) in p.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let acc = l_mult(LSP_MA_PRED[0][k][j], 19660);
            *v = extract_h(l_mac(acc, LSP_MA_PRED[1][k][j], 13107));
        }
    }
    p
}

/// Second-stage codebook row for coefficient `j` of second-stage index `k`.
fn cb2(k: usize, j: usize) -> i16 {
    let half = if j < M / 2 { 0 } else { 1 };
    LSP_CB2[SID_CB2_MAP[half][k] as usize][j]
}

/// Indices (mode, first stage, second stage) of the SID LSF quantiser for
/// `lsp` (Q15), given the MA memory `history` (Q13, most recent first).
pub(crate) fn quantize_sid_lsf(lsp: &[i16; M], history: &[[i16; M]; 4]) -> (u16, u16, u16) {
    let mut lsf = lsp_to_lsf(lsp);
    if lsf[0] < L_LIMIT {
        lsf[0] = L_LIMIT;
    }
    for i in 0..M - 1 {
        if sub(lsf[i + 1], lsf[i]) < 2 * GAP3 {
            lsf[i + 1] = add(lsf[i], 2 * GAP3);
        }
    }
    if lsf[M - 1] > M_LIMIT {
        lsf[M - 1] = M_LIMIT;
    }
    if lsf[M - 1] < lsf[M - 2] {
        lsf[M - 2] = sub(lsf[M - 1], GAP3);
    }
    let weight = lsf_weights(&lsf);

    // Prediction error for both modes.
    let mut err = [[0i16; M]; 2];
    for (mode, e) in err.iter_mut().enumerate() {
        let pred = sid_predictor(mode);
        for j in 0..M {
            let mut acc = l_deposit_h(lsf[j]);
            for (past, coef) in history.iter().zip(&pred) {
                acc = l_msu(acc, past[j], coef[j]);
            }
            let t = extract_h(acc);
            e[j] = extract_h(l_shl(l_mult(t, SID_MA_PRED_SUM_INV[mode][j]), 3));
        }
    }

    // First stage: N_CAND best (mode, index) pairs.
    const MQ1: usize = 32;
    let mut sum = [[0i16; MQ1]; 2];
    for p in 0..2 {
        for m in 0..MQ1 {
            let cb = &LSP_CB1[SID_CB1_MAP[m] as usize];
            let mut acc = 0i32;
            for l in 0..M {
                let t = sub(err[p][l], cb[l]);
                acc = l_mac(acc, t, t);
            }
            sum[p][m] = mult(extract_h(acc), MODE_WEIGHT[p]);
        }
    }
    let mut cand_mode = [0usize; N_CAND];
    let mut cand_idx = [0usize; N_CAND];
    let mut cand = [[0i16; M]; N_CAND];
    for q in 0..N_CAND {
        let mut min = MAX_16;
        let (mut bp, mut bm) = (0, 0);
        for (p, row) in sum.iter().enumerate() {
            for (m, &v) in row.iter().enumerate() {
                if v < min {
                    min = v;
                    bp = p;
                    bm = m;
                }
            }
        }
        sum[bp][bm] = MAX_16;
        let cb = &LSP_CB1[SID_CB1_MAP[bm] as usize];
        for l in 0..M {
            cand[q][l] = sub(err[bp][l], cb[l]);
        }
        cand_mode[q] = bp;
        cand_idx[q] = bm;
    }

    // Second stage: best single (candidate, index) pair.
    const MQ2: usize = 16;
    let mut min = MAX_16;
    let (mut bp, mut bm) = (0, 0);
    for p in 0..N_CAND {
        let psum = &SID_MA_PRED_SUM[cand_mode[p]];
        for m in 0..MQ2 {
            let mut acc = 0i32;
            for l in 0..M {
                let t1 = extract_h(l_shl(l_mult(psum[l], psum[l]), 2));
                let t1 = mult(t1, weight[l]);
                let t2 = sub(cand[p][l], cb2(m, l));
                let t1 = extract_h(l_shl(l_mult(t1, t2), 3));
                acc = l_mac(acc, t1, t2);
            }
            let s = extract_h(acc);
            if s < min {
                min = s;
                bp = p;
                bm = m;
            }
        }
    }
    (cand_mode[bp] as u16, cand_idx[bp] as u16, bm as u16)
}
