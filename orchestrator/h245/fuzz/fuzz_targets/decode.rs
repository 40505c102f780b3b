//! Arbitrary bytes as a peer could send them: as one H.245 PDU (MultimediaSystemControlMessage), as one Fast
//! Start element (a bare OpenLogicalChannel), and cut into Fast Start elements to answer and to read as an
//! answer. No input may panic; a value that decodes must encode, and its encoding must decode to the same value
//! (values, not bytes, are compared: rasn writes whole extension bitmaps where another encoder may trim them).
#![no_main]

use council_h245::{
    decode, decode_olc, encode, encode_olc, fast_start_accepted, fast_start_answer,
    parse_fast_start,
};
use council_rtp::Codec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = decode(data) {
        let bytes = encode(&m).expect("a decoded message encodes");
        assert_eq!(decode(&bytes).expect("our encoding decodes"), m);
    }
    if let Ok(olc) = decode_olc(data) {
        let bytes = encode_olc(&olc).expect("a decoded OpenLogicalChannel encodes");
        assert_eq!(decode_olc(&bytes).expect("our encoding decodes"), olc);
    }
    // The same bytes cut into Fast Start elements at each 0xee (any split will do to reach the answer code).
    let elements: Vec<Vec<u8>> = data.split(|&b| b == 0xee).map(<[u8]>::to_vec).collect();
    let _ = parse_fast_start(&elements);
    let _ = fast_start_accepted(&elements);
    let rtp = "192.0.2.1:10000".parse().unwrap();
    let rtcp = "192.0.2.1:10001".parse().unwrap();
    if let Ok((answer, _)) = fast_start_answer(
        &elements,
        &[Codec::G729, Codec::Pcmu, Codec::Pcma],
        rtp,
        rtcp,
    ) {
        for element in answer {
            decode_olc(&element).expect("our answer decodes");
        }
    }
});
