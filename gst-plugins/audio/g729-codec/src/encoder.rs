//! The G.729 Annex A encoder, with the optional Annex B voice activity
//! detection and discontinuous transmission (SID frames).

use crate::acelp;
use crate::cng::{CNG_SEED, ComfortNoise, SidParams};
use crate::decoder::FrameParams;
use crate::dtx::Dtx;
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
use crate::vad::{Vad, VadInput, lsp_to_lsf_norm};
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

/// Kind of frame produced by [`Encoder::encode_frame`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameKind {
    /// An active speech frame: 10 bytes written.
    Speech,
    /// A SID (silence descriptor) frame: 2 bytes written (15 bits, MSB
    /// first, the last bit zero).
    Sid,
    /// An inactive frame that is not transmitted: nothing written.
    Untransmitted,
}

/// Result of encoding one frame.
enum Coded {
    Speech(FrameParams),
    Sid(SidParams),
    Untransmitted,
}

/// Annex B state of the encoder (VAD, DTX and the comfort-noise generator
/// that keeps the encoder memories in step with the decoder's).
#[derive(Clone, Debug)]
struct AnnexB {
    vad: Vad,
    dtx: Dtx,
    cng: ComfortNoise,
    /// VAD decisions of the previous two frames.
    past_vad: bool,
    ppast_vad: bool,
    /// Frame counter for the VAD (1 for the first frame).
    frame: i16,
}

/// A G.729 Annex A encoder for one channel, optionally with the Annex B
/// voice activity detector and discontinuous transmission.
///
/// Each call consumes 80 samples (10 ms at 8 kHz) and produces one frame.
/// All state lives in the struct.
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
    /// Annex B state, when VAD/DTX is enabled.
    annex_b: Option<Box<AnnexB>>,
    /// Fixed codebook search scratch.
    acelp: acelp::Searcher,
}

impl Default for Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Encoder {
    /// An Annex A encoder in its initial (reset) state (VAD off).
    pub fn new() -> Self {
        Self::with_vad(false)
    }

    /// An Annex A+B encoder (VAD and DTX on): see [`Encoder::encode_frame`].
    pub fn new_annex_b() -> Self {
        Self::with_vad(true)
    }

