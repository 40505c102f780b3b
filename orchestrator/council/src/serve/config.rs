//! `council serve`'s configuration: a TOML file whose every key is optional (the defaults are the embedded
//! demo's), see `config/council.toml` for the documented defaults. Unknown keys are errors, so a typo is never
//! silently ignored.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use council_rtp::Codec;
use council_witness::{Options, SignerKey, WitnessLog, key};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServeConfig {
    pub sip: SipConfig,
    pub media: MediaConfig,
    pub witness: WitnessConfig,
    /// The admission gates every call passes (see `council-gates`).
    pub gates: council_gates::GatesConfig,
    /// The H.323 gatekeeper (`council gatekeeper`).
    pub gatekeeper: council_gatekeeper::GatekeeperConfig,
    /// The H.323 terminal (`council guardian`).
    pub guardian: GuardianConfig,
}

/// `[guardian]`: where `council guardian` listens.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GuardianConfig {
    /// RAS, UDP (default 127.0.0.1:0: any free port).
    pub ras: SocketAddr,
    /// Call signalling, TCP: where calls reach the guardian (default 127.0.0.1:0).
    pub h225: SocketAddr,
}

impl Default for GuardianConfig {
    fn default() -> Self {
        let any = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
        Self {
            ras: any,
            h225: any,
        }
    }
}

impl Default for ServeConfig {
    /// Sized for the echo service `council serve` is until the council exists: 1000 calls, 1 Gbit/s.
    fn default() -> Self {
        let mut gates = council_gates::GatesConfig::default();
        gates.bandwidth.zone_total = 10_000_000;
        gates.capacity.per_endpoint_calls = 1000;
        for c in &mut gates.councils {
            c.seats = 1000;
        }
        Self {
            sip: SipConfig::default(),
            media: MediaConfig::default(),
            witness: WitnessConfig::default(),
            gates,
            gatekeeper: council_gatekeeper::GatekeeperConfig::default(),
            guardian: GuardianConfig::default(),
        }
    }
}

