//! The G.729 Annex A encoder.

use crate::acelp;
use crate::decoder::FrameParams;
use crate::filter::{residual, synthesis, weight};
use crate::fixed::*;
use crate::gain::GainDecoder;
use crate::gainq::{self, GainCorr};
use crate::lpc::{L_WINDOW, Levinson, autocorrelation, az_to_lsp, lag_window};
use crate::lsp::{LSP_INIT, interpolate_lpc};
use crate::lspq::LspQuantizer;
use crate::pitch::pitch_parity;
use crate::pitch_search::{Taming, closed_loop, encode_lag, open_loop, pitch_gain};
use crate::preproc::PreProcessor;
use crate::{L_FRAME, L_INTERPOL, L_SUBFR, M, MP1, PIT_MAX, PIT_MIN};

/// Look-ahead samples used by the LP analysis.
const L_NEXT: usize = 40;
/// Start of the current frame in the speech buffer.
const SPEECH: usize = L_WINDOW - L_NEXT - L_FRAME;
/// Past weighted speech kept for the open-loop pitch search.
const WSP_HIST: usize = PIT_MAX as usize;
/// Past excitation kept for the adaptive codebook.
const EXC_HIST: usize = PIT_MAX as usize + L_INTERPOL;
/// Perceptual weighting factor 0.75 (Q15).
const GAMMA1: i16 = 24576;
/// Pitch sharpening bounds, Q14.
const SHARP_MAX: i16 = 13017;
const SHARP_MIN: i16 = 3277;
/// Maximum pitch gain when taming is needed, Q14.
const GPCLIP: i16 = 15564;

/// A G.729 Annex A encoder for one channel.
///
/// Each call consumes 80 samples (10 ms at 8 kHz) and produces one 10-byte
/// frame. All state lives in the struct.
#[derive(Clone, Debug)]
pub struct Encoder {
    pre: PreProcessor,
    /// LP analysis window: past speech, current frame, look-ahead.
    speech: [i16; L_WINDOW],
    /// Past weighted speech followed by the current frame's.
    wsp: [i16; WSP_HIST + L_FRAME],
    /// Past excitation followed by the current frame's.
    exc: [i16; EXC_HIST + L_FRAME],
    levinson: Levinson,
    /// Unquantised and quantised LSPs of the previous frame.
    lsp_old: [i16; M],
    lsp_old_q: [i16; M],
    lsp_q: LspQuantizer,
    gains: GainDecoder,
    taming: Taming,
    /// Memories of the weighting filter and of the weighted error.
    mem_w: [i16; M],
    mem_w0: [i16; M],
    /// Pitch sharpening factor, Q14.
    sharp: i16,
}

impl Default for Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Encoder {
    /// An encoder in its initial (reset) state.
    pub fn new() -> Self {
        Self {
            pre: PreProcessor::new(),
            speech: [0; L_WINDOW],
            wsp: [0; WSP_HIST + L_FRAME],
            exc: [0; EXC_HIST + L_FRAME],
            levinson: Levinson::new(),
            lsp_old: LSP_INIT,
            lsp_old_q: LSP_INIT,
            lsp_q: LspQuantizer::new(),
            gains: GainDecoder::new(),
            taming: Taming::new(),
            mem_w: [0; M],
            mem_w0: [0; M],
            sharp: SHARP_MIN,
        }
    }

    /// Encode 80 samples into one 10-byte frame (RFC 3551 bit order).
    pub fn encode(&mut self, pcm: &[i16; L_FRAME], frame: &mut [u8; 10]) {
        *frame = self.encode_params(pcm).pack();
    }

