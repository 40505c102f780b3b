//! Annex B encoder DTX: tracking of the autocorrelations of past frames,
//! the transmit/skip decision of inactive frames and the SID parameters.

use crate::cng::SidParams;
use crate::fixed::*;
use crate::lpc::{Levinson, az_to_lsp};
use crate::sid_enc::{NB_GAIN, quantize_sid_gain, quantize_sid_lsf};
use crate::{M, MP1};

/// Frames whose autocorrelations are summed for the current filter.
const NB_CURACF: usize = 2;
/// Blocks of NB_CURACF frames summed for the past average filter.
const NB_SUMACF: usize = 3;
/// Minimum number of frames between two SID frames.
const FR_SID_MIN: i16 = 3;
/// Itakura distance thresholds (filter change, and past average use).
const FRAC_THRESH1: i16 = 4855;
const FRAC_THRESH2: i16 = 3161;

/// What the DTX decided for an inactive frame.
pub(crate) struct DtxDecision {
    /// SID parameters to transmit, or `None` for an untransmitted frame.
    pub sid: Option<SidParams>,
}

/// Encoder DTX state.
#[derive(Clone, Debug)]
pub(crate) struct Dtx {
    /// Reference filter (for the Itakura distance) and its autocorrelation.
    past_coeff: [i16; MP1],
    r_coeff: [i16; MP1],
    sh_r_coeff: i16,
    /// Autocorrelations of the last NB_CURACF frames, most recent first.
    acf: [[i16; MP1]; NB_CURACF],
    sh_acf: [i16; NB_CURACF],
    /// Sums of NB_CURACF autocorrelations, most recent first.
    sum_acf: [[i16; MP1]; NB_SUMACF],
    sh_sum_acf: [i16; NB_SUMACF],
    /// Residual energies of the last frames.
    ener: [i16; NB_GAIN],
    sh_ener: [i16; NB_GAIN],
    fr_cur: usize,
    nb_ener: usize,
    flag_chang: bool,
    prev_energy: i16,
    count_fr0: i16,
}

impl Dtx {
    pub(crate) fn new() -> Self {
        Self {
            past_coeff: [0; MP1],
            r_coeff: [0; MP1],
            sh_r_coeff: 0,
            acf: [[0; MP1]; NB_CURACF],
            sh_acf: [40; NB_CURACF],
            sum_acf: [[0; MP1]; NB_SUMACF],
            sh_sum_acf: [40; NB_SUMACF],
            ener: [0; NB_GAIN],
            sh_ener: [40; NB_GAIN],
            fr_cur: 0,
            nb_ener: 0,
            flag_chang: false,
            prev_energy: 0,
            count_fr0: 0,
        }
    }

    /// Record the (non lag-windowed) autocorrelation r[0..=M] of every frame.
    pub(crate) fn update_acf(&mut self, r_h: &[i16], exp_r: i16, active: bool) {
        self.acf.copy_within(0..NB_CURACF - 1, 1);
        self.sh_acf.copy_within(0..NB_CURACF - 1, 1);
        self.sh_acf[0] = negate(add(16, exp_r));
        self.acf[0].copy_from_slice(&r_h[..MP1]);
        self.fr_cur += 1;
        if self.fr_cur == NB_CURACF {
            self.fr_cur = 0;
            if active {
                self.update_sum_acf();
            }
        }
    }

    fn update_sum_acf(&mut self) {
        self.sum_acf.copy_within(0..NB_SUMACF - 1, 1);
        self.sh_sum_acf.copy_within(0..NB_SUMACF - 1, 1);
        let (sum, sh) = sum_acf(&self.acf, &self.sh_acf);
        self.sum_acf[0] = sum;
        self.sh_sum_acf[0] = sh;
    }

