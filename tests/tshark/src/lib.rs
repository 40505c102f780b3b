//! Test support for protocol crates: proof by Wireshark that our bytes are what they claim to be.
//!
//! [`Pcap`] writes a classic pcap file of IPv4 packets between loopback addresses — UDP datagrams, or the
//! segments of one TCP connection with consistent sequence numbers — without any socket, so tests stay parallel
//! and nothing leaves the machine. [`Tshark`] runs `tshark -r` on it and returns its verdict: packets that are
//! malformed or carry expert errors, and field values (`-T fields`), since a clean decode alone proves little.

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A pcap file being written (link type: raw IPv4, so no Ethernet header is needed).
pub struct Pcap {
    bytes: Vec<u8>,
    /// Microseconds since the epoch of the next packet; each packet is 1 ms after the previous.
    time_us: u64,
    /// Next sequence number per direction of the TCP connection: (client → server, server → client).
    tcp_seq: (u32, u32),
    ip_id: u16,
}

/// LINKTYPE_IPV4 (228): each record is a bare IPv4 packet.
const LINKTYPE_IPV4: u32 = 228;

impl Default for Pcap {
    fn default() -> Self {
        Self::new()
    }
}

impl Pcap {
    pub fn new() -> Self {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&4u16.to_le_bytes());
        bytes.extend_from_slice(&0i32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&65535u32.to_le_bytes());
        bytes.extend_from_slice(&LINKTYPE_IPV4.to_le_bytes());
        Self {
            bytes,
            time_us: 1_764_590_400_000_000,
            tcp_seq: (1000, 5000),
            ip_id: 1,
        }
    }

    fn record(&mut self, packet: &[u8]) {
        let (s, us) = (self.time_us / 1_000_000, self.time_us % 1_000_000);
        self.bytes.extend_from_slice(&(s as u32).to_le_bytes());
        self.bytes.extend_from_slice(&(us as u32).to_le_bytes());
        self.bytes
            .extend_from_slice(&(packet.len() as u32).to_le_bytes());
        self.bytes
            .extend_from_slice(&(packet.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(packet);
        self.time_us += 1000;
    }

    fn ipv4(&mut self, protocol: u8, src: Ipv4Addr, dst: Ipv4Addr, payload: &[u8]) -> Vec<u8> {
        let total = 20 + payload.len();
        assert!(total <= 65535, "IPv4 packet too long");
        let mut h = vec![0x45, 0];
        h.extend_from_slice(&(total as u16).to_be_bytes());
        h.extend_from_slice(&self.ip_id.to_be_bytes());
        h.extend_from_slice(&[0x40, 0, 64, protocol, 0, 0]);
        h.extend_from_slice(&src.octets());
        h.extend_from_slice(&dst.octets());
        let sum = checksum(&h, 0);
        h[10..12].copy_from_slice(&sum.to_be_bytes());
        self.ip_id = self.ip_id.wrapping_add(1);
        h.extend_from_slice(payload);
        h
    }

    /// One UDP datagram (with a correct checksum).
    pub fn udp(&mut self, src: (Ipv4Addr, u16), dst: (Ipv4Addr, u16), payload: &[u8]) -> &mut Self {
        let len = 8 + payload.len();
        let mut u = Vec::with_capacity(len);
        u.extend_from_slice(&src.1.to_be_bytes());
        u.extend_from_slice(&dst.1.to_be_bytes());
        u.extend_from_slice(&(len as u16).to_be_bytes());
        u.extend_from_slice(&[0, 0]);
        u.extend_from_slice(payload);
        let sum = checksum(&u, pseudo_header_sum(src.0, dst.0, 17, len));
        let sum = if sum == 0 { 0xffff } else { sum };
        u[6..8].copy_from_slice(&sum.to_be_bytes());
        let p = self.ipv4(17, src.0, dst.0, &u);
        self.record(&p);
        self
    }

    /// The three-way handshake of the one TCP connection this file holds, `client` → `server`.
    pub fn tcp_open(&mut self, client: (Ipv4Addr, u16), server: (Ipv4Addr, u16)) -> &mut Self {
        self.tcp_segment(client, server, 0x02, &[], true);
        self.tcp_segment(server, client, 0x12, &[], false);
        self.tcp_segment(client, server, 0x10, &[], true);
        self
    }

    /// A data segment of that connection (PSH|ACK); `from_client` picks the direction.
    pub fn tcp_data(
        &mut self,
        client: (Ipv4Addr, u16),
        server: (Ipv4Addr, u16),
        from_client: bool,
        payload: &[u8],
    ) -> &mut Self {
        let (src, dst) = if from_client {
            (client, server)
        } else {
            (server, client)
        };
        self.tcp_segment(src, dst, 0x18, payload, from_client)
    }

    fn tcp_segment(
        &mut self,
        src: (Ipv4Addr, u16),
        dst: (Ipv4Addr, u16),
        flags: u8,
        payload: &[u8],
        from_client: bool,
    ) -> &mut Self {
        let (seq, ack) = if from_client {
            (self.tcp_seq.0, self.tcp_seq.1)
        } else {
            (self.tcp_seq.1, self.tcp_seq.0)
        };
        let mut t = Vec::with_capacity(20 + payload.len());
        t.extend_from_slice(&src.1.to_be_bytes());
        t.extend_from_slice(&dst.1.to_be_bytes());
        t.extend_from_slice(&seq.to_be_bytes());
        // The first SYN acknowledges nothing.
        let ack = if flags == 0x02 { 0 } else { ack };
        t.extend_from_slice(&ack.to_be_bytes());
        t.push(5 << 4);
        t.push(flags);
        t.extend_from_slice(&65535u16.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(payload);
        let sum = checksum(&t, pseudo_header_sum(src.0, dst.0, 6, t.len()));
        t[16..18].copy_from_slice(&sum.to_be_bytes());
        // SYN and FIN take one sequence number, data its length.
        let used = payload.len() as u32 + u32::from(flags & 0x03 != 0);
        if from_client {
            self.tcp_seq.0 = self.tcp_seq.0.wrapping_add(used);
        } else {
            self.tcp_seq.1 = self.tcp_seq.1.wrapping_add(used);
        }
        let p = self.ipv4(6, src.0, dst.0, &t);
        self.record(&p);
        self
    }

    /// Writes the file.
    pub fn write(&self, path: &Path) {
        let mut f = std::fs::File::create(path).expect("create pcap");
        f.write_all(&self.bytes).expect("write pcap");
    }
}

fn pseudo_header_sum(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, len: usize) -> u32 {
    let mut p = Vec::with_capacity(12);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&[0, protocol]);
    p.extend_from_slice(&(len as u16).to_be_bytes());
    sum16(&p, 0)
}

fn sum16(data: &[u8], mut acc: u32) -> u32 {
    for pair in data.chunks(2) {
        let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        acc += u32::from(word);
    }
    acc
}

/// The Internet checksum (RFC 1071) of `data`, starting from `initial` (a pseudo-header's sum).
fn checksum(data: &[u8], initial: u32) -> u16 {
    let mut acc = sum16(data, initial);
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// tshark on a pcap file.
pub struct Tshark {
    file: PathBuf,
    /// Extra options, e.g. `-d udp.port==4000,h225.ras` to decode a port as a protocol.
    options: Vec<String>,
}

/// Whether tshark is installed. Tests that need it skip (with a message) when it is not, except under CI
/// (`CI=true`), where `.ci/deps.sh` installs it and its absence is a failure.
pub fn available() -> bool {
    let ok = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("CI").as_deref() == Ok("true") {
        panic!("tshark is not installed, but CI must run this test (.ci/deps.sh installs it)");
    }
    if !ok {
        eprintln!("tshark is not installed: skipping (apt-get install tshark)");
    }
    ok
}

impl Tshark {
    /// Writes `pcap` into `dir` and prepares to read it.
    pub fn new(pcap: &Pcap, dir: &Path) -> Self {
        let file = dir.join("capture.pcap");
        pcap.write(&file);
        Self {
            file,
            options: Vec::new(),
        }
    }

    pub fn option(mut self, o: &str) -> Self {
        self.options.push(o.to_owned());
        self
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tshark")
            // A private, empty configuration: the user's preferences must not change the verdict.
            .env(
                "WIRESHARK_CONFIG_DIR",
                self.file.parent().expect("file in dir"),
            )
            .arg("-r")
            .arg(&self.file)
            .args(&self.options)
            .args(args)
            .output()
            .expect("run tshark");
        assert!(
            out.status.success(),
            "tshark {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// One line per packet (tshark's summary), for messages.
    pub fn summary(&self) -> String {
        self.run(&[])
    }

    /// The summaries of packets that are malformed or carry an expert error: empty is the verdict we want.
    pub fn problems(&self) -> String {
        // cpfi (a heuristic for UDP 5000/5001) claims unrelated packets; it has no place in our captures.
        self.run(&[
            "--disable-protocol",
            "cpfi",
            "-Y",
            "_ws.malformed || _ws.expert.severity == error",
        ])
    }

    /// The values of `fields` for every packet matching `filter`, one `Vec` per packet (tshark's `-T fields`,
    /// tab separated; several occurrences of a field in a packet are comma separated).
    pub fn fields(&self, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
        let mut args = vec!["-Y", filter, "-T", "fields"];
        for f in fields {
            args.push("-e");
            args.push(f);
        }
        self.run(&args)
            .lines()
            .map(|l| l.split('\t').map(str::to_owned).collect())
            .collect()
    }

    /// The protocol stack of every packet (`frame.protocols`), e.g. `raw:ip:tcp:tpkt:q931`.
    pub fn protocols(&self) -> Vec<String> {
        self.fields("frame", &["frame.protocols"])
            .into_iter()
            .map(|mut v| v.remove(0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        // RFC 1071's example words: 0x0001 f203 f4f5 f6f7 sum to 0xddf2 (folded); the checksum is its complement.
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7], 0),
            !0xddf2
        );
    }

    #[test]
    fn tshark_reads_our_udp_and_tcp_without_complaint() {
        if !available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let a = (Ipv4Addr::LOCALHOST, 40000);
        let b = (Ipv4Addr::new(127, 0, 0, 2), 40001);
        let mut p = Pcap::new();
        p.udp(a, b, b"hello")
            .tcp_open(a, b)
            .tcp_data(a, b, true, b"ping")
            .tcp_data(a, b, false, b"pong");
        let t = Tshark::new(&p, dir.path())
            .option("-o")
            .option("tcp.check_checksum:TRUE")
            .option("-o")
            .option("udp.check_checksum:TRUE");
        assert_eq!(t.problems(), "");
        let bad = t.fields(
            "tcp.checksum.status == 0 || udp.checksum.status == 0",
            &["frame.number"],
        );
        assert!(bad.is_empty(), "bad checksums in frames {bad:?}");
        let protos = t.protocols();
        assert_eq!(protos.len(), 6);
        assert!(protos[0].ends_with("ip:udp:data"), "{protos:?}");
        assert!(protos[4].ends_with("ip:tcp:data"), "{protos:?}");
        let seq = t.fields(
            "tcp.len > 0",
            &["tcp.seq_raw", "tcp.ack_raw", "tcp.analysis.flags"],
        );
        assert_eq!(seq, [vec!["1001", "5001", ""], vec!["5001", "1005", ""]]);
    }
}
