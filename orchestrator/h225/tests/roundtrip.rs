//! Every message kind encodes and decodes back to the same value (values are compared, not bytes: rasn writes the
//! full extension bitmap where other stacks trim it, pitfall 3).

use council_h225::{RasMessage, decode, encode, samples};

#[test]
fn every_sample_round_trips() {
    let all = samples::all();
    assert_eq!(
        all.len(),
        33,
        "25 root alternatives and 8 extension alternatives"
    );
    for (i, m) in all.iter().enumerate() {
        let bytes = encode(m).unwrap_or_else(|e| panic!("{} ({i}) encode: {e}", m.short_name()));
        let back = decode(&bytes)
            .unwrap_or_else(|e| panic!("{} ({i}) decode: {e}; {bytes:02x?}", m.short_name()));
        assert_eq!(&back, m, "{} ({i})", m.short_name());
        assert_eq!(
            back.request_seq_num().map(|s| s.0),
            Some(samples::SEQ_BASE + i as u16)
        );
    }
}

#[test]
fn keep_alive_rrq_round_trips() {
    let m = samples::keep_alive_rrq(77);
    let back = decode(&encode(&m).unwrap()).unwrap();
    let RasMessage::RegistrationRequest(r) = back else {
        panic!("not an RRQ: {back:?}")
    };
    assert_eq!(r.keep_alive, Some(true));
    assert_eq!(r.time_to_live.map(|t| t.0), Some(samples::TIME_TO_LIVE));
    assert_eq!(
        r.endpoint_identifier.map(|e| e.to_string()).as_deref(),
        Some(samples::ENDPOINT_ID)
    );
    assert_eq!(r.terminal_alias, None);
}