    /// DTX decision and SID parameters of an inactive frame. `past_vad`
    /// tells that the previous frame was active; `lsp_old_q` is the previous
    /// quantised LSP vector and `history` the LSF quantiser MA memory.
    pub(crate) fn decide(
        &mut self,
        past_vad: bool,
        lsp_old_q: &[i16; M],
        history: &[[i16; M]; 4],
        lev: &mut Levinson,
    ) -> DtxDecision {
        self.ener.copy_within(0..NB_GAIN - 1, 1);
        self.sh_ener.copy_within(0..NB_GAIN - 1, 1);

        let (cur_acf, sh) = sum_acf(&self.acf, &self.sh_acf);
        self.sh_ener[0] = sh;
        let mut cur_coeff = [0i16; MP1];
        if cur_acf[0] == 0 {
            self.ener[0] = 0;
        } else {
            let res = lev.solve(&cur_acf, &[0; MP1]);
            cur_coeff = res.a;
            if let Some(e) = res.err {
                self.ener[0] = e;
            }
        }

        let transmit;
        let (gain_idx, energyq);
        if past_vad {
            transmit = true;
            self.count_fr0 = 0;
            self.nb_ener = 1;
            (gain_idx, energyq) = quantize_sid_gain(&self.ener, &self.sh_ener, self.nb_ener);
        } else {
            self.nb_ener = (self.nb_ener + 1).min(NB_GAIN);
            (gain_idx, energyq) = quantize_sid_gain(&self.ener, &self.sh_ener, self.nb_ener);
            if filter_differs(
                &self.r_coeff,
                self.sh_r_coeff,
                &cur_acf,
                self.ener[0],
                FRAC_THRESH1,
            ) {
                self.flag_chang = true;
            }
            if sub(abs_s(sub(self.prev_energy, energyq)), 2) > 0 {
                self.flag_chang = true;
            }
            self.count_fr0 = add(self.count_fr0, 1);
            if self.count_fr0 < FR_SID_MIN {
                transmit = false;
            } else {
                transmit = self.flag_chang;
                self.count_fr0 = FR_SID_MIN;
            }
        }

        let mut sid = None;
        if transmit {
            self.count_fr0 = 0;
            self.flag_chang = false;
            self.past_coeff = self.past_filter(lev);
            (self.r_coeff, self.sh_r_coeff) = filter_autocorr(&self.past_coeff);
            let lpc = if !filter_differs(
                &self.r_coeff,
                self.sh_r_coeff,
                &cur_acf,
                self.ener[0],
                FRAC_THRESH2,
            ) {
                self.past_coeff
            } else {
                (self.r_coeff, self.sh_r_coeff) = filter_autocorr(&cur_coeff);
                cur_coeff
            };
            let lsp_new = az_to_lsp(&lpc, lsp_old_q);
            let (mode, lsf1, lsf2) = quantize_sid_lsf(&lsp_new, history);
            self.prev_energy = energyq;
            sid = Some(SidParams {
                mode,
                lsf1,
                lsf2,
                gain: gain_idx as u16,
            });
        }
        DtxDecision { sid }
    }

    /// To be called after the comfort noise of an inactive frame is made.
    pub(crate) fn end_inactive(&mut self) {
        if self.fr_cur == 0 {
            self.update_sum_acf();
        }
    }

    /// Average filter of the past frames.
    fn past_filter(&self, lev: &mut Levinson) -> [i16; MP1] {
        let (s, _) = sum_acf(&self.sum_acf, &self.sh_sum_acf);
        if s[0] == 0 {
            let mut c = [0i16; MP1];
            c[0] = 4096;
            return c;
        }
        lev.solve(&s, &[0; MP1]).a
    }
}

/// Sum of the autocorrelations `acf[i] * 2^-sh[i]`, normalised; returns the
/// sum and its scale.
fn sum_acf<const N: usize>(acf: &[[i16; MP1]; N], sh: &[i16; N]) -> ([i16; MP1], i16) {
    let mut sh0 = sh[0];
    for &s in &sh[1..] {
        if s < sh0 {
            sh0 = s;
        }
    }
    sh0 = add(sh0, 14);
    let mut tab = [0i32; MP1];
    for (a, &s) in acf.iter().zip(sh) {
        let t = sub(sh0, s);
        for (acc, &v) in tab.iter_mut().zip(a) {
            *acc = l_add(*acc, l_shl(l_deposit_l(v), t));
        }
    }
    let n = norm_l(tab[0]);
    let mut sum = [0i16; MP1];
    for (o, &v) in sum.iter_mut().zip(&tab) {
        *o = extract_h(l_shl(v, n));
    }
    (sum, add(sh0, sub(n, 16)))
}

/// Autocorrelation of the LP coefficients, normalised, for the Itakura
/// distance.
fn filter_autocorr(coeff: &[i16; MP1]) -> ([i16; MP1], i16) {
    let mut acc = 0i32;
    for &c in coeff {
        acc = l_mac(acc, c, c);
    }
    let sh = norm_l(acc);
    let mut r = [0i16; MP1];
    r[0] = round(l_shl(acc, sh));
    for i in 1..=M {
        let mut acc = 0i32;
        for j in 0..=M - i {
            acc = l_mac(acc, coeff[j], coeff[j + i]);
        }
        r[i] = round(l_shl(acc, sh));
    }
    (r, sh)
}

/// Itakura distance test: true when the filter of `r_coeff` does not
/// model the autocorrelation `acf` within the residual energy `alpha`
/// times (1 + `thresh`).
fn filter_differs(
    r_coeff: &[i16; MP1],
    sh_r: i16,
    acf: &[i16; MP1],
    alpha: i16,
    thresh: i16,
) -> bool {
    let mut sh = [0i16; 2];
    let mut ind = 1usize;
    let acc = loop {
        let mut ov = false;
        let t1 = shr(r_coeff[0], sh[0]);
        let t2 = shr(acf[0], sh[1]);
        let mut acc = l_shr(l_mult_ov(t1, t2, &mut ov), 1);
        for i in 1..=M {
            let t1 = shr(r_coeff[i], sh[0]);
            let t2 = shr(acf[i], sh[1]);
            acc = l_mac_ov(acc, t1, t2, &mut ov);
        }
        if ov {
            sh[ind] = add(sh[ind], 1);
            ind = 1 - ind;
        } else {
            break acc;
        }
    };
    let t = mult_r(alpha, thresh);
    let mut lim = l_add(l_deposit_l(t), l_deposit_l(alpha));
    let s = sub(add(sh_r, 9), add(sh[0], sh[1]));
    lim = l_shl(lim, s);
    l_sub(acc, lim) > 0
}
