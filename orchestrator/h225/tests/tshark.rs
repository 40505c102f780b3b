//! The proof that what we send is H.225.0 RAS as others read it: every message kind is sent over real UDP on
//! 127.0.0.1, the datagrams as received are written into a pcap file as IPv4/UDP frames to port 1719 (where
//! Wireshark dissects RAS), and `tshark` must decode every one as H.225 RAS with zero malformed packets and zero
//! expert errors — and show the field values we put in (a clean decode alone proved not enough: TimeToLive 60 once
//! went out as 61 without a complaint).
//!
//! Skipped (with a message) only when tshark is missing and `CI` is not `true`.

use std::net::{Ipv4Addr, UdpSocket};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use council_h225::{RasMessage, decode, encode, samples};

/// Where the frames say they come from and go to: an endpoint's RAS port and the gatekeeper's 1719.
const SRC_PORT: u16 = 1719;
const DST_PORT: u16 = 1719;

fn tshark_available() -> bool {
    let found = Command::new("tshark")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tshark is missing and CI=true: install it (.ci/deps.sh installs tshark)"
        );
        eprintln!(
            "SKIPPED: tshark not installed (apt-get install tshark); the RAS wire check did not run"
        );
    }
    found
}

/// A libpcap file with Ethernet frames carrying IPv4/UDP datagrams.
struct Pcap(Vec<u8>);

impl Pcap {
    fn new() -> Self {
        let mut b = Vec::new();
        b.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // magic, microsecond time stamps
        b.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
        b.extend_from_slice(&4u16.to_le_bytes());
        b.extend_from_slice(&0i32.to_le_bytes()); // GMT offset
        b.extend_from_slice(&0u32.to_le_bytes()); // accuracy
        b.extend_from_slice(&65_535u32.to_le_bytes()); // snap length
        b.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
        Self(b)
    }

    fn udp(&mut self, n: u32, src: (Ipv4Addr, u16), dst: (Ipv4Addr, u16), payload: &[u8]) {
        let udp_len = u16::try_from(8 + payload.len()).expect("datagram fits");
        let ip_len = 20 + udp_len;
        let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0];
        ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
        ip[4..6].copy_from_slice(&u16::try_from(n & 0xffff).unwrap().to_be_bytes());
        ip.extend_from_slice(&src.0.octets());
        ip.extend_from_slice(&dst.0.octets());
        let sum = checksum(&ip, 0);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        let mut udp = Vec::new();
        udp.extend_from_slice(&src.1.to_be_bytes());
        udp.extend_from_slice(&dst.1.to_be_bytes());
        udp.extend_from_slice(&udp_len.to_be_bytes());
        udp.extend_from_slice(&[0, 0]);
        udp.extend_from_slice(payload);
        // UDP checksum over the pseudo header, so that no checksum check can complain either.
        let mut pseudo = Vec::new();
        pseudo.extend_from_slice(&src.0.octets());
        pseudo.extend_from_slice(&dst.0.octets());
        pseudo.extend_from_slice(&[0, 17]);
        pseudo.extend_from_slice(&udp_len.to_be_bytes());
        let partial = sum_words(&pseudo, 0);
        let mut c = checksum(&udp, partial);
        if c == 0 {
            c = 0xffff;
        }
        udp[6..8].copy_from_slice(&c.to_be_bytes());
        let mut frame = vec![0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00];
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&udp);
        let len = u32::try_from(frame.len()).unwrap();
        self.0.extend_from_slice(&(1_700_000_000 + n).to_le_bytes());
        self.0.extend_from_slice(&0u32.to_le_bytes());
        self.0.extend_from_slice(&len.to_le_bytes());
        self.0.extend_from_slice(&len.to_le_bytes());
        self.0.extend_from_slice(&frame);
    }
}

fn sum_words(data: &[u8], mut acc: u32) -> u32 {
    for pair in data.chunks(2) {
        let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        acc += u32::from(word);
    }
    acc
}

fn checksum(data: &[u8], partial: u32) -> u16 {
    let mut acc = sum_words(data, partial);
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(u16::try_from(acc).unwrap())
}

