//! A call-signalling TCP stream from anyone: TPKT deframing, Q.931 parsing and the H.225.0 user-user PDU decoded —
//! no input may panic; a PDU that decodes re-encodes and decodes again to the same value, and its Fast Start
//! elements can be read.
#![no_main]

use council_h225::signalling::{H323UserInformation, build};
use council_q931::{Message, tpkt::Deframer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut deframer = Deframer::new(65_531);
    deframer.push(data);
    while let Ok(Some(payload)) = deframer.next_payload() {
        let Ok(message) = Message::parse(&payload) else {
            continue;
        };
        let Some(uu) = message.user_user() else {
            continue;
        };
        if let Ok(info) = council_h225::decode_value::<H323UserInformation>(uu) {
            let _ = build::fast_start_of(&info);
            let bytes = council_h225::encode_value(&info).expect("a decoded PDU re-encodes");
            let again: H323UserInformation =
                council_h225::decode_value(&bytes).expect("our own encoding decodes");
            assert_eq!(again, info, "re-encoding changed the value");
        }
    }
});