    /// Encode 80 samples into frame parameters.
    pub fn encode_params(&mut self, pcm: &[i16; L_FRAME]) -> FrameParams {
        let new = L_WINDOW - L_FRAME;
        self.speech[new..].copy_from_slice(pcm);
        self.pre.process(&mut self.speech[new..]);

        // LP analysis and LSP quantisation.
        let mut r = autocorrelation(&self.speech);
        lag_window(&mut r);
        let a = self.levinson.solve(&r);
        let lsp_new = az_to_lsp(&a, &self.lsp_old);
        let (lsp_idx, lsp_new_q) = self.lsp_q.quantize(&lsp_new);
        let aq = interpolate_lpc(&self.lsp_old_q, &lsp_new_q);
        let ap = [weight(&aq[0], GAMMA1), weight(&aq[1], GAMMA1)];
        self.lsp_old = lsp_new;
        self.lsp_old_q = lsp_new_q;

        let mut p = FrameParams {
            lsp1: lsp_idx.l0l1,
            lsp2: lsp_idx.l2l3,
            ..FrameParams::default()
        };

        // LP residual, weighted speech and open-loop pitch.
        for s in 0..2 {
            let off = s * L_SUBFR;
            let exc = &mut self.exc[EXC_HIST + off..EXC_HIST + off + L_SUBFR];
            residual(&aq[s], &self.speech, SPEECH + off, exc);
            let mut ap1 = [0i16; MP1];
            ap1[0] = 4096;
            for i in 1..=M {
                ap1[i] = sub(ap[s][i], mult(ap[s][i - 1], 22938));
            }
            let wsp = &mut self.wsp[WSP_HIST + off..WSP_HIST + off + L_SUBFR];
            synthesis(&ap1, exc, wsp, &self.mem_w);
            self.mem_w.copy_from_slice(&wsp[L_SUBFR - M..]);
        }
        let t_op = open_loop(&self.wsp, WSP_HIST);
        let mut t_min = sub(t_op, 3);
        if t_min < PIT_MIN {
            t_min = PIT_MIN;
        }
        let mut t_max = add(t_min, 6);
        if t_max > PIT_MAX {
            t_max = PIT_MAX;
            t_min = sub(t_max, 6);
        }

        for (s, ap) in ap.iter().enumerate() {
            let start = EXC_HIST + s * L_SUBFR;
            let first = s == 0;

            // Impulse response of the weighted synthesis filter, and target.
            let mut impulse = [0i16; L_SUBFR];
            impulse[0] = 4096;
            let mut h = [0i16; L_SUBFR];
            synthesis(ap, &impulse, &mut h, &[0; M]);
            let mut xn = [0i16; L_SUBFR];
            synthesis(ap, &self.exc[start..start + L_SUBFR], &mut xn, &self.mem_w0);

            // Adaptive codebook.
            let lag = closed_loop(&mut self.exc, start, &xn, &h, t_min, t_max, first);
            let index = encode_lag(lag, &mut t_min, &mut t_max, first);
            let mut y1 = [0i16; L_SUBFR];
            synthesis(ap, &self.exc[start..start + L_SUBFR], &mut y1, &[0; M]);
            let (mut gain_pit, pcorr) = pitch_gain(&xn, &y1);
            let taming = self.taming.needed(lag);
            if taming && gain_pit > GPCLIP {
                gain_pit = GPCLIP;
            }
            let mut xn2 = [0i16; L_SUBFR];
            for i in 0..L_SUBFR {
                let t = l_shl(l_mult(y1[i], gain_pit), 1);
                xn2[i] = sub(xn[i], extract_h(t));
            }

            // Fixed codebook.
            let inn = acelp::search(&xn2, &h, lag.int, self.sharp);

            // Gains.
            let mut corr = GainCorr::default();
            corr.coef[0] = pcorr[0];
            corr.exp[0] = negate(pcorr[1]);
            corr.coef[1] = negate(pcorr[2]);
            corr.exp[1] = negate(add(pcorr[3], 1));
            gainq::correlate_code(&mut corr, &xn, &y1, &inn.filtered);
            let (gindex, gain_pit, gain_code) =
                gainq::quantize(&mut self.gains, &inn.code, &corr, taming);

            if first {
                p.pitch1 = index;
                p.parity = pitch_parity(index);
                p.code1 = inn.index;
                p.sign1 = inn.sign;
                p.gain1 = gindex;
            } else {
                p.pitch2 = index;
                p.code2 = inn.index;
                p.sign2 = inn.sign;
                p.gain2 = gindex;
            }

            self.sharp = gain_pit.clamp(SHARP_MIN, SHARP_MAX);

            // Total excitation and filter memory update.
            for i in 0..L_SUBFR {
                let mut t = l_mult(self.exc[start + i], gain_pit);
                t = l_mac(t, inn.code[i], gain_code);
                self.exc[start + i] = round(l_shl(t, 1));
            }
            self.taming.update(gain_pit, lag.int);
            for (j, i) in (L_SUBFR - M..L_SUBFR).enumerate() {
                let t = extract_h(l_shl(l_mult(y1[i], gain_pit), 1));
                let k = extract_h(l_shl(l_mult(inn.filtered[i], gain_code), 2));
                self.mem_w0[j] = sub(xn[i], add(t, k));
            }
        }

        self.speech.copy_within(L_FRAME.., 0);
        self.wsp.copy_within(L_FRAME.., 0);
        self.exc.copy_within(L_FRAME.., 0);
        p
    }
}