/// Sends each datagram from one loopback socket to another and returns them as received.
fn send_over_udp(datagrams: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let rx = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind receiver");
    rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let tx = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind sender");
    let to = rx.local_addr().unwrap();
    let mut received = Vec::new();
    let mut buf = vec![0u8; 65_535];
    for d in datagrams {
        tx.send_to(d, to).expect("send");
        let (n, from) = rx.recv_from(&mut buf).expect("receive (loopback)");
        assert_eq!(from, tx.local_addr().unwrap());
        received.push(buf[..n].to_vec());
    }
    received
}

fn tshark(file: &Path, args: &[&str]) -> String {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        // cpfi claims UDP 5000/5001 and is noise here; see NOTES.md.
        .args(["--disable-protocol", "cpfi"])
        .args(args)
        .output()
        .expect("run tshark");
    assert!(
        out.status.success(),
        "tshark {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tshark prints UTF-8")
}

fn write_pcap(dir: &Path, messages: &[RasMessage]) -> std::path::PathBuf {
    let datagrams: Vec<Vec<u8>> = messages
        .iter()
        .map(|m| encode(m).expect("encode"))
        .collect();
    let received = send_over_udp(&datagrams);
    assert_eq!(
        received, datagrams,
        "loopback delivered every datagram unchanged"
    );
    let mut pcap = Pcap::new();
    for (i, d) in received.iter().enumerate() {
        // Requests go to the gatekeeper's 1719, replies come from it; either way Wireshark sees RAS.
        let n = u32::try_from(i).unwrap();
        pcap.udp(
            n,
            (Ipv4Addr::new(127, 0, 0, 10), SRC_PORT),
            (Ipv4Addr::new(127, 0, 0, 1), DST_PORT),
            d,
        );
        assert_eq!(&decode(d).expect("we decode what we sent"), &messages[i]);
    }
    let path = dir.join("ras.pcap");
    std::fs::write(&path, &pcap.0).unwrap();
    path
}

#[test]
fn tshark_decodes_every_message_kind_cleanly_with_our_values() {
    if !tshark_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut messages = samples::all();
    messages.push(samples::keep_alive_rrq(2000));
    let file = write_pcap(dir.path(), &messages);
    // Keep the capture for a human when asked to.
    if let Ok(keep) = std::env::var("COUNCIL_H225_KEEP_PCAP") {
        std::fs::copy(&file, keep).unwrap();
    }

    // Zero malformed packets and zero expert errors.
    let bad = tshark(
        &file,
        &["-Y", "_ws.malformed || _ws.expert.severity == error"],
    );
    assert_eq!(
        bad.trim(),
        "",
        "tshark found malformed packets or expert errors:\n{bad}"
    );
    let warnings = tshark(&file, &["-Y", "_ws.expert.severity >= warning"]);
    assert_eq!(warnings.trim(), "", "tshark expert warnings:\n{warnings}");

    // Every packet is RAS, with the choice index and sequence number we sent.
    let rows = tshark(
        &file,
        &[
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "h225.RasMessage",
            "-e",
            "h225.requestSeqNum",
        ],
    );
    let rows: Vec<&str> = rows.lines().collect();
    assert_eq!(rows.len(), messages.len(), "one line per packet");
    for (i, row) in rows.iter().enumerate() {
        let (choice, seq) = row.split_once('|').unwrap();
        let want_choice = if i < 34 {
            if i == 33 { 3 } else { i }
        } else {
            unreachable!()
        };
        assert_eq!(
            choice,
            want_choice.to_string(),
            "packet {i} ({}) choice index",
            messages[i].short_name()
        );
        // An ACF sequence carries two ACFs with the same number.
        let want_seq = messages[i].request_seq_num().unwrap().0.to_string();
        let seqs: Vec<&str> = seq.split(',').collect();
        assert!(
            seqs.iter().all(|s| *s == want_seq),
            "packet {i} ({}) requestSeqNum {seq} != {want_seq}",
            messages[i].short_name()
        );
    }
}
