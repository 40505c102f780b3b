//! Shared by the tests that check our encodings with tshark: a pcap writer and a tshark runner.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether tshark can run; when it cannot, a skip message — or, with `CI=true`, a failure.
pub fn tshark_available() -> bool {
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
pub struct Pcap(pub Vec<u8>);

impl Pcap {
    pub fn new() -> Self {
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

    pub fn udp(&mut self, n: u32, src: (Ipv4Addr, u16), dst: (Ipv4Addr, u16), payload: &[u8]) {
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

/// Runs tshark on a capture with extra arguments and returns what it printed.
pub fn tshark(file: &Path, args: &[&str]) -> String {
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

/// Writes a capture of `datagrams`, each an IPv4/UDP frame from 127.0.0.10:1719 to 127.0.0.1:1719 (RAS).
pub fn write_ras_pcap(path: &Path, datagrams: &[Vec<u8>]) -> PathBuf {
    let mut pcap = Pcap::new();
    for (i, d) in datagrams.iter().enumerate() {
        let n = u32::try_from(i).unwrap();
        pcap.udp(
            n,
            (Ipv4Addr::new(127, 0, 0, 10), 1719),
            (Ipv4Addr::new(127, 0, 0, 1), 1719),
            d,
        );
    }
    std::fs::write(path, &pcap.0).unwrap();
    path.to_path_buf()
}

/// Asserts that tshark finds no malformed packet, no expert error and no expert warning.
pub fn assert_clean(file: &Path) {
    let bad = tshark(
        file,
        &["-Y", "_ws.malformed || _ws.expert.severity == error"],
    );
    assert_eq!(
        bad.trim(),
        "",
        "tshark found malformed packets or expert errors:\n{bad}"
    );
    let warnings = tshark(file, &["-Y", "_ws.expert.severity >= warning"]);
    assert_eq!(warnings.trim(), "", "tshark expert warnings:\n{warnings}");
}

/// One field of every packet, as tshark prints it (one line per packet; several values joined by commas).
pub fn field(file: &Path, name: &str) -> Vec<String> {
    tshark(file, &["-T", "fields", "-e", name])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Several fields of every packet: one row per packet, one column per name.
pub fn fields(file: &Path, names: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["-T", "fields", "-E", "separator=/t"];
    for n in names {
        args.extend(["-e", n]);
    }
    tshark(file, &args)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}