    /// An encoder with the Annex B VAD/DTX enabled or not.
    pub fn with_vad(vad: bool) -> Self {
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
            annex_b: vad.then(|| {
                Box::new(AnnexB {
                    vad: Vad::new(),
                    dtx: Dtx::new(),
                    cng: ComfortNoise::new(),
                    past_vad: true,
                    ppast_vad: true,
                    frame: 0,
                })
            }),
            acelp: acelp::Searcher::new(),
        }
    }

    /// Whether the Annex B VAD/DTX is enabled.
    pub fn vad_enabled(&self) -> bool {
        self.annex_b.is_some()
    }

    /// Encode 80 samples. With the VAD enabled the frame may be a speech
    /// frame (10 bytes written to `out`), a SID frame (2 bytes, `out[..2]`)
    /// or not transmitted (nothing written); without it, always speech.
    pub fn encode_frame(&mut self, pcm: &[i16; L_FRAME], out: &mut [u8; 10]) -> FrameKind {
        match self.encode_core(pcm, true) {
            Coded::Speech(p) => {
                *out = p.pack();
                FrameKind::Speech
            }
            Coded::Sid(p) => {
                let v = (p.mode << 15) | (p.lsf1 << 10) | (p.lsf2 << 6) | (p.gain << 1);
                out[..2].copy_from_slice(&v.to_be_bytes());
                FrameKind::Sid
            }
            Coded::Untransmitted => FrameKind::Untransmitted,
        }
    }

    /// Encode 80 samples into one 10-byte frame (RFC 3551 bit order). This
    /// always codes a speech frame (Annex A), even when the VAD is enabled;
    /// use [`Encoder::encode_frame`] for Annex B DTX.
    pub fn encode(&mut self, pcm: &[i16; L_FRAME], frame: &mut [u8; 10]) {
        *frame = self.encode_params(pcm).pack();
    }

    /// Encode 80 samples into speech frame parameters. This always codes an
    /// active frame (Annex A), even when the VAD is enabled.
    pub fn encode_params(&mut self, pcm: &[i16; L_FRAME]) -> FrameParams {
        match self.encode_core(pcm, false) {
            Coded::Speech(p) => p,
            _ => unreachable!("DTX is off for this frame"),
        }
    }

    fn encode_core(&mut self, pcm: &[i16; L_FRAME], dtx: bool) -> Coded {
        let new = L_WINDOW - L_FRAME;
        self.speech[new..].copy_from_slice(pcm);
        self.pre.process(&mut self.speech[new..]);

        // LP analysis.
        let mut r = autocorrelation(&self.speech);
        let r_raw = r.hi;
        lag_window(&mut r);
        let lpc = self.levinson.solve(&r.hi, &r.lo);
        let lsp_new = az_to_lsp(&lpc.a, &self.lsp_old);

        // Voice activity detection and DTX.
        if let Some(b) = self.annex_b.as_deref_mut() {
            b.frame = if b.frame == i16::MAX {
                256
            } else {
                b.frame + 1
            };
            let lsf = lsp_to_lsf_norm(&lsp_new);
            let active = b.vad.detect(&VadInput {
                rc: lpc.rc[1],
                lsf: &lsf,
                r: &r,
                sig: &self.speech,
                frame: b.frame,
                prev: b.past_vad,
                pprev: b.ppast_vad,
            });
            b.dtx.update_acf(&r_raw, r.exp_r0, active);
            if !active && dtx {
                return self.encode_inactive();
            }
            b.cng.seed = CNG_SEED;
            b.ppast_vad = b.past_vad;
            b.past_vad = active;
        }

        // LSP quantisation.
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
            let inn = self.acelp.search(&xn2, &h, lag.int, self.sharp);

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

        self.shift_buffers();
        Coded::Speech(p)
    }

    fn shift_buffers(&mut self) {
        self.speech.copy_within(L_FRAME.., 0);
        self.wsp.copy_within(L_FRAME.., 0);
        self.exc.copy_within(L_FRAME.., 0);
    }

    /// An inactive frame: DTX decision, SID parameters, and the comfort-noise
    /// excitation that keeps the encoder's memories in step with the decoder.
    fn encode_inactive(&mut self) -> Coded {
        let b = self.annex_b.as_deref_mut().expect("Annex B state");
        let decision = b.dtx.decide(
            b.past_vad,
            &self.lsp_old_q,
            self.lsp_q.dequantizer_mut().history(),
            &mut self.levinson,
        );
        b.cng.update(
            decision.sid.as_ref(),
            b.past_vad,
            self.lsp_q.dequantizer_mut(),
        );
        for (gp, t0) in b.cng.excitation(&mut self.exc, EXC_HIST) {
            self.taming.update(gp, t0);
        }
        let aq = interpolate_lpc(&self.lsp_old_q, &b.cng.lsp);
        self.lsp_old_q = b.cng.lsp;
        b.dtx.end_inactive();
        b.ppast_vad = b.past_vad;
        b.past_vad = false;

        // Weighted speech and filter memories.
        for (s, aq) in aq.iter().enumerate() {
            let off = s * L_SUBFR;
            let mut xn = [0i16; L_SUBFR];
            residual(aq, &self.speech, SPEECH + off, &mut xn);
            let ap = weight(aq, GAMMA1);
            let mut ap1 = [0i16; MP1];
            ap1[0] = 4096;
            for i in 1..=M {
                ap1[i] = sub(ap[i], mult(ap[i - 1], 22938));
            }
            let wsp = &mut self.wsp[WSP_HIST + off..WSP_HIST + off + L_SUBFR];
            synthesis(&ap1, &xn, wsp, &self.mem_w);
            self.mem_w.copy_from_slice(&wsp[L_SUBFR - M..]);
            for (x, &e) in xn.iter_mut().zip(&self.exc[EXC_HIST + off..]) {
                *x = sub(*x, e);
            }
            let mut y = [0i16; L_SUBFR];
            synthesis(&ap, &xn, &mut y, &self.mem_w0);
            self.mem_w0.copy_from_slice(&y[L_SUBFR - M..]);
        }
        self.sharp = SHARP_MIN;
        self.shift_buffers();
        match decision.sid {
            Some(p) => Coded::Sid(p),
            None => Coded::Untransmitted,
        }
    }
}
