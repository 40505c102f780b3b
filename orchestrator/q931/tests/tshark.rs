//! Wireshark's verdict on our Q.931: a call's messages, framed by TPKT on a TCP connection to port 1720 (where
//! Wireshark dissects H.225.0 call signalling), must decode with no malformed packet and no expert error, and
//! with the field values we meant.

use std::net::Ipv4Addr;

use council_q931::ie::{self, BEARER_SPEECH};
use council_q931::{CallReference, Cause, Message, MessageType, PartyNumber, tpkt};
use council_tshark::{Pcap, Tshark};

fn framed(m: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    tpkt::encode(&m.encode().unwrap(), &mut out).unwrap();
    out
}

#[test]
fn a_call_decodes_cleanly_with_our_values() {
    if !council_tshark::available() {
        return;
    }
    let cr = CallReference::originating(0x2a5);
    let mut setup = Message::new(MessageType::Setup, cr);
    setup
        .set(ie::BEARER_CAPABILITY, BEARER_SPEECH)
        .set_display("Guardian One")
        .set_calling_party_number(&PartyNumber::e164("1001"))
        .set_called_party_number(&PartyNumber::e164("2002"))
        .set(ie::SENDING_COMPLETE, Vec::new());
    let proceeding = Message::new(MessageType::CallProceeding, cr.reply());
    let alerting = Message::new(MessageType::Alerting, cr.reply());
    let mut connect = Message::new(MessageType::Connect, cr.reply());
    connect.set_display("Council");
    let mut release = Message::new(MessageType::ReleaseComplete, cr);
    release.set_cause(Cause::user(Cause::NORMAL_CLEARING));

    let client = (Ipv4Addr::LOCALHOST, 41000);
    let server = (Ipv4Addr::LOCALHOST, 1720);
    let mut pcap = Pcap::new();
    pcap.tcp_open(client, server);
    pcap.tcp_data(client, server, true, &framed(&setup));
    // Two messages in one segment, as a peer may send them.
    let mut both = framed(&proceeding);
    both.extend(framed(&alerting));
    pcap.tcp_data(client, server, false, &both);
    pcap.tcp_data(client, server, false, &framed(&connect));
    pcap.tcp_data(client, server, true, &framed(&release));

    let dir = tempfile::tempdir().unwrap();
    let t = Tshark::new(&pcap, dir.path());
    assert_eq!(t.problems(), "", "{}", t.summary());
    let rows = t.fields(
        "q931",
        &[
            "q931.message_type",
            "q931.call_ref_flag",
            "q931.call_ref",
            "q931.cause_value",
        ],
    );
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["0x05", "0", "02a5", ""],
            vec!["0x02,0x01", "1,1", "02a5,02a5", ""],
            vec!["0x07", "1", "02a5", ""],
            vec!["0x5a", "0", "02a5", "16"],
        ],
        "{}",
        t.summary()
    );
    let setup_fields = t.fields(
        "q931.message_type == 5",
        &[
            "q931.display_information",
            "q931.calling_party_number.digits",
            "q931.called_party_number.digits",
        ],
    );
    assert_eq!(setup_fields, [vec!["Guardian One", "1001", "2002"]]);
}
