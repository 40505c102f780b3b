//! The harness of the H.323 end-to-end tests: `council gatekeeper` on free loopback ports with a configuration and
//! a witness directory, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
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
