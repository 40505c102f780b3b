//! The G.729 Annex A decoder, with the Annex B extension (SID frames,
//! discontinuous transmission and comfort-noise generation).

use crate::cng::{CNG_SEED, ComfortNoise, SidParams};
use crate::filter::synthesis;
use crate::fixed::*;
use crate::gain::{GainDecoder, algebraic_vector};
use crate::lsp::{LSP_INIT, LspDequantizer, interpolate_lpc};
use crate::pitch::{Lag, decode_lag_first, decode_lag_second, parity_error, predict_long_term};
use crate::postfilter::{HighPass, PostFilter};
use crate::{L_FRAME, L_INTERPOL, L_SUBFR, M, MP1, PIT_MAX};

/// Pitch sharpening bounds, Q14.
const SHARP_MAX: i16 = 13017;
const SHARP_MIN: i16 = 3277;

/// Excitation history kept for the adaptive codebook.
const EXC_HIST: usize = PIT_MAX as usize + L_INTERPOL;

/// Parameters of one 80-bit speech frame, in transmission order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameParams {
    /// L0 (MA mode, 1 bit) and L1 (first stage, 7 bits).
    pub lsp1: u16,
    /// L2 and L3 (second stage, 5 + 5 bits).
    pub lsp2: u16,
    /// P1: pitch delay of subframe 1 (8 bits).
    pub pitch1: u16,
    /// P0: parity of P1 (1 bit).
    pub parity: u16,
    /// C1, S1: fixed-codebook positions (13 bits) and signs (4 bits).
    pub code1: u16,
    pub sign1: u16,
    /// GA1 and GB1 (3 + 4 bits).
    pub gain1: u16,
    /// P2: relative pitch delay of subframe 2 (5 bits).
    pub pitch2: u16,
    /// C2, S2: fixed-codebook positions and signs of subframe 2.
    pub code2: u16,
    pub sign2: u16,
    /// GA2 and GB2 (3 + 4 bits).
    pub gain2: u16,
}

/// Bit widths of the parameters, in order.
const FIELD_BITS: [u32; 11] = [8, 10, 8, 1, 13, 4, 7, 5, 13, 4, 7];

impl FrameParams {
    /// Unpack a 10-byte frame (RFC 3551 bit order, MSB first).
    pub fn unpack(frame: &[u8; 10]) -> Self {
        let bits = u128::from_be_bytes({
            let mut b = [0u8; 16];
            b[..10].copy_from_slice(frame);
            b
        });
        let mut pos = 0u32;
        let mut v = [0u16; 11];
        for (out, &n) in v.iter_mut().zip(&FIELD_BITS) {
            *out = ((bits >> (128 - pos - n)) & ((1u128 << n) - 1)) as u16;
            pos += n;
        }
        Self {
            lsp1: v[0],
            lsp2: v[1],
            pitch1: v[2],
            parity: v[3],
            code1: v[4],
            sign1: v[5],
            gain1: v[6],
            pitch2: v[7],
            code2: v[8],
            sign2: v[9],
            gain2: v[10],
        }
    }

    /// Pack into a 10-byte frame (RFC 3551 bit order, MSB first).
    pub fn pack(&self) -> [u8; 10] {
        let v = [
            self.lsp1,
            self.lsp2,
            self.pitch1,
            self.parity,
            self.code1,
            self.sign1,
            self.gain1,
            self.pitch2,
            self.code2,
            self.sign2,
            self.gain2,
        ];
        let mut bits = 0u128;
        for (&x, &n) in v.iter().zip(&FIELD_BITS) {
            bits = (bits << n) | (x as u128 & ((1u128 << n) - 1));
        }
        let bytes = (bits << 48).to_be_bytes();
        bytes[..10].try_into().unwrap()
    }
}

