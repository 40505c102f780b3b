//! `council demo`: the main job — a live council, all real, on loopback and the embedded defaults.
//!
//! It starts the daemon (`council run`: gatekeeper, SIP and the council conference in one process, its witness
//! log signed with the demo's key), then the council meets: two guardians (`council guardian`: H.323 terminals that
//! register with the gatekeeper, are admitted through its gates and call the council with Fast Start, speaking
//! G.729) and an outside expert bridged in over SIP (`council call --tone`, speaking PCMU). Each sends its own tone
//! and records what it hears. Then the daemon stops, and the demo shows who heard whom — everybody must hear
//! everybody else and never themselves, across G.711 ↔ G.729 — and verifies the witness log. Every program is
//! this binary, run as a user would run it. Run it again and the log continues.

use std::io::{BufRead, BufReader, Read as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use council_witness::{SignerKey, Verifier, VerifyOptions, key, verify_file};

#[derive(clap::Args)]
pub struct Args {
    /// How long the council meets, in seconds.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Where the witness key, the daemon's log and the participants' recordings live (made if missing; an
    /// existing log is continued).
    #[arg(long, default_value = "council-demo")]
    dir: PathBuf,
}

/// One member of the demo council.
struct Member {
    name: &'static str,
    /// How it reaches the council.
    how: &'static str,
    tone: u32,
}

const MEMBERS: [Member; 3] = [
    Member {
        name: "ada",
        how: "guardian, H.323, G.729",
        tone: 500,
    },
    Member {
        name: "bob",
        how: "guardian, H.323, G.729",
        tone: 800,
    },
    Member {
        name: "expert",
        how: "expert, SIP, PCMU",
        tone: 1200,
    },
];

/// A heard tone must hold at least this share of what a member recorded, its own at most the second.
const HEARD: f64 = 0.15;
const NOT_HEARD: f64 = 0.02;

/// A member's program while it runs: its output drained by threads of their own (a full pipe must not stall it),
/// killed if dropped before it has finished (an error elsewhere must not leave it behind).
struct Running {
    member: &'static Member,
    record: PathBuf,
    child: Child,
    stdout: Option<std::thread::JoinHandle<String>>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Running {
    fn spawn(member: &'static Member, record: PathBuf, cmd: &mut Command) -> anyhow::Result<Self> {
        let mut child = cmd.spawn().with_context(|| member.name)?;
        let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            pipe.map(|mut p| {
                std::thread::spawn(move || {
                    let mut text = String::new();
                    let _ = p.read_to_string(&mut text);
                    text
                })
            })
        };
        let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
        Ok(Self {
            member,
            record,
            child,
            stdout,
            stderr,
        })
    }

    /// Waits until it ends (killed at `deadline`): whether it succeeded, and what it printed.
    fn finish(mut self, deadline: Instant) -> anyhow::Result<(bool, String, String)> {
        let status = loop {
            if let Some(status) = self.child.try_wait()? {
                break Some(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let text = |h: Option<std::thread::JoinHandle<String>>| {
            h.and_then(|h| h.join().ok()).unwrap_or_default()
        };
        let (stdout, mut stderr) = (text(self.stdout.take()), text(self.stderr.take()));
        if status.is_none() {
            stderr.push_str(&format!("{}: did not finish in time\n", self.member.name));
        }
        Ok((status.is_some_and(|s| s.success()), stdout, stderr))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The daemon, stopped (SIGTERM, then killed if need be) when dropped.
struct Daemon(Child);

impl Daemon {
    /// Asks it to stop (SIGTERM: it ends its calls and closes the log) and waits at most `limit`.
    fn stop(&mut self, limit: Duration) -> anyhow::Result<bool> {
        // SAFETY: a signal to our own child, whose pid we hold.
        unsafe {
            libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM);
        }
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Some(status) = self.0.try_wait()? {
                return Ok(status.success());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
        Ok(false)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let key_path = args.dir.join(key::PRIVATE_KEY_FILE);
    let pub_path = args.dir.join(key::PUBLIC_KEY_FILE);
    if !key_path.exists() {
        let key = SignerKey::generate("council-demo")?;
        key.write_pair(&args.dir)?;
        println!("made a witness key: {}", key.verifier());
    }
    let log_path = args.dir.join("witness.log");
    let heard_dir = args.dir.join("participants");
    std::fs::create_dir_all(&heard_dir)?;
    let me = std::env::current_exe().context("finding the council binary")?;

    // The daemon, on free loopback ports; it says where it listens.
    let mut daemon = Daemon(
        Command::new(&me)
            .args(["run", "--sip", "127.0.0.1:0", "--ras", "127.0.0.1:0"])
            .args(["--h225", "127.0.0.1:0", "--witness-dir"])
            .arg(&args.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting council run")?,
    );
    let (ras, sip) = addresses(&mut daemon.0)?;
    println!(
        "council run: gatekeeper RAS {ras}, SIP {sip}; the council's witness log is {}",
        log_path.display()
    );

    // The council meets.
    let mut running: Vec<Running> = Vec::new();
    for m in &MEMBERS {
        let record = heard_dir.join(format!("{}.wav", m.name));
        let mut cmd = Command::new(&me);
        if m.name == "expert" {
            cmd.args([
                "call",
                &format!("sip:council@{sip}"),
                "--sip",
                "127.0.0.1:0",
            ])
            .arg("--witness-dir")
            .arg(heard_dir.join("expert"));
        } else {
            cmd.args([
                "guardian",
                "--gatekeeper",
                &ras.to_string(),
                "--alias",
                m.name,
            ])
            .args(["--call", "council", "--witness"])
            .arg(heard_dir.join(format!("{}.log", m.name)));
        }
        cmd.args(["--seconds", &args.seconds.to_string()])
            .args(["--tone", &m.tone.to_string(), "--record"])
            .arg(&record)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        println!("{} ({}) joins, sending {} Hz", m.name, m.how, m.tone);
        running.push(Running::spawn(m, record, &mut cmd)?);
    }
    let deadline = Instant::now() + Duration::from_secs(args.seconds + 60);
    let mut failed = Vec::new();
    let mut records = Vec::new();
    for member in running {
        let (m, record) = (member.member, member.record.clone());
        let (ok, stdout, stderr) = member.finish(deadline)?;
        for line in stdout.lines() {
            println!("  {}: {line}", m.name);
        }
        if !ok {
            eprint!("{stderr}");
            failed.push(m.name);
        }
        records.push((m, record));
    }
    let stopped = daemon.stop(Duration::from_secs(20))?;
    if !failed.is_empty() {
        bail!("{} could not take part", failed.join(", "));
    }
    if !stopped {
        bail!("council run did not stop cleanly");
    }

    // Who heard whom.
    println!();
    println!(
        "share of what each heard, by tone ({}):",
        MEMBERS
            .iter()
            .map(|m| format!("{} {} Hz", m.name, m.tone))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut ok = true;
    for (m, record) in &records {
        let audio = wav_samples(record)?;
        // The middle of the meeting, when everybody is in.
        let middle = audio
            .get(8000..audio.len().saturating_sub(4000))
            .unwrap_or_default();
        let mut row = Vec::new();
        for other in &MEMBERS {
            let share = tone_share(middle, f64::from(other.tone));
            let good = if other.name == m.name {
                share <= NOT_HEARD
            } else {
                share >= HEARD
            };
            ok &= good;
            row.push(format!(
                "{} {:5.1} %{}",
                other.name,
                share * 100.0,
                if good { "" } else { " (!)" }
            ));
        }
        println!(
            "  {:6} heard {:4.1} s: {}",
            m.name,
            audio.len() as f64 / 8000.0,
            row.join(", ")
        );
    }

    let report = verify_file(
        &log_path,
        &VerifyOptions {
            key: Some(Verifier::read(&pub_path)?),
            checkpoints: vec![],
        },
    )?;
    println!("witness log verified: {report}");
    let text = std::fs::read_to_string(&log_path)?;
    let count = |needle: &str| text.matches(needle).count();
    println!(
        "it holds {} calls admitted, {} bridged into the council, {} releases, {} digests of the full mix",
        count("\"kind\":\"call-admitted\""),
        count("\"kind\":\"call-bridged\""),
        count("\"kind\":\"call-released\""),
        count("\"label\":\"council/mix\""),
    );
    println!("read it:   council witness show {}", log_path.display());
    println!(
        "check it:  council witness verify {} --key {}",
        log_path.display(),
        pub_path.display()
    );
    if !ok {
        bail!("not everybody heard everybody else (or somebody heard themselves): see (!) above");
    }
    println!("the council met: everybody heard everybody else, nobody heard themselves");
    Ok(ExitCode::SUCCESS)
}

/// Reads the daemon's two ready lines (`council gatekeeper: ras udp A …` and `council serve: sip udp B …`); keeps
/// draining its output afterwards.
fn addresses(daemon: &mut Child) -> anyhow::Result<(SocketAddr, SocketAddr)> {
    let stdout = daemon.stdout.take().context("the daemon's output")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let after = |line: &str, word: &str| -> Option<SocketAddr> {
        let mut words = line.split_whitespace();
        words.position(|w| w == word)?;
        words.next()?.parse().ok()
    };
    let (mut ras, mut sip) = (None, None);
    let end = Instant::now() + Duration::from_secs(30);
    while ras.is_none() || sip.is_none() {
        let line = rx
            .recv_timeout(end.saturating_duration_since(Instant::now()))
            .context("council run did not start")?;
        if line.starts_with("council gatekeeper:") {
            ras = after(&line, "udp");
        } else if line.starts_with("council serve:") {
            sip = after(&line, "udp");
        }
    }
    Ok((ras.unwrap(), sip.unwrap()))
}

/// The 16-bit mono samples of a WAV file that `wavenc` wrote (the samples follow the `data` chunk header).
fn wav_samples(path: &Path) -> anyhow::Result<Vec<i16>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let data = bytes
        .windows(4)
        .position(|w| w == b"data")
        .with_context(|| format!("{}: not a WAV file", path.display()))?;
    Ok(bytes
        .get(data + 8..)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect())
}

/// The share of the energy of 8 kHz `samples` at `freq`, 0 for silence: a Goertzel per 20 ms block (one packet),
/// summed over the blocks, so that a tone that jumps in phase between packets (a late or concealed packet) still
/// counts whole. A sine's bin power over N samples is N²A²/4 and its energy NA²/2, hence power·2/N.
fn tone_share(samples: &[i16], freq: f64) -> f64 {
    const BLOCK: usize = 160;
    let w = 2.0 * std::f64::consts::PI * freq / 8000.0;
    let c = 2.0 * w.cos();
    let (mut tone, mut total) = (0.0f64, 0.0f64);
    for block in samples.chunks_exact(BLOCK) {
        let (mut s1, mut s2) = (0.0f64, 0.0f64);
        for &x in block {
            let x = f64::from(x);
            let s0 = x + c * s1 - s2;
            s2 = s1;
            s1 = s0;
            total += x * x;
        }
        tone += 2.0 * (s1 * s1 + s2 * s2 - c * s1 * s2) / BLOCK as f64;
    }
    if total == 0.0 { 0.0 } else { tone / total }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pure_tone_holds_its_energy_and_no_other() {
        let tone: Vec<i16> = (0..8000)
            .map(|i| {
                (8000.0 * (2.0 * std::f64::consts::PI * 500.0 * f64::from(i) / 8000.0).sin()) as i16
            })
            .collect();
        assert!(tone_share(&tone, 500.0) > 0.99);
        assert!(tone_share(&tone, 800.0) < 0.001);
        assert_eq!(tone_share(&[0; 100], 500.0), 0.0);
    }

    #[test]
    fn a_tone_that_jumps_in_phase_between_packets_still_counts() {
        // Each 20 ms packet starts the tone afresh at another phase (as after a late or concealed packet): one
        // Goertzel over the whole second reads such a tone far below its share.
        let tone: Vec<i16> = (0..8000)
            .map(|i| {
                let phase = f64::from(i / 160) * 2.1;
                let t = f64::from(i % 160) / 8000.0;
                (8000.0 * (2.0 * std::f64::consts::PI * 500.0 * t + phase).sin()) as i16
            })
            .collect();
        assert!(tone_share(&tone, 500.0) > 0.99);
        assert!(tone_share(&tone, 800.0) < 0.001);
    }
}
