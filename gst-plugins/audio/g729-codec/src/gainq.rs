//! Gain quantisation: conjugate-structure two-stage VQ of the pitch gain and
//! the (MA-predicted) fixed-codebook gain, with a pre-selection of candidates.

use crate::L_SUBFR;
use crate::fixed::*;
use crate::gain::GainDecoder;
use crate::tables::{
    GAIN_CB1, GAIN_CB2, GAIN_COEF, GAIN_L_COEF, GAIN_MAP1, GAIN_MAP2, GAIN_THR1, GAIN_THR2,
};

/// Candidates kept from each stage.
const NCAN1: usize = 4;
const NCAN2: usize = 8;
const INV_COEF: i16 = -17103;
/// Pitch gain limits under taming (Q14 codebook sum, Q9 best gain).
const GP0999: i16 = 16383;
const GPCLIP2: i16 = 481;

/// Correlation terms of the gain error, mantissas and their Q formats:
/// <y1,y1>, -2<xn,y1>, <y2,y2>, -2<xn,y2>, 2<y1,y2>.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GainCorr {
    pub coef: [i16; 5],
    pub exp: [i16; 5],
}

/// Fill terms 2..5 from the target `xn`, the filtered adaptive vector `y1`
/// and the filtered code vector `y2` (Q12).
pub(crate) fn correlate_code(
    c: &mut GainCorr,
    xn: &[i16; L_SUBFR],
    y1: &[i16; L_SUBFR],
    y2: &[i16; L_SUBFR],
) {
    let mut scaled = [0i16; L_SUBFR];
    for (o, &v) in scaled.iter_mut().zip(y2) {
        *o = shr(v, 3);
    }
    let norm = |a: &[i16; L_SUBFR]| {
        let acc = l_mac_dot(1, a, &scaled);
        let e = norm_l(acc);
        (round(l_shl(acc, e)), e)
    };
    let (v, e) = norm(&scaled);
    c.coef[2] = v;
    c.exp[2] = add(e, 19 - 16);
    let (v, e) = norm(xn);
    c.coef[3] = negate(v);
    c.exp[3] = sub(add(e, 10 - 16), 1);
    let (v, e) = norm(y1);
    c.coef[4] = v;
    c.exp[4] = sub(add(e, 10 - 16), 1);
}

/// Align two products to the smaller exponent and subtract them.
fn diff_terms(l1: i32, e1: i16, l2: i32, e2: i16, half: bool) -> (i32, i16) {
    let h = if half { 1 } else { 0 };
    if e1 > e2 {
        (
            l_sub(l_shr(l1, add(sub(e1, e2), h)), l_shr(l2, h)),
            sub(e2, h),
        )
    } else {
        (
            l_sub(l_shr(l1, h), l_shr(l2, add(sub(e2, e1), h))),
            sub(e1, h),
        )
    }
}