/// A G.729 Annex A decoder (with Annex B DTX/CNG support) for one channel.
///
/// Each call produces 80 samples (10 ms at 8 kHz). All state lives in the
/// struct; any number of decoders may be used independently. A stream made
/// only of speech frames (and erasures) is decoded exactly as by Annex A;
/// SID frames ([`Decoder::decode_sid`]) and untransmitted frames
/// ([`Decoder::decode_untransmitted`]) produce comfort noise (Annex B).
#[derive(Clone, Debug)]
pub struct Decoder {
    /// Past excitation followed by the current frame's excitation.
    exc: [i16; EXC_HIST + L_FRAME],
    lsp_old: [i16; M],
    lsp: LspDequantizer,
    gains: GainDecoder,
    /// Memory of the synthesis filter.
    mem_syn: [i16; M],
    /// Pitch sharpening factor from the last subframe, Q14.
    sharp: i16,
    /// Integer pitch lag used for concealment.
    old_t0: i16,
    /// Seed of the concealment random generator.
    seed: i16,
    /// Last M samples of the previous frame followed by the current synthesis.
    synth: [i16; M + L_FRAME],
    post: PostFilter,
    hp: HighPass,
    /// Annex B comfort-noise state.
    cng: ComfortNoise,
    /// Whether the previous frame was an active (speech) frame.
    past_speech: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder in its initial (reset) state.
    pub fn new() -> Self {
        Self {
            exc: [0; EXC_HIST + L_FRAME],
            lsp_old: LSP_INIT,
            lsp: LspDequantizer::new(),
            gains: GainDecoder::new(),
            mem_syn: [0; M],
            sharp: SHARP_MIN,
            old_t0: 60,
            seed: 21845,
            synth: [0; M + L_FRAME],
            post: PostFilter::new(),
            hp: HighPass::default(),
            cng: ComfortNoise::new(),
            past_speech: true,
        }
    }

    /// Decode one 10-byte speech frame (RFC 3551 bit order).
    pub fn decode(&mut self, frame: &[u8; 10], out: &mut [i16; L_FRAME]) {
        self.decode_params(Some(&FrameParams::unpack(frame)), out);
    }

    /// Produce 80 samples for a lost/erased frame (frame erasure concealment).
    ///
    /// After an active frame this conceals speech; during a DTX pause (after
    /// a SID or untransmitted frame) the comfort noise continues.
    pub fn conceal(&mut self, out: &mut [i16; L_FRAME]) {
        self.decode_params(None, out);
    }

    /// Decode one Annex B SID frame: 15 bits packed MSB first (RFC 3551
    /// order), the 16th (last) bit being padding.
    pub fn decode_sid(&mut self, sid: &[u8; 2], out: &mut [i16; L_FRAME]) {
        self.comfort_noise(Some(&SidParams::unpack(sid)), false, out);
    }

    /// Produce 80 samples for a frame not transmitted in a DTX pause: the
    /// comfort noise of the last SID frame continues.
    pub fn decode_untransmitted(&mut self, out: &mut [i16; L_FRAME]) {
        self.comfort_noise(None, false, out);
    }

