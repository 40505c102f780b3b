//! A TCP stream of H.225.0 call signalling as a peer could send it: arbitrary bytes cut at arbitrary points into
//! the TPKT deframer, every payload parsed as Q.931. No input may panic; a message that parses must encode and
//! parse back to itself (when every element fits the encoder's length fields).
#![no_main]

use council_q931::{Message, tpkt::Deframer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the piece size, so partial reads are exercised too.
    let Some((&step, stream)) = data.split_first() else {
        return;
    };
    let step = usize::from(step).max(1);
    let mut d = Deframer::new(4096);
    for piece in stream.chunks(step) {
        d.push(piece);
        loop {
            match d.next_payload() {
                Ok(Some(payload)) => {
                    if let Ok(m) = Message::parse(&payload) {
                        let _ = m.cause();
                        let _ = m.called_party_number();
                        let _ = m.calling_party_number();
                        let _ = m.display();
                        if let Ok(bytes) = m.encode() {
                            let back = Message::parse(&bytes).expect("our own encoding parses");
                            // The encoder always writes a two-octet call reference; the rest is the same.
                            assert_eq!(back.ies, m.ies);
                            assert_eq!(back.message_type, m.message_type);
                        }
                    }
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
});