/// Quantise the gains for code vector `code` (Q13). Returns the 7-bit index
/// and the quantised pitch (Q14) and code (Q1) gains.
pub(crate) fn quantize(
    pred: &mut GainDecoder,
    code: &[i16; L_SUBFR],
    c: &GainCorr,
    taming: bool,
) -> (u16, i16, i16) {
    let (gcode0, exp_gcode0) = pred.predict(code);
    let g = &c.coef;
    let ex = &c.exp;

    // Unquantised optimal gains.
    let (l, e) = diff_terms(
        l_mult(g[0], g[2]),
        add(add(ex[0], ex[2]), 1 - 2),
        l_mult(g[4], g[4]),
        add(add(ex[4], ex[4]), 1),
        false,
    );
    let sft = norm_l(l);
    let denom = extract_h(l_shl(l, sft));
    let exp_denom = sub(add(e, sft), 16);
    let inv_denom = negate(div_s(16384, denom));
    let exp_inv_denom = sub(14 + 15, exp_denom);

    let (l, e) = diff_terms(
        l_mult(g[2], g[1]),
        add(ex[2], ex[1]),
        l_mult(g[3], g[4]),
        add(add(ex[3], ex[4]), 1),
        true,
    );
    let sft = norm_l(l);
    let nume = extract_h(l_shl(l, sft));
    let exp_nume = sub(add(e, sft), 16);
    let sft = sub(add(exp_nume, exp_inv_denom), 9 + 16 - 1);
    let mut best0 = extract_h(l_shr(l_mult(nume, inv_denom), sft));
    if taming && best0 > GPCLIP2 {
        best0 = GPCLIP2;
    }

    let (l, e) = diff_terms(
        l_mult(g[0], g[3]),
        add(ex[0], ex[3]),
        l_mult(g[1], g[4]),
        add(add(ex[1], ex[4]), 1),
        true,
    );
    let sft = norm_l(l);
    let nume = extract_h(l_shl(l, sft));
    let exp_nume = sub(add(e, sft), 16);
    let sft = sub(add(exp_nume, exp_inv_denom), 2 + 16 - 1);
    let best1 = extract_h(l_shr(l_mult(nume, inv_denom), sft));

    let gcode0_org = if exp_gcode0 >= 4 {
        shr(gcode0, sub(exp_gcode0, 4))
    } else {
        extract_h(l_shl(l_deposit_l(gcode0), sub(4 + 16, exp_gcode0)))
    };
    let (cand1, cand2) = preselect(best0, best1, gcode0_org);

    // Error terms aligned to a common exponent, in double precision.
    let exp_min = [
        add(ex[0], 13),
        add(ex[1], 14),
        add(ex[2], sub(shl(exp_gcode0, 1), 21)),
        add(ex[3], sub(exp_gcode0, 3)),
        add(ex[4], sub(exp_gcode0, 4)),
    ];
    let mut e_min = exp_min[0];
    for &e in &exp_min[1..] {
        if e < e_min {
            e_min = e;
        }
    }
    let mut hi = [0i16; 5];
    let mut lo = [0i16; 5];
    for i in 0..5 {
        let t = l_shr(l_deposit_h(g[i]), sub(exp_min[i], e_min));
        (hi[i], lo[i]) = l_extract(t);
    }

    let mut dist_min = MAX_32;
    let mut index1 = cand1;
    let mut index2 = cand2;
    for (i, cb1) in GAIN_CB1.iter().enumerate().skip(cand1).take(NCAN1) {
        for (j, cb2) in GAIN_CB2.iter().enumerate().skip(cand2).take(NCAN2) {
            let g_pitch = add(cb1[0], cb2[0]);
            if taming && g_pitch >= GP0999 {
                continue;
            }
            let sum = l_add(cb1[1] as i32, cb2[1] as i32);
            let t = extract_l(l_shr(sum, 1));
            let g_code = mult(gcode0, t);
            let g2_pitch = mult(g_pitch, g_pitch);
            let g2_code = mult(g_code, g_code);
            let g_pit_cod = mult(g_code, g_pitch);
            let mut d = mpy_32_16(hi[0], lo[0], g2_pitch);
            d = l_add(d, mpy_32_16(hi[1], lo[1], g_pitch));
            d = l_add(d, mpy_32_16(hi[2], lo[2], g2_code));
            d = l_add(d, mpy_32_16(hi[3], lo[3], g_code));
            d = l_add(d, mpy_32_16(hi[4], lo[4], g_pit_cod));
            if l_sub(d, dist_min) < 0 {
                dist_min = d;
                index1 = i;
                index2 = j;
            }
        }
    }

    let gain_pit = add(GAIN_CB1[index1][0], GAIN_CB2[index2][0]);
    let gbk12 = l_add(GAIN_CB1[index1][1] as i32, GAIN_CB2[index2][1] as i32);
    let t = extract_l(l_shr(gbk12, 1));
    let acc = l_shl(l_mult(t, gcode0), add(negate(exp_gcode0), -12 - 1 + 1 + 16));
    let gain_code = extract_h(acc);
    pred.update(gbk12);
    let index = (GAIN_MAP1[index1] * 16 + GAIN_MAP2[index2]) as u16;
    (index, gain_pit, gain_code)
}

/// First candidates of each codebook stage around the optimal gains
/// (`best0` pitch gain Q9, `best1` code gain Q2, `gcode0` Q4).
fn preselect(best0: i16, best1: i16, gcode0: i16) -> (usize, usize) {
    let cfbg = l_mult(GAIN_COEF[0][0], best0);
    let acc = l_add(cfbg, l_shr(GAIN_L_COEF[1][1], 15));
    let acc_h = extract_h(acc);
    let preg = l_mult(acc_h, gcode0);
    let acc = l_sub(l_shl(l_deposit_l(best1), 7), preg);
    let acc_h = extract_h(l_shl(acc, 2));
    let x = l_mult(acc_h, INV_COEF);

    let acc = l_sub(cfbg, l_shr(GAIN_L_COEF[0][1], 10));
    let acc_h = mult(extract_h(acc), gcode0);
    let t = l_mult(acc_h, GAIN_COEF[1][0]);
    let preg = l_mult(GAIN_COEF[0][0], best1);
    let acc = l_sub(t, l_shr(preg, 3));
    let acc_h = extract_h(l_shl(acc, 2));
    let y = l_mult(acc_h, INV_COEF);

    const SFT_Y: i16 = (14 + 4 + 1) - 16;
    const SFT_X: i16 = (15 + 4 + 1) - 15;
    let above = |v: i32, thr: i16, sft: i16| l_sub(v, l_shr(l_mult(thr, gcode0), sft));
    let mut cand1 = 0usize;
    let mut cand2 = 0usize;
    if gcode0 > 0 {
        while cand1 < GAIN_CB1.len() - NCAN1 && above(y, GAIN_THR1[cand1], SFT_Y) > 0 {
            cand1 += 1;
        }
        while cand2 < GAIN_CB2.len() - NCAN2 && above(x, GAIN_THR2[cand2], SFT_X) > 0 {
            cand2 += 1;
        }
    } else {
        while cand1 < GAIN_CB1.len() - NCAN1 && above(y, GAIN_THR1[cand1], SFT_Y) < 0 {
            cand1 += 1;
        }
        while cand2 < GAIN_CB2.len() - NCAN2 && above(x, GAIN_THR2[cand2], SFT_X) < 0 {
            cand2 += 1;
        }
    }
    (cand1, cand2)
}
