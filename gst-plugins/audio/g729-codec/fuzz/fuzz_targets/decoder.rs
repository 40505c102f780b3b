//! Arbitrary bytes -> a stream of speech frames, SID frames, erasures and
//! untransmitted (DTX) frames -> one `g729::Decoder`. Must never panic.
//!
//! Input layout: a sequence of records, each a control byte followed by its
//! payload. The low 2 bits of the control byte pick the frame kind:
//! 0 = speech (10 payload bytes), 1 = SID (2 payload bytes),
//! 2 = erased (`conceal`), 3 = untransmitted (`decode_untransmitted`).
//! Bit 2 set on a speech record flips it to an erasure when the payload is
//! short, so truncated inputs still exercise concealment.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut dec = g729::Decoder::new();
    let mut pcm = [0i16; g729::FRAME_SAMPLES];
    let mut rest = data;
    while let Some((&ctl, tail)) = rest.split_first() {
        rest = tail;
        match ctl & 3 {
            0 => {
                if rest.len() >= 10 {
                    let frame: [u8; 10] = rest[..10].try_into().unwrap();
                    rest = &rest[10..];
                    dec.decode(&frame, &mut pcm);
                } else {
                    if ctl & 4 != 0 {
                        dec.conceal(&mut pcm);
                    }
                    break;
                }
            }
            1 => {
                if rest.len() >= 2 {
                    let sid = [rest[0], rest[1]];
                    rest = &rest[2..];
                    dec.decode_sid(&sid, &mut pcm);
                } else {
                    break;
                }
            }
            2 => dec.conceal(&mut pcm),
            _ => dec.decode_untransmitted(&mut pcm),
        }
    }
});