    /// Decode from unpacked parameters; `None` is an erased frame.
    pub fn decode_params(&mut self, params: Option<&FrameParams>, out: &mut [i16; L_FRAME]) {
        let bfi = params.is_none();
        if bfi && !self.past_speech {
            // A lost frame during a DTX pause: continue the comfort noise.
            self.comfort_noise(None, true, out);
            return;
        }
        self.cng.seed = CNG_SEED;
        let p = params.copied().unwrap_or_default();

        let lsp_new = self.lsp.decode(p.lsp1, p.lsp2, bfi);
        let lpc = interpolate_lpc(&self.lsp_old, &lsp_new);
        self.lsp_old = lsp_new;

        let bad_pitch = bfi || parity_error(p.pitch1, p.parity);
        let sub = [
            (p.pitch1, p.code1, p.sign1, p.gain1),
            (p.pitch2, p.code2, p.sign2, p.gain2),
        ];
        let mut lags = [0i16; 2];

        for (sf, &(pitch, code_idx, sign_idx, gain_idx)) in sub.iter().enumerate() {
            let start = sf * L_SUBFR;
            let bad = if sf == 0 { bad_pitch } else { bfi };
            let lag = if bad {
                let lag = Lag {
                    int: self.old_t0,
                    frac: 0,
                };
                self.old_t0 = add(self.old_t0, 1).min(PIT_MAX);
                lag
            } else {
                let lag = if sf == 0 {
                    decode_lag_first(pitch as i16)
                } else {
                    decode_lag_second(pitch as i16, lags[0])
                };
                self.old_t0 = lag.int;
                lag
            };
            lags[sf] = lag.int;

            predict_long_term(&mut self.exc, EXC_HIST + start, lag, L_SUBFR);

            let (code_idx, sign_idx) = if bfi {
                let c = self.random() & 0x1fff;
                let s = self.random() & 0x000f;
                (c as u16, s as u16)
            } else {
                (code_idx, sign_idx)
            };
            let mut code = algebraic_vector(code_idx, sign_idx);

            let t0 = lag.int as usize;
            if t0 < L_SUBFR {
                let g = shl(self.sharp, 1);
                for i in t0..L_SUBFR {
                    code[i] = add(code[i], mult(code[i - t0], g));
                }
            }

            if bfi {
                self.gains.conceal();
            } else {
                self.gains.decode(gain_idx, &code);
            }
            let (gp, gc) = (self.gains.pitch, self.gains.code);
            self.sharp = gp.clamp(SHARP_MIN, SHARP_MAX);

            let exc = &mut self.exc[EXC_HIST + start..EXC_HIST + start + L_SUBFR];
            for (e, &c) in exc.iter_mut().zip(&code) {
                let acc = l_mac(l_mult(*e, gp), c, gc);
                *e = round(l_shl(acc, 1));
            }

            let a = &lpc[sf];
            let exc = &self.exc[EXC_HIST + start..EXC_HIST + start + L_SUBFR];
            let syn = &mut self.synth[M + start..M + start + L_SUBFR];
            if synthesis(a, exc, syn, &self.mem_syn) {
                for v in self.exc.iter_mut() {
                    *v = shr(*v, 2);
                }
                let exc = &self.exc[EXC_HIST + start..EXC_HIST + start + L_SUBFR];
                synthesis(a, exc, syn, &self.mem_syn);
            }
            self.mem_syn.copy_from_slice(&syn[L_SUBFR - M..]);
        }

        self.finish_frame(bfi, &lpc, lags, true, out);
        self.past_speech = true;
    }

    /// An inactive frame (Annex B): SID parameters when given, otherwise an
    /// untransmitted frame (`erased` when it was actually lost).
    fn comfort_noise(&mut self, sid: Option<&SidParams>, erased: bool, out: &mut [i16; L_FRAME]) {
        self.cng.update(sid, self.past_speech, &mut self.lsp);
        self.cng.excitation(&mut self.exc, EXC_HIST);

        let lpc = interpolate_lpc(&self.lsp_old, &self.cng.lsp);
        self.lsp_old = self.cng.lsp;

        for (sf, a) in lpc.iter().enumerate() {
            let start = sf * L_SUBFR;
            let exc = &self.exc[EXC_HIST + start..EXC_HIST + start + L_SUBFR];
            let syn = &mut self.synth[M + start..M + start + L_SUBFR];
            if synthesis(a, exc, syn, &self.mem_syn) {
                for v in self.exc.iter_mut() {
                    *v = shr(*v, 2);
                }
                let exc = &self.exc[EXC_HIST + start..EXC_HIST + start + L_SUBFR];
                synthesis(a, exc, syn, &self.mem_syn);
            }
            self.mem_syn.copy_from_slice(&syn[L_SUBFR - M..]);
        }
        self.sharp = SHARP_MIN;

        let lags = [self.old_t0; 2];
        self.finish_frame(erased, &lpc, lags, false, out);
        self.past_speech = false;
    }

