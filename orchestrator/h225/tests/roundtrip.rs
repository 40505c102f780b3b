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
    // An RAI with a T.38 capability and an ARQ with QoS capabilities: H.245 types we keep as raw bits.
    let RasMessage::ResourcesAvailableIndicate(mut rai) = samples::all()[26].clone() else {
        panic!()
    };
    let t38 = RawOpenType::from_bytes(&[0xAA, 0x55]);
    rai.protocols
        .push(council_h225::SupportedProtocols::T38FaxAnnexbOnly(
            t38.clone(),
        ));
    let RasMessage::ResourcesAvailableIndicate(back) =
        round_trip(&RasMessage::ResourcesAvailableIndicate(rai))
    else {
        panic!()
    };
    assert_eq!(
        back.protocols.last(),
        Some(&council_h225::SupportedProtocols::T38FaxAnnexbOnly(t38))
    );
    let RasMessage::AdmissionRequest(arq) = round_trip(&samples::all()[9]) else {
        panic!()
    };
    assert_eq!(
        arq.transport_qos,
        Some(council_h225::TransportQos::QosCapabilities(
            RawOpenType::from_bytes(&[0, 0])
        ))
    );
}

#[test]
fn every_call_signalling_body_round_trips() {
    use council_h225::signalling::{H323MessageBody, H323UserInformation, UserData};
    let pdus = samples::uu_pdus();
    assert_eq!(
        pdus.len(),
        13,
        "7 root and 6 extension alternatives of h323-message-body"
    );
    for (i, pdu) in pdus.into_iter().enumerate() {
        let mut info = H323UserInformation::new(pdu);
        if i == 0 {
            info.user_data = Some(UserData::new(5, b"council"));
        }
        let bytes = council_h225::encode_value(&info).unwrap();
        let back: H323UserInformation = council_h225::decode_value(&bytes).unwrap();
        assert_eq!(back, info);
    }
    // In an IRR, as an endpoint reports a call's PDUs to its gatekeeper.
    let RasMessage::InfoRequestResponse(irr) = round_trip(&samples::all()[22]) else {
        panic!()
    };
    let pdus = irr.per_call_info.unwrap()[0].pdu.clone().unwrap();
    assert_eq!(pdus.len(), 13);
    let H323MessageBody::Setup(setup) = &pdus[0].h323pdu.h323_message_body else {
        panic!()
    };
    assert!(pdus[0].sent);
    assert_eq!(setup.hop_count, Some(31));
    assert!(setup.fast_start.is_none());

    // Fast Start: the OpenLogicalChannel octets travel untouched.
    let mut pdu = samples::uu_pdus().swap_remove(0);
    if let H323MessageBody::Setup(setup) = &mut pdu.h323_message_body {
        setup.fast_start = Some(vec![
            vec![0x00, 0x00, 0x00, 0x0c].into(),
            vec![0x40, 0x01].into(),
        ]);
    }
    let info = H323UserInformation::new(pdu);
    let back: H323UserInformation =
        council_h225::decode_value(&council_h225::encode_value(&info).unwrap()).unwrap();
    assert_eq!(back, info);
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