impl ServeConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let config: Self = toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
        config
            .check()
            .with_context(|| format!("{}", path.display()))?;
        Ok(config)
    }

    /// The file's configuration (the defaults without one), with the command line's overrides applied by
    /// `apply`, checked again.
    pub fn load_with(path: Option<&Path>, apply: impl FnOnce(&mut Self)) -> anyhow::Result<Self> {
        let mut config = match path {
            Some(p) => Self::load(p)?,
            None => Self::default(),
        };
        apply(&mut config);
        config.check()?;
        Ok(config)
    }

    /// The ports calls receive RTP on (`[media] rtp-ports`); one per process, shared by SIP and H.323.
    pub fn rtp_ports(&self) -> anyhow::Result<council_media::RtpPorts> {
        match self.media.rtp_ports {
            None => Ok(council_media::RtpPorts::any()),
            Some([first, last]) => council_media::RtpPorts::range(first, last)
                .map_err(|e| anyhow::anyhow!("media.rtp-ports: {e}")),
        }
    }

    /// What serde cannot check.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            (1..=86_400).contains(&self.media.rtp_timeout),
            "media.rtp-timeout must be 1 to 86400 seconds"
        );
        anyhow::ensure!(
            (10..=200).contains(&self.media.ptime),
            "media.ptime must be 10 to 200 ms"
        );
        anyhow::ensure!(!self.media.codecs.is_empty(), "media.codecs is empty");
        self.rtp_ports()?;
        anyhow::ensure!(
            self.sip.tcp_max_connections >= 1 && self.sip.tcp_max_per_source >= 1,
            "sip.tcp-max-connections and sip.tcp-max-per-source must be at least 1"
        );
        anyhow::ensure!(
            (1..=3600).contains(&self.sip.tcp_first_message_timeout),
            "sip.tcp-first-message-timeout must be 1 to 3600 seconds"
        );
        let g = &self.gatekeeper;
        anyhow::ensure!(
            g.min_ttl <= g.default_ttl && g.default_ttl <= g.max_ttl,
            "gatekeeper.default-ttl must lie between min-ttl and max-ttl"
        );
        self.gates.validate()?;
        Ok(())
    }

    /// Opens (or continues) `witness.log` in `witness.dir`, signed with `witness.key` there if it exists.
    /// Returns the log, its path, and the key file's path when there is one.
    pub fn open_witness(&self) -> anyhow::Result<(WitnessLog, PathBuf, Option<PathBuf>)> {
        let dir = &self.witness.dir;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let key_path = dir.join(key::PRIVATE_KEY_FILE);
        let key = if key_path.exists() {
            Some(SignerKey::read(&key_path)?)
        } else {
            None
        };
        let log_path = dir.join("witness.log");
        let signed = key.is_some();
        let log = WitnessLog::open(
            &log_path,
            Options {
                key,
                ..Options::default()
            },
        )?;
        Ok((log, log_path, signed.then_some(key_path)))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SipConfig {
    /// UDP and TCP listening address (default 127.0.0.1:5060).
    pub listen: SocketAddr,
    /// New INVITEs per second one source address may send (default 200; 0: no limit); over it, 503.
    pub invite_rate: u32,
    /// Burst allowance of that limit (default 400).
    pub invite_burst: u32,
    /// `"digest"`: callers authenticate (RFC 8760 SHA-256, MD5) as one of `users`; `"none"` (default): callers
    /// are not authenticated — for a trusted network — and are witnessed as `trusted`.
    pub auth: AuthMode,
    /// Digest realm (default `council`).
    pub realm: String,
    /// Seconds a digest nonce stays fresh (default 300).
    pub nonce_lifetime: u64,
    /// Digest algorithms offered, strongest first (default `["SHA-256", "MD5"]`; RFC 8760). Some clients take
    /// only the first challenge and know no SHA-256 (SIPp 3.6 among them): list `"MD5"` alone for those.
    pub digest_algorithms: Vec<String>,
    /// Who may call with `auth = "digest"`: `[[sip.users]]` tables with `name` and `password`.
    pub users: Vec<User>,
    /// TCP connections open at once, in all (default 1024); more are closed as they come.
    pub tcp_max_connections: usize,
    /// TCP connections open at once from one IP address (default 32).
    pub tcp_max_per_source: usize,
    /// Seconds a TCP connection may stay open without delivering its first SIP message (default 32).
    pub tcp_first_message_timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMode {
    None,
    Digest,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub password: String,
}

impl Default for SipConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 5060),
            invite_rate: 200,
            invite_burst: 400,
            auth: AuthMode::None,
            realm: "council".into(),
            nonce_lifetime: 300,
            digest_algorithms: vec!["SHA-256".into(), "MD5".into()],
            users: Vec::new(),
            tcp_max_connections: 1024,
            tcp_max_per_source: 32,
            tcp_first_message_timeout: 32,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct MediaConfig {
    /// What an answered call gets: `council` (default: a seat in the one council conference) or `echo` (the
    /// caller hears itself; for tests and probes).
    pub mode: MediaMode,
    /// The address RTP is received on and announced in SDP (default 127.0.0.1).
    pub ip: IpAddr,
    /// Codecs accepted, by name (PCMU, PCMA, G729), in our order of preference.
    #[serde(deserialize_with = "codecs")]
    pub codecs: Vec<Codec>,
    /// Packet time we ask for, ms (default 20).
    pub ptime: u32,
    /// Seconds without RTP that end a call (default 30).
    pub rtp_timeout: u64,
    /// `[first, last]`: the UDP ports calls receive RTP on (the even ones; RTCP is announced on the odd one
    /// above), for a firewall that opens just those. Absent (the default): any port the kernel gives.
    pub rtp_ports: Option<[u16; 2]>,
}

/// `[media] mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MediaMode {
    /// Every answered call is a participant of the council: it hears everybody else.
    #[default]
    Council,
    /// Every answered call hears itself.
    Echo,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            mode: MediaMode::default(),
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            codecs: vec![Codec::Pcmu, Codec::Pcma, Codec::G729],
            ptime: 20,
            rtp_timeout: 30,
            rtp_ports: None,
        }
    }
}

fn codecs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Codec>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names
        .iter()
        .map(|n| {
            Codec::from_name(n)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown codec {n:?}")))
        })
        .collect()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WitnessConfig {
    /// Directory of `witness.log` (and `witness.key`, which signs its checkpoints when present).
    pub dir: PathBuf,
}