    /// Common end of a frame: excitation energy for Annex B, memory shifts,
    /// post-filter and output high-pass.
    fn finish_frame(
        &mut self,
        erased: bool,
        lpc: &[[i16; MP1]; 2],
        lags: [i16; 2],
        active: bool,
        out: &mut [i16; L_FRAME],
    ) {
        if !erased {
            self.cng.store_energy(&self.exc[EXC_HIST..]);
        }
        self.exc.copy_within(L_FRAME.., 0);

        self.post.process(&self.synth, lpc, lags, active, out);
        self.synth.copy_within(L_FRAME.., 0);
        self.hp.process(out);
    }

    /// Pseudo-random generator of the concealment (seed*31821 + 13849).
    fn random(&mut self) -> i16 {
        self.seed = extract_l(l_add(l_shr(l_mult(self.seed, 31821), 1), 13849));
        self.seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_unpack_roundtrip() {
        let p = FrameParams {
            lsp1: 0xA5,
            lsp2: 0x3C7,
            pitch1: 0x81,
            parity: 1,
            code1: 0x1ABC,
            sign1: 0x9,
            gain1: 0x55,
            pitch2: 0x1E,
            code2: 0x0123,
            sign2: 0x6,
            gain2: 0x2A,
        };
        assert_eq!(FrameParams::unpack(&p.pack()), p);
        let first = FrameParams::unpack(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(first.lsp1, 0x80);
        let last = FrameParams::unpack(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]);
        assert_eq!(last.gain2, 1);
    }

    #[test]
    fn decoders_are_independent() {
        let frame = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22];
        let mut a = Decoder::new();
        let mut b = Decoder::new();
        let (mut oa, mut ob) = ([0i16; 80], [0i16; 80]);
        for _ in 0..5 {
            a.decode(&frame, &mut oa);
        }
        for _ in 0..5 {
            b.decode(&frame, &mut ob);
        }
        assert_eq!(oa, ob);
    }

    #[test]
    fn arbitrary_frames_do_not_panic() {
        let mut dec = Decoder::new();
        let mut out = [0i16; 80];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in 0..5000 {
            let mut frame = [0u8; 10];
            for b in frame.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            if n % 7 == 3 {
                dec.conceal(&mut out);
            } else {
                dec.decode(&frame, &mut out);
            }
        }
        for fill in [0x00u8, 0xff] {
            let mut dec = Decoder::new();
            for _ in 0..200 {
                dec.decode(&[fill; 10], &mut out);
            }
        }
    }

    #[test]
    fn dtx_frames_do_not_panic() {
        let mut dec = Decoder::new();
        let mut out = [0i16; 80];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = x.to_le_bytes();
            let mut frame = [b[0] ^ b[6]; 10];
            frame[..8].copy_from_slice(&b);
            match b[7] % 4 {
                0 => dec.decode(&frame, &mut out),
                1 => dec.decode_sid(&[b[1], b[2]], &mut out),
                2 => dec.decode_untransmitted(&mut out),
                _ => dec.conceal(&mut out),
            }
        }
        for fill in [0x00u8, 0xff] {
            let mut dec = Decoder::new();
            for _ in 0..200 {
                dec.decode_sid(&[fill; 2], &mut out);
                dec.decode_untransmitted(&mut out);
            }
        }
    }

    #[test]
    fn erasure_in_a_pause_continues_comfort_noise() {
        // After a SID frame, an erased frame is decoded like an
        // untransmitted one.
        let sid = [0x5a, 0xa4];
        let (mut a, mut b) = (Decoder::new(), Decoder::new());
        let (mut oa, mut ob) = ([0i16; 80], [0i16; 80]);
        a.decode_sid(&sid, &mut oa);
        b.decode_sid(&sid, &mut ob);
        a.conceal(&mut oa);
        b.decode_untransmitted(&mut ob);
        assert_eq!(oa, ob);
        assert!(oa.iter().any(|&s| s != 0));
    }
}
