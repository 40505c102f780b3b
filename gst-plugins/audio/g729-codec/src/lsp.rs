//! LSP dequantisation (switched MA prediction, two-stage VQ) and conversion
//! of LSPs to LP filter coefficients.

use crate::fixed::*;
use crate::tables::{
    COS_SLOPE, COS_TABLE, LSP_CB1, LSP_CB2, LSP_MA_PRED, LSP_MA_PRED_SUM, LSP_MA_PRED_SUM_INV,
};
use crate::{M, MP1};

/// Number of MA predictor taps.
const MA_ORDER: usize = 4;
/// Minimum distances (Q13) used when rearranging the codebook output.
const GAP1: i16 = 10;
const GAP2: i16 = 5;
const GAP3: i16 = 321;
/// Stability limits for the quantised LSFs (Q13).
const LSF_LOW: i16 = 40;
const LSF_HIGH: i16 = 25681;

/// Initial LSF memory: pi*(j+1)/(M+1) in Q13.
const LSF_INIT: [i16; M] = [
    2339, 4679, 7018, 9358, 11698, 14037, 16377, 18717, 21056, 23396,
];

/// Initial LSP vector (cosine domain, Q15) of the previous frame.
pub(crate) const LSP_INIT: [i16; M] = [
    30000, 26000, 21000, 15000, 8000, 0, -8000, -15000, -21000, -26000,
];

/// State of the LSP dequantiser.
#[derive(Clone, Debug)]
pub(crate) struct LspDequantizer {
    /// Past codebook outputs (Q13), most recent first.
    history: [[i16; M]; MA_ORDER],
    /// Predictor mode of the last good frame.
    last_mode: usize,
    /// Quantised LSFs of the last good frame (Q13).
    last_lsf: [i16; M],
}

impl LspDequantizer {
    pub(crate) fn new() -> Self {
        Self {
            history: [LSF_INIT; MA_ORDER],
            last_mode: 0,
            last_lsf: LSF_INIT,
        }
    }

    /// Decode the LSP vector (Q15 cosine domain) from the indices `l0l1`
    /// (mode bit + first stage, 8 bits) and `l2l3` (two second-stage
    /// indices, 10 bits), or repeat the last one when `erased`.
    pub(crate) fn decode(&mut self, l0l1: u16, l2l3: u16, erased: bool) -> [i16; M] {
        let lsf = if erased {
            self.conceal()
        } else {
            self.dequantize(l0l1, l2l3)
        };
        lsf_to_lsp(&lsf)
    }

    fn dequantize(&mut self, l0l1: u16, l2l3: u16) -> [i16; M] {
        let mode = ((l0l1 >> 7) & 1) as usize;
        let c0 = (l0l1 & 0x7f) as usize;
        let c1 = ((l2l3 >> 5) & 0x1f) as usize;
        let c2 = (l2l3 & 0x1f) as usize;

        let mut buf = [0i16; M];
        for j in 0..M {
            let second = if j < M / 2 {
                LSP_CB2[c1][j]
            } else {
                LSP_CB2[c2][j]
            };
            buf[j] = add(LSP_CB1[c0][j], second);
        }
        rearrange(&mut buf, GAP1);
        rearrange(&mut buf, GAP2);

        let pred = &LSP_MA_PRED[mode];
        let pred_sum = &LSP_MA_PRED_SUM[mode];
        let mut lsf = [0i16; M];
        for j in 0..M {
            let mut acc = l_mult(buf[j], pred_sum[j]);
            for (past, coef) in self.history.iter().zip(pred) {
                acc = l_mac(acc, past[j], coef[j]);
            }
            lsf[j] = extract_h(acc);
        }
        self.push_history(buf);
        stabilize(&mut lsf);

        self.last_lsf = lsf;
        self.last_mode = mode;
        lsf
    }

    /// Frame erasure: repeat the last LSFs and update the MA memory with the
    /// codebook vector that would have produced them.
    fn conceal(&mut self) -> [i16; M] {
        let lsf = self.last_lsf;
        let pred = &LSP_MA_PRED[self.last_mode];
        let inv = &LSP_MA_PRED_SUM_INV[self.last_mode];
        let mut buf = [0i16; M];
        for j in 0..M {
            let mut acc = l_deposit_h(lsf[j]);
            for (past, coef) in self.history.iter().zip(pred) {
                acc = l_msu(acc, past[j], coef[j]);
            }
            let t = extract_h(acc);
            buf[j] = extract_h(l_shl(l_mult(t, inv[j]), 3));
        }
        self.push_history(buf);
        lsf
    }

    fn push_history(&mut self, v: [i16; M]) {
        self.history.copy_within(0..MA_ORDER - 1, 1);
        self.history[0] = v;
    }
}