impl Default for WitnessConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("council-witness"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_defaults_are_the_defaults() {
        let text = include_str!("../../../../config/council.toml");
        let c: ServeConfig = toml::from_str(text).unwrap();
        let d = ServeConfig::default();
        assert_eq!(
            (c.sip.auth, &c.sip.realm, c.sip.nonce_lifetime),
            (d.sip.auth, &d.sip.realm, d.sip.nonce_lifetime)
        );
        assert!(c.sip.users.is_empty());
        assert_eq!(c.sip.digest_algorithms, d.sip.digest_algorithms);
        assert_eq!(c.gates.councils.len(), d.gates.councils.len());
        assert_eq!(
            c.gates.bandwidth.per_call_max,
            d.gates.bandwidth.per_call_max
        );
        assert_eq!(c.gates.bandwidth.zone_total, d.gates.bandwidth.zone_total);
        assert_eq!(
            c.gates.capacity.per_endpoint_calls,
            d.gates.capacity.per_endpoint_calls
        );
        assert_eq!(c.gates.councils[0].seats, d.gates.councils[0].seats);
        let (g, h) = (&c.gatekeeper, &d.gatekeeper);
        assert_eq!(
            (g.ras, g.h225, &g.identifier),
            (h.ras, h.h225, &h.identifier)
        );
        assert_eq!(
            (g.default_ttl, g.min_ttl, g.max_ttl, g.max_registrations),
            (h.default_ttl, h.min_ttl, h.max_ttl, h.max_registrations)
        );
        assert!(g.alternates.is_empty());
        assert_eq!(
            (c.guardian.ras, c.guardian.h225),
            (d.guardian.ras, d.guardian.h225)
        );
        assert_eq!(c.sip.listen, d.sip.listen);
        assert_eq!(
            (
                c.sip.tcp_max_connections,
                c.sip.tcp_max_per_source,
                c.sip.tcp_first_message_timeout
            ),
            (
                d.sip.tcp_max_connections,
                d.sip.tcp_max_per_source,
                d.sip.tcp_first_message_timeout
            )
        );
        assert_eq!(
            (c.sip.invite_rate, c.sip.invite_burst),
            (d.sip.invite_rate, d.sip.invite_burst)
        );
        assert_eq!(c.media.codecs, d.media.codecs);
        assert_eq!(
            (
                c.media.mode,
                c.media.ip,
                c.media.ptime,
                c.media.rtp_timeout,
                c.media.rtp_ports
            ),
            (
                d.media.mode,
                d.media.ip,
                d.media.ptime,
                d.media.rtp_timeout,
                d.media.rtp_ports
            )
        );
        assert_eq!(c.witness.dir, d.witness.dir);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let mut c = ServeConfig::default();
        assert!(c.check().is_ok());
        c.media.rtp_timeout = 0;
        assert!(c.check().unwrap_err().to_string().contains("rtp-timeout"));
        c.media.rtp_timeout = 30;
        c.media.ptime = 5;
        assert!(c.check().unwrap_err().to_string().contains("ptime"));
        c.media.ptime = 20;
        c.media.rtp_ports = Some([30001, 30002]);
        let err = c.check().unwrap_err().to_string();
        assert!(
            err.contains("media.rtp-ports") && err.contains("30001-30002"),
            "{err}"
        );
        c.media.rtp_ports = Some([30000, 30001]);
        assert!(c.check().is_ok());
        c.media.rtp_ports = None;
        c.gatekeeper.default_ttl = 0;
        assert!(c.check().unwrap_err().to_string().contains("default-ttl"));
    }

    #[test]
    fn typos_and_bad_values_are_errors() {
        assert!(toml::from_str::<ServeConfig>("[sip]\nlisten = \"nonsense\"\n").is_err());
        let e = toml::from_str::<ServeConfig>("[sip]\nlisen = \"127.0.0.1:5060\"\n").unwrap_err();
        assert!(e.to_string().contains("lisen"), "{e}");
        let e = toml::from_str::<ServeConfig>("[media]\ncodecs = [\"opus\"]\n").unwrap_err();
        assert!(e.to_string().contains("unknown codec"), "{e}");
    }
}
