//! The harness of the H.323 end-to-end tests: `council gatekeeper` on free loopback ports with a configuration and
//! a witness directory, stopped when dropped; and a terminal's RAS side (ask, register, be admitted).

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::council;
use crate::sip::Guard;

/// A running `council gatekeeper`.
pub struct Gatekeeper {
    /// Killed (and reaped) on drop.
    pub guard: Guard,
    pub ras: SocketAddr,
    /// Its H.225.0 call-signalling address.
    pub h225: SocketAddr,
}

impl Gatekeeper {
    /// Starts it with `config` (TOML text, may be empty) in `dir`, which also holds its witness log.
    pub fn start(dir: &Path, config: &str) -> Self {
        let path = dir.join("council.toml");
        std::fs::write(&path, config).unwrap();
        let mut guard = Guard::spawn(
            Command::new(council())
                .args([
                    "gatekeeper",
                    "--media",
                    "echo",
                    "--ras",
                    "127.0.0.1:0",
                    "--h225",
                    "127.0.0.1:0",
                    "--config",
                ])
                .arg(&path)
                .arg("--witness-dir")
                .arg(dir)
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
            "council gatekeeper",
        );
        let mut line = String::new();
        BufReader::new(guard.child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "council gatekeeper: ras udp ADDR h225 ADDR"
        let words: Vec<&str> = line.split_whitespace().collect();
        let parse = |i: usize| -> SocketAddr {
            words
                .get(i)
                .and_then(|w| w.parse().ok())
                .unwrap_or_else(|| panic!("bad ready line {line:?}"))
        };
        Self {
            ras: parse(4),
            h225: parse(6),
            guard,
        }
    }
}

/// A terminal's RAS side on its own UDP socket: every request and answer is kept (for captures).
pub struct RasTerminal {
    pub socket: UdpSocket,
    pub gk: SocketAddr,
    /// Every datagram both ways: (from, to, bytes).
    pub log: Vec<(SocketAddr, SocketAddr, Vec<u8>)>,
}

impl RasTerminal {
    /// A terminal on a free loopback port, talking to the gatekeeper at `gk`.
    pub fn new(gk: SocketAddr) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        Self {
            socket,
            gk,
            log: Vec::new(),
        }
    }

    /// Sends `msg` and returns the answer.
    pub fn ask(&mut self, msg: &council_h225::RasMessage) -> council_h225::RasMessage {
        let bytes = council_h225::encode(msg).unwrap();
        let me = self.socket.local_addr().unwrap();
        self.socket.send_to(&bytes, self.gk).unwrap();
        self.log.push((me, self.gk, bytes));
        let mut buf = [0u8; 4096];
        let (n, from) = self
            .socket
            .recv_from(&mut buf)
            .expect("the gatekeeper answers");
        self.log.push((from, me, buf[..n].to_vec()));
        council_h225::decode(&buf[..n]).unwrap()
    }

    /// Registers as `alias` (call signalling at `cs`) and asks admission of call `call_id` to `destination`;
    /// returns where to send the Setup (the ACF's call-signalling address).
    pub fn admit(
        &mut self,
        alias: &str,
        cs: SocketAddr,
        call_id: [u8; 16],
        destination: &str,
    ) -> SocketAddr {
        use council_h225::{
            AliasAddress, H221NonStandard, RasMessage, RequestSeqNum, TransportAddress,
            VendorIdentifier, builders,
        };
        let me = TransportAddress::from_socket_addr(self.socket.local_addr().unwrap());
        let rrq = builders::registration_request(
            RequestSeqNum::new(1).unwrap(),
            TransportAddress::from_socket_addr(cs),
            me,
            vec![AliasAddress::h323_id(alias).unwrap()],
            VendorIdentifier::new(H221NonStandard::new(181, 0, 21324), "council-test", "1"),
            None,
        );
        let RasMessage::RegistrationConfirm(rcf) = self.ask(&rrq) else {
            panic!("no RCF")
        };
        let arq = builders::admission_request(
            RequestSeqNum::new(2).unwrap(),
            builders::AdmissionAsk {
                endpoint_identifier: rcf.endpoint_identifier,
                destination_info: vec![AliasAddress::h323_id(destination).unwrap()],
                src_info: vec![AliasAddress::h323_id(alias).unwrap()],
                band_width: 160,
                call_reference_value: 1,
                conference_id: call_id,
                call_identifier: call_id,
                answer_call: false,
            },
        );
        let RasMessage::AdmissionConfirm(acf) = self.ask(&arq) else {
            panic!("no ACF")
        };
        acf.dest_call_signal_address
            .to_socket_addr()
            .unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }
}