/// Enforce a minimum distance `gap` between adjacent coefficients.
fn rearrange(buf: &mut [i16; M], gap: i16) {
    for j in 1..M {
        let diff = sub(buf[j - 1], buf[j]);
        let t = shr(add(diff, gap), 1);
        if t > 0 {
            buf[j - 1] = sub(buf[j - 1], t);
            buf[j] = add(buf[j], t);
        }
    }
}

/// Order the LSFs, and keep them inside the stable range with a minimum gap.
fn stabilize(buf: &mut [i16; M]) {
    for j in 0..M - 1 {
        if (buf[j + 1] as i32) < (buf[j] as i32) {
            buf.swap(j, j + 1);
        }
    }
    if buf[0] < LSF_LOW {
        buf[0] = LSF_LOW;
    }
    for j in 0..M - 1 {
        if (buf[j + 1] as i32 - buf[j] as i32) < GAP3 as i32 {
            buf[j + 1] = add(buf[j], GAP3);
        }
    }
    if buf[M - 1] > LSF_HIGH {
        buf[M - 1] = LSF_HIGH;
    }
}

/// LSF (Q13, 0..pi) to LSP (Q15 cosine) by table interpolation.
fn lsf_to_lsp(lsf: &[i16; M]) -> [i16; M] {
    let mut lsp = [0i16; M];
    for (out, &f) in lsp.iter_mut().zip(lsf) {
        let freq = mult(f, 20861); // 1/(2*pi) in Q17
        let ind = (shr(freq, 8) as usize).min(63);
        let offset = freq & 0xff;
        let t = l_mult(COS_SLOPE[ind], offset);
        *out = add(COS_TABLE[ind], extract_l(l_shr(t, 13)));
    }
    lsp
}

/// Coefficients (Q24) of F1(z) or F2(z) from every other LSP.
fn lsp_polynomial(lsp: &[i16; M], first: usize) -> [i32; 6] {
    let mut f = [0i32; 6];
    f[0] = l_mult(4096, 2048);
    f[1] = l_msu(0, lsp[first], 512);
    for i in 2..=5 {
        let q = lsp[first + 2 * (i - 1)];
        f[i] = f[i - 2];
        for j in (2..=i).rev() {
            let (hi, lo) = l_extract(f[j - 1]);
            let t = l_shl(mpy_32_16(hi, lo, q), 1);
            f[j] = l_add(f[j], f[j - 2]);
            f[j] = l_sub(f[j], t);
        }
        f[1] = l_msu(f[1], q, 512);
    }
    f
}

/// LSPs (Q15) to LP coefficients a[0..=10] (Q12).
pub(crate) fn lsp_to_lpc(lsp: &[i16; M]) -> [i16; MP1] {
    let mut f1 = lsp_polynomial(lsp, 0);
    let mut f2 = lsp_polynomial(lsp, 1);
    for i in (1..=5).rev() {
        f1[i] = l_add(f1[i], f1[i - 1]);
        f2[i] = l_sub(f2[i], f2[i - 1]);
    }
    let mut a = [0i16; MP1];
    a[0] = 4096;
    for i in 1..=5 {
        a[i] = extract_l(l_shr_r(l_add(f1[i], f2[i]), 13));
        a[MP1 - i] = extract_l(l_shr_r(l_sub(f1[i], f2[i]), 13));
    }
    a
}

/// LP filters of the two subframes: midpoint of old/new LSPs, then new.
pub(crate) fn interpolate_lpc(old: &[i16; M], new: &[i16; M]) -> [[i16; MP1]; 2] {
    let mut mid = [0i16; M];
    for j in 0..M {
        mid[j] = add(shr(new[j], 1), shr(old[j], 1));
    }
    [lsp_to_lpc(&mid), lsp_to_lpc(new)]
}

impl LspDequantizer {
    /// Annex B SID frame: predict the LSFs from the codebook vector `buf`
    /// (Q13) with the MA predictor `pred`/`pred_sum`, push `buf` into the MA
    /// memory and return the LSP vector. The state used for speech-frame
    /// concealment (last good mode and LSFs) is left untouched.
    pub(crate) fn compose_sid(
        &mut self,
        buf: [i16; M],
        pred: &[[i16; M]; MA_ORDER],
        pred_sum: &[i16; M],
    ) -> [i16; M] {
        let mut lsf = [0i16; M];
        for j in 0..M {
            let mut acc = l_mult(buf[j], pred_sum[j]);
            for (past, coef) in self.history.iter().zip(pred) {
                acc = l_mac(acc, past[j], coef[j]);
            }
            lsf[j] = extract_h(acc);
        }
        self.push_history(buf);
        stabilize(&mut lsf);
        lsf_to_lsp(&lsf)
    }
}

impl LspDequantizer {
    /// Past codebook outputs (Q13), most recent first (for the encoder's
    /// MA-predictive quantiser).
    pub(crate) fn history(&self) -> &[[i16; M]; MA_ORDER] {
        &self.history
    }
}
