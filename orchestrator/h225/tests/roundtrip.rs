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

fn round_trip(m: &RasMessage) -> RasMessage {
    let back = decode(&encode(m).expect("encode")).expect("decode");
    assert_eq!(&back, m);
    back
}

#[test]
fn every_crypto_token_alternative_round_trips() {
    let RasMessage::GatekeeperRequest(mut grq) = samples::all()[0].clone() else {
        panic!()
    };
    let tokens: Vec<_> = samples::crypto_tokens()
        .into_iter()
        .chain(samples::more_crypto_tokens())
        .collect();
    assert_eq!(
        tokens.len(),
        11,
        "all 8 CryptoH323Token alternatives and all 4 nested CryptoToken ones"
    );
    grq.crypto_tokens = Some(tokens.clone());
    let RasMessage::GatekeeperRequest(back) = round_trip(&RasMessage::GatekeeperRequest(grq))
    else {
        panic!()
    };
    assert_eq!(back.crypto_tokens, Some(tokens));
}

#[test]
fn every_alias_kind_round_trips() {
    let mut aliases = vec![
        council_h225::AliasAddress::h323_id("guardian-ü").unwrap(),
        council_h225::AliasAddress::dialled_digits("0123456789#*,").unwrap(),
        council_h225::AliasAddress::url_id("h323:x@y").unwrap(),
        council_h225::AliasAddress::email_id("x@y.example").unwrap(),
    ];
    aliases.extend(samples::other_aliases());
    let m = council_h225::builders::location_confirm(
        council_h225::RequestSeqNum(9),
        council_h225::TransportAddress::from_socket_addr("[::1]:1720".parse().unwrap()),
        council_h225::TransportAddress::from_socket_addr("10.0.0.1:1719".parse().unwrap()),
        aliases.clone(),
    );
    let RasMessage::LocationConfirm(back) = round_trip(&m) else {
        panic!()
    };
    assert_eq!(back.destination_info, Some(aliases));
    assert_eq!(
        back.call_signal_address.to_socket_addr(),
        Some("[::1]:1720".parse().unwrap())
    );
    assert_eq!(
        back.destination_info.unwrap()[0].as_text().as_deref(),
        Some("guardian-ü")
    );
}

#[test]
fn untyped_open_types_are_kept_bit_for_bit() {
    use council_h225::raw::RawOpenType;
    // An IRR whose per-call info carries call-signalling PDUs (kept raw), and an RAI with a T.38 capability (raw).
    let RasMessage::InfoRequestResponse(mut irr) = samples::all()[22].clone() else {
        panic!()
    };
    let pdu = RawOpenType::from_bytes(&[0x01, 0x02, 0x03, 0xF0]);
    irr.per_call_info.as_mut().unwrap()[0].pdu = Some(pdu.clone());
    let RasMessage::InfoRequestResponse(back) = round_trip(&RasMessage::InfoRequestResponse(irr))
    else {
        panic!()
    };
    assert_eq!(
        back.per_call_info.unwrap()[0]
            .pdu
            .as_ref()
            .map(RawOpenType::to_bytes),
        Some(pdu.to_bytes())
    );

    let RasMessage::ResourcesAvailableIndicate(mut rai) = samples::all()[26].clone() else {
        panic!()
    };
    rai.protocols
        .push(council_h225::SupportedProtocols::T38FaxAnnexbOnly(
            RawOpenType::from_bytes(&[0xAA, 0x55]),
        ));
    round_trip(&RasMessage::ResourcesAvailableIndicate(rai));
}

#[test]
fn builders_fill_what_later_versions_made_mandatory() {
    let m = samples::all()[10].clone();
    let RasMessage::AdmissionConfirm(acf) = round_trip(&m) else {
        panic!()
    };
    assert_eq!(acf.will_respond_to_irr, Some(false));
    assert!(
        acf.uuies_requested
            .is_some_and(|u| u.status == Some(false) && !u.setup)
    );
    assert_eq!(acf.band_width, samples::BANDWIDTH);
    let RasMessage::RegistrationConfirm(rcf) = round_trip(&samples::all()[4]) else {
        panic!()
    };
    assert_eq!(rcf.maintain_connection, Some(false));
    assert_eq!(rcf.alternate_gatekeeper.as_ref().map(Vec::len), Some(2));
    assert_eq!(rcf.endpoint_identifier.to_string(), samples::ENDPOINT_ID);
    assert_eq!(
        rcf.gatekeeper_identifier.map(|g| g.to_string()).as_deref(),
        Some(samples::GATEKEEPER_ID)
    );
}
