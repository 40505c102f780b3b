//! The harness of the SIP end-to-end tests: the SIP server under test (`council serve`, or SIPp's own UAS with RTP
//! echo as a stand-in), SIPp as the caller with its final statistics, a loopback capture by tshark, baresip's
//! headless configuration, and the signal checks (G.711 µ-law, WAV, Goertzel).
//!
//! Everything binds 127.0.0.1 only, on ports the kernel hands out (never 5060, 1719 or 1720), so these tests run
//! in parallel with each other and with other tests. Every child process is killed when its guard drops and every
//! wait is bounded, so a test fails rather than hangs.
//!
//! The server is `council serve` unless `COUNCIL_SIP_TARGET=sipp-uas`, which runs the same tests against SIPp's UAS
//! (`sipp -sn uas -rtp_echo`): that proves the SIPp, baresip and tshark sides of a test on their own. The checks of
//! Council's own witness log are skipped there, and so is a test that needs what only Council does (a BYE after an
//! RTP timeout).

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{council, run, text};

// ---------------------------------------------------------------------------------------------------------------
// Tools and ports.

/// Whether `tool` (sipp, baresip, tshark) is installed. Absent under CI (`CI=true`) it is a failure, since
/// `.ci/deps.sh` installs it; elsewhere the test skips with a message.
pub fn have(tool: &str, package: &str) -> bool {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{tool} is not installed, but CI must run this test (.ci/deps.sh installs {package})"
        );
    }
    if !ok {
        eprintln!("{tool} is not installed: skipping (apt-get install {package})");
    }
    ok
}

/// Ports a test must never use: SIP's and H.323's well-known ones, in case a kernel hands them out.
const WELL_KNOWN: [u16; 5] = [1718, 1719, 1720, 5060, 5061];

/// The first of `n` consecutive ports that are free on 127.0.0.1 for both UDP and TCP right now (found by binding
/// them all at once, then released). SIPp needs blocks: its RTP echo uses the media port and the one two above.
pub fn free_ports(n: u16) -> u16 {
    for _ in 0..200 {
        let first = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if first.checked_add(n).is_none() {
            continue;
        }
        let mut held = Vec::new();
        let all = (first..first + n).all(|p| {
            if WELL_KNOWN.contains(&p) {
                return false;
            }
            match (
                UdpSocket::bind((Ipv4Addr::LOCALHOST, p)),
                TcpListener::bind((Ipv4Addr::LOCALHOST, p)),
            ) {
                (Ok(u), Ok(t)) => {
                    held.push((u, t));
                    true
                }
                _ => false,
            }
        });
        if all {
            return first;
        }
    }
    panic!("no block of {n} free ports on 127.0.0.1");
}

/// One port free for UDP and TCP on 127.0.0.1.
pub fn free_port() -> u16 {
    free_ports(1)
}

/// The first of `n` UDP ports free on 127.0.0.1 now, at an even port outside the kernel's ephemeral range (above
/// it, or below it if it reaches the top), so that no port 0 of a test running beside lands in it; tests running
/// at once start looking at different places (by process id).
pub fn high_port_block(n: u16) -> u16 {
    let (low, high) = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| {
            let mut w = t.split_whitespace().map(|x| x.parse::<u16>().ok());
            Some((w.next()??, w.next()??))
        })
        .unwrap_or((32_768, 60_999));
    let (from, to) = if high < 63_000 {
        (high + 1, 65_000)
    } else {
        (10_000, low.min(30_000))
    };
    let from = from + from % 2;
    let slots = u32::from(to.saturating_sub(from) / 8).max(1);
    let offset = u16::try_from(std::process::id() % slots).unwrap() * 8;
    let start = from + offset;
    for base in (start..to).step_by(8).chain((from..start).step_by(8)) {
        let held: Vec<_> = (base..base + n)
            .map_while(|p| UdpSocket::bind(("127.0.0.1", p)).ok())
            .collect();
        if held.len() == usize::from(n) {
            return base;
        }
    }
    panic!("no {n} free ports in {from}-{to}");
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes: killed on drop, waited for with a deadline.

/// A child process that is killed (and reaped) when dropped.
pub struct Guard {
    pub child: Child,
    pub what: String,
}

impl Guard {
    pub fn spawn(cmd: &mut Command, what: &str) -> Self {
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what} ({cmd:?}): {e}"));
        Self {
            child,
            what: what.to_owned(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits at most `limit` for the process to exit; `None` if it is still running.
    pub fn wait_for(&mut self, limit: Duration) -> Option<ExitStatus> {
        let end = Instant::now() + limit;
        loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                return Some(s);
            }
            if Instant::now() >= end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits at most `limit`, else kills it and panics.
    pub fn wait_or_kill(&mut self, limit: Duration) -> ExitStatus {
        match self.wait_for(limit) {
            Some(s) => s,
            None => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("{} did not finish within {limit:?}: killed", self.what);
            }
        }
    }

    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on the id of a child we have not reaped yet (so the id is still ours).
        let r = unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
        assert_eq!(r, 0, "kill({}, {sig})", self.child.id());
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads a child's pipe on a thread, line by line, into a channel (and keeps all of it for messages).
pub struct Lines {
    rx: mpsc::Receiver<String>,
    pub seen: Vec<String>,
}

impl Lines {
    pub fn new(pipe: impl Read + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            rx,
            seen: Vec::new(),
        }
    }

    /// The first line (from now on) that `pred` accepts, waiting at most `limit`.
    pub fn wait(&mut self, limit: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let end = Instant::now() + limit;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if pred(&l) {
                        return Some(l);
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// Everything the pipe has said so far.
    pub fn drain(&mut self) -> String {
        while let Ok(l) = self.rx.try_recv() {
            self.seen.push(l);
        }
        self.seen.join("\n")
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The server under test.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `council serve`: the contract.
    Council,
    /// `sipp -sn uas -rtp_echo`: a stand-in that answers and echoes RTP, for developing the harness.
    SippUas,
}

impl Target {
    /// `COUNCIL_SIP_TARGET=sipp-uas` picks the stand-in; anything else (or nothing) picks `council serve`.
    pub fn from_env() -> Self {
        match std::env::var("COUNCIL_SIP_TARGET").as_deref() {
            Ok("sipp-uas") => Target::SippUas,
            _ => Target::Council,
        }
    }
}

/// A running SIP server on 127.0.0.1: `council serve` or the stand-in.
pub struct Server {
    pub target: Target,
    pub sip: SocketAddr,
    /// The witness directory (`council serve --witness-dir`).
    pub witness_dir: PathBuf,
    guard: Guard,
    stdout: Lines,
    stderr: Lines,
}

/// How long `council serve` may take to say it is ready, or to stop after SIGTERM.
const SERVE_START: Duration = Duration::from_secs(20);
const SERVE_STOP: Duration = Duration::from_secs(20);

impl Server {
    /// Starts the target of [`Target::from_env`] in `dir` (witness log in `dir/witness`), with `extra` arguments for
    /// `council serve` (e.g. `--rtp-timeout 2`).
    pub fn start(dir: &Path, extra: &[&str]) -> Self {
        match Target::from_env() {
            Target::Council => Self::council(dir, extra),
            Target::SippUas => Self::sipp_uas(dir),
        }
    }

    /// `council serve --sip 127.0.0.1:0 --witness-dir DIR/witness` (with a signing key made there first), ready
    /// when it prints its ready line.
    pub fn council(dir: &Path, extra: &[&str]) -> Self {
        let witness_dir = dir.join("witness");
        std::fs::create_dir_all(&witness_dir).unwrap();
        let help = run(Command::new(council()).args(["serve", "--help"]));
        assert!(
            help.status.success(),
            "`council serve` is missing from {}: {}\n(COUNCIL_SIP_TARGET=sipp-uas runs this test against SIPp's UAS)",
            council().display(),
            text(&help.stderr)
        );
        // A signing key in the witness directory: the log's checkpoints are then signed, and verified with it.
        let keygen = run(Command::new(council())
            .args(["witness", "keygen"])
            .arg(&witness_dir));
        assert!(keygen.status.success(), "keygen: {}", text(&keygen.stderr));
        // The SIP tests check the echo of what they send, unless they ask for the council (`--media council`).
        let media: &[&str] = if extra.contains(&"--media") {
            &[]
        } else {
            &["--media", "echo"]
        };
        let mut guard = Guard::spawn(
            Command::new(council())
                .arg("serve")
                .args(media)
                .args(["--sip", "127.0.0.1:0", "--witness-dir"])
                .arg(&witness_dir)
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
            "council serve",
        );
        let mut stdout = Lines::new(guard.child.stdout.take().unwrap());
        let mut stderr = Lines::new(guard.child.stderr.take().unwrap());
        let Some(line) = stdout.wait(SERVE_START, |l| l.starts_with("council serve: sip ")) else {
            let status = guard.wait_for(Duration::from_millis(100));
            panic!(
                "council serve did not say it was ready within {SERVE_START:?} (exit: {status:?})\nstdout: {}\nstderr: {}",
                stdout.drain(),
                stderr.drain()
            );
        };
        let sip = parse_ready(&line).unwrap_or_else(|| panic!("bad ready line: {line:?}"));
        Self {
            target: Target::Council,
            sip,
            witness_dir,
            guard,
            stdout,
            stderr,
        }
    }

    /// SIPp's UAS with RTP echo on free ports; ready when its SIP port is bound.
    pub fn sipp_uas(dir: &Path) -> Self {
        let sip_port = free_port();
        let media = free_ports(4);
        let mut guard = Guard::spawn(
            Command::new("sipp")
                .args(["-sn", "uas", "-i", "127.0.0.1", "-p"])
                .arg(sip_port.to_string())
                .args(["-mi", "127.0.0.1", "-mp"])
                .arg(media.to_string())
                .args(["-rtp_echo", "-nostdin"])
                .current_dir(dir)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
            "sipp uas",
        );
        let stdout = Lines::new(guard.child.stdout.take().unwrap());
        let stderr = Lines::new(guard.child.stderr.take().unwrap());
        let end = Instant::now() + SERVE_START;
        // Ready once SIPp has bound its port (read from /proc: binding it ourselves to probe could steal it).
        while !udp_bound(sip_port) {
            assert!(
                guard.wait_for(Duration::from_millis(50)).is_none(),
                "sipp uas exited"
            );
            assert!(Instant::now() < end, "sipp uas did not bind {sip_port}");
        }
        Self {
            target: Target::SippUas,
            sip: (Ipv4Addr::LOCALHOST, sip_port).into(),
            witness_dir: dir.join("witness"),
            guard,
            stdout,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.guard.pid()
    }

    pub fn is_council(&self) -> bool {
        self.target == Target::Council
    }

    /// `DIR/witness.log` of `council serve`.
    pub fn witness_log(&self) -> PathBuf {
        self.witness_dir.join("witness.log")
    }

    /// Entries of `kind` in the witness log now (0 if there is no log yet).
    pub fn witness_count(&self, kind: &str) -> usize {
        witness_count(&self.witness_log(), kind)
    }

    /// Waits at most `limit` until the witness log holds at least `n` entries of `kind`; returns the count then.
    pub fn await_witness(&self, kind: &str, n: usize, limit: Duration) -> usize {
        let end = Instant::now() + limit;
        loop {
            let c = self.witness_count(kind);
            if c >= n || Instant::now() >= end {
                return c;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server printed so far (for messages).
    pub fn output(&mut self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.drain(),
            self.stderr.drain()
        )
    }

    /// Stops the server: `council serve` by SIGTERM, which must end it cleanly (exit 0) within a bound; the
    /// stand-in is killed. Returns what it printed.
    pub fn stop(mut self) -> String {
        match self.target {
            Target::Council => {
                self.guard.signal(libc::SIGTERM);
                let status = self.guard.wait_for(SERVE_STOP);
                let out = self.output();
                match status {
                    Some(s) => assert!(
                        s.success(),
                        "council serve exited with {s} after SIGTERM\n{out}"
                    ),
                    None => {
                        panic!("council serve did not exit within {SERVE_STOP:?} of SIGTERM\n{out}")
                    }
                }
                out
            }
            Target::SippUas => {
                let _ = self.guard.child.kill();
                let _ = self.guard.child.wait();
                self.output()
            }
        }
    }
}

/// Whether some socket is bound to UDP `127.0.0.1:port` (from `/proc/net/udp`).
pub fn udp_bound(port: u16) -> bool {
    let want = format!("0100007F:{port:04X}");
    std::fs::read_to_string("/proc/net/udp")
        .unwrap_or_default()
        .lines()
        .skip(1)
        .any(|l| l.split_whitespace().nth(1) == Some(want.as_str()))
}

/// `council serve: sip udp 127.0.0.1:P tcp 127.0.0.1:P` → the UDP address.
pub fn parse_ready(line: &str) -> Option<SocketAddr> {
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        if w == "udp" {
            return words.next()?.parse().ok();
        }
    }
    None
}

/// Entries of `kind` in a witness log (one JSON object a line).
pub fn witness_count(log: &Path, kind: &str) -> usize {
    std::fs::read_to_string(log)
        .map(|s| s.matches(&format!("\"kind\":\"{kind}\"")).count())
        .unwrap_or(0)
}

/// `council witness verify` on the log of `dir` (with `dir/witness.pub` if the server keeps a key there); panics
/// unless it verifies.
pub fn verify_witness(dir: &Path) -> String {
    let log = dir.join("witness.log");
    let mut cmd = Command::new(council());
    cmd.args(["witness", "verify"]).arg(&log);
    let key = dir.join("witness.pub");
    if key.exists() {
        cmd.arg("--key").arg(key);
    }
    let o = run(&mut cmd);
    let out = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "witness log does not verify: {out}");
    out
}

/// Open file descriptors and threads of a process (from `/proc`).
pub fn fds_and_threads(pid: u32) -> (usize, usize) {
    let count = |d: &str| {
        std::fs::read_dir(format!("/proc/{pid}/{d}"))
            .unwrap_or_else(|e| panic!("/proc/{pid}/{d}: {e}"))
            .count()
    };
    (count("fd"), count("task"))
}

/// CPU time (user + system) a process has used, from `/proc/PID/stat`.
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command (which may hold spaces) start at state, field 3; utime and stime are 14 and 15.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_millis(ticks * 1000 / hz)
}

// ---------------------------------------------------------------------------------------------------------------
// SIPp as the caller.

/// A SIPp client run: a built-in scenario (`-sn uac`) or one of `tests/data/sipp/`.
pub struct Sipp {
    args: Vec<String>,
    dir: PathBuf,
    limit: Duration,
}

/// SIPp's final statistics (`-trace_stat`, the last row of its CSV) and what it printed.
#[derive(Debug)]
pub struct SippRun {
    pub status: ExitStatus,
    /// Column name → value of the final row.
    pub stats: Vec<(String, String)>,
    pub successful: u64,
    pub failed: u64,
    pub created: u64,
    pub stdout: String,
    pub stderr: String,
    /// SIPp's error log (`-trace_err`), if it wrote one.
    pub errors: String,
    /// SIPp's media port (`-mp`).
    pub media_port: u16,
}

impl SippRun {
    pub fn stat(&self, name: &str) -> &str {
        self.stats
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in SIPp's statistics"))
    }

    /// For assertion messages.
    pub fn report(&self) -> String {
        let errors: String = self.errors.lines().take(40).collect::<Vec<_>>().join("\n");
        format!(
            "sipp exit {}: {} created, {} successful, {} failed\nstderr: {}\nerrors (first 40 lines):\n{errors}",
            self.status, self.created, self.successful, self.failed, self.stderr
        )
    }
}

impl Sipp {
    /// The built-in UAC scenario against `server`: `calls` calls at `rate` calls/s, each held `hold_ms`.
    pub fn uac(dir: &Path, server: SocketAddr, calls: u32, rate: u32, hold_ms: u32) -> Self {
        let mut s = Self::new(dir, server);
        s.args.extend(
            [
                "-sn",
                "uac",
                "-r",
                &rate.to_string(),
                "-m",
                &calls.to_string(),
                "-d",
                &hold_ms.to_string(),
                // Concurrent calls at most; more than rate × hold, so the rate is never throttled.
                "-l",
                &(rate * (hold_ms / 1000 + 2)).to_string(),
            ]
            .map(str::to_owned),
        );
        s.limit =
            Duration::from_secs(u64::from(calls / rate.max(1)) + u64::from(hold_ms / 1000) + 60);
        s
    }

    /// A scenario of `tests/data/sipp/` against `server`.
    pub fn scenario(dir: &Path, server: SocketAddr, xml: &str) -> Self {
        let mut s = Self::new(dir, server);
        let path = crate::repo().join("tests/data/sipp").join(xml);
        assert!(path.exists(), "{} is missing", path.display());
        s.args.push("-sf".into());
        s.args.push(path.display().to_string());
        s
    }

    fn new(dir: &Path, server: SocketAddr) -> Self {
        Self {
            args: vec![
                server.to_string(),
                "-i".into(),
                "127.0.0.1".into(),
                "-mi".into(),
                "127.0.0.1".into(),
                "-nostdin".into(),
                // A call waiting longer than this for a message fails instead of lingering.
                "-recv_timeout".into(),
                "10000".into(),
                "-trace_stat".into(),
                "-fd".into(),
                "1".into(),
                "-trace_err".into(),
            ],
            dir: dir.to_owned(),
            limit: Duration::from_secs(60),
        }
    }

    pub fn arg(mut self, a: &str) -> Self {
        self.args.push(a.to_owned());
        self
    }

    pub fn limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// Runs SIPp to the end (killed after the limit) and reads its final statistics.
    pub fn run(self) -> SippRun {
        self.run_with_media(free_ports(4))
    }

    /// Like [`Sipp::run`] with a given media port (`-mp`), e.g. one a capture already watches.
    pub fn run_with_media(self, media_port: u16) -> SippRun {
        self.start_with_media(media_port).finish()
    }

    /// Starts SIPp and returns at once; [`RunningSipp::finish`] waits for it (within the limit).
    pub fn start(self) -> RunningSipp {
        self.start_with_media(free_ports(4))
    }

    fn start_with_media(self, media_port: u16) -> RunningSipp {
        let port = free_port();
        let stf = self.dir.join(format!("sipp-{port}.csv"));
        let errors = self.dir.join(format!("sipp-{port}-errors.log"));
        let mut guard = Guard::spawn(
            Command::new("sipp")
                .args(&self.args)
                .arg("-p")
                .arg(port.to_string())
                .arg("-mp")
                .arg(media_port.to_string())
                .arg("-stf")
                .arg(&stf)
                .arg("-error_file")
                .arg(&errors)
                .current_dir(&self.dir)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
            "sipp uac",
        );
        let mut out = guard.child.stdout.take().unwrap();
        let mut err = guard.child.stderr.take().unwrap();
        let t_out = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = out.read_to_end(&mut s);
            s
        });
        let t_err = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = err.read_to_end(&mut s);
            s
        });
        RunningSipp {
            guard,
            t_out,
            t_err,
            stf,
            errors,
            media_port,
            limit: self.limit,
        }
    }
}

/// A SIPp run in progress ([`Sipp::start`]); killed if dropped unfinished.
pub struct RunningSipp {
    guard: Guard,
    t_out: std::thread::JoinHandle<Vec<u8>>,
    t_err: std::thread::JoinHandle<Vec<u8>>,
    stf: PathBuf,
    errors: PathBuf,
    media_port: u16,
    limit: Duration,
}

impl RunningSipp {
    /// Waits for SIPp to end (killed after the limit) and reads its final statistics.
    pub fn finish(mut self) -> SippRun {
        let status = self.guard.wait_or_kill(self.limit);
        let stdout = text(&self.t_out.join().unwrap());
        let stderr = text(&self.t_err.join().unwrap());
        let csv = std::fs::read_to_string(&self.stf).unwrap_or_else(|e| {
            panic!(
                "SIPp wrote no statistics ({}: {e}); exit {status}\nstderr: {stderr}",
                self.stf.display()
            )
        });
        let stats = parse_stat_csv(&csv);
        let num = |name: &str| -> u64 {
            stats
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("no {name} in SIPp's statistics:\n{csv}"))
        };
        SippRun {
            status,
            successful: num("SuccessfulCall(C)"),
            failed: num("FailedCall(C)"),
            created: num("TotalCallCreated"),
            stats,
            stdout,
            stderr,
            errors: std::fs::read_to_string(&self.errors).unwrap_or_default(),
            media_port: self.media_port,
        }
    }
}

/// SIPp's `-trace_stat` CSV (`;`-separated, a header line, then one row per period and a final one): the last row
/// by column name.
pub fn parse_stat_csv(csv: &str) -> Vec<(String, String)> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap_or_default().split(';').collect();
    let last: Vec<&str> = lines.next_back().unwrap_or_default().split(';').collect();
    header
        .into_iter()
        .zip(last)
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// A loopback capture by tshark.

/// Whether tshark may capture on the loopback interface (root, or dumpcap's capabilities). Under CI (as root) it
/// must; elsewhere the test skips with a message.
pub fn can_capture() -> bool {
    let o = run(Command::new("tshark").arg("-D"));
    let ok = text(&o.stdout).lines().any(|l| l.contains(". lo"));
    if !ok && std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "tshark cannot capture on lo (CI runs as root): {}",
            text(&o.stderr)
        );
    }
    if !ok {
        eprintln!("tshark cannot capture on lo here (needs root or the wireshark group): skipping");
    }
    ok
}

/// `tshark -i lo -f FILTER -w FILE`, running until [`Capture::stop`].
pub struct Capture {
    guard: Guard,
    pub file: PathBuf,
    stderr: Lines,
}

impl Capture {
    /// Starts capturing loopback traffic that matches the BPF `filter` into `dir/name`, and waits until tshark
    /// says it is capturing.
    pub fn start(dir: &Path, name: &str, filter: &str) -> Self {
        let file = dir.join(name);
        let mut guard = Guard::spawn(
            Command::new("tshark")
                .env("WIRESHARK_CONFIG_DIR", dir)
                .args(["-i", "lo", "-n", "-f", filter, "-w"])
                .arg(&file)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped()),
            "tshark capture",
        );
        let mut stderr = Lines::new(guard.child.stderr.take().unwrap());
        if stderr
            .wait(Duration::from_secs(20), |l| l.contains("Capturing on"))
            .is_none()
        {
            panic!(
                "tshark did not start capturing on lo (root or CAP_NET_RAW needed): {}",
                stderr.drain()
            );
        }
        // "Capturing on" comes just before the capture loop; give it a moment to be in it.
        std::thread::sleep(Duration::from_millis(500));
        Self {
            guard,
            file,
            stderr,
        }
    }

    /// Stops the capture (SIGINT, as at a terminal) and returns the file.
    pub fn stop(mut self) -> PathBuf {
        // Let the last packets in flight reach the file.
        std::thread::sleep(Duration::from_millis(500));
        self.guard.signal(libc::SIGINT);
        if self.guard.wait_for(Duration::from_secs(10)).is_none() {
            panic!("tshark did not stop: {}", self.stderr.drain());
        }
        self.file.clone()
    }
}

/// `tshark -r FILE [options] -Y filter -T fields -e …`: one `Vec` of field values per packet.
pub fn tshark_fields(
    file: &Path,
    options: &[&str],
    filter: &str,
    fields: &[&str],
) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.env("WIRESHARK_CONFIG_DIR", file.parent().unwrap())
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(options)
        .args(["-Y", filter, "-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let o = run(&mut cmd);
    assert!(o.status.success(), "tshark failed: {}", text(&o.stderr));
    text(&o.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// Signals: G.711 µ-law, WAV, Goertzel.

/// G.711 µ-law encoding of a 16-bit sample.
pub fn ulaw_encode(sample: i16) -> u8 {
    const BIAS: i32 = 0x84;
    const CLIP: i32 = 32635;
    let mut s = i32::from(sample);
    let sign = if s < 0 {
        s = -s;
        0x80
    } else {
        0
    };
    s = s.min(CLIP) + BIAS;
    let mut exp = 7;
    let mut mask = 0x4000;
    while exp > 0 && s & mask == 0 {
        exp -= 1;
        mask >>= 1;
    }
    let mant = (s >> (exp + 3)) & 0x0f;
    !((sign | (exp << 4) | mant) as u8)
}

/// G.711 µ-law decoding.
pub fn ulaw_decode(u: u8) -> i16 {
    let u = !u;
    let sign = u & 0x80;
    let exp = i32::from((u >> 4) & 0x07);
    let mant = i32::from(u & 0x0f);
    let mag = (((mant << 3) + 0x84) << exp) - 0x84;
    (if sign != 0 { -mag } else { mag }) as i16
}

/// `seconds` of a sine of `freq` Hz at 8000 samples/s, amplitude `amp`.
pub fn tone(freq: f64, seconds: f64, amp: f64) -> Vec<i16> {
    let n = (8000.0 * seconds) as usize;
    (0..n)
        .map(|i| (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / 8000.0).sin()) as i16)
        .collect()
}

/// The samples of a 16-bit PCM mono WAV file and its rate.
pub fn read_wav(path: &Path) -> (Vec<i16>, u32) {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WAVE",
        "{} is not a WAV file",
        path.display()
    );
    let (mut rate, mut channels, mut bits) = (0u32, 0u16, 0u16);
    let mut i = 12;
    while i + 8 <= b.len() {
        let id = &b[i..i + 4];
        let len = u32::from_le_bytes(b[i + 4..i + 8].try_into().unwrap()) as usize;
        let body = &b[i + 8..(i + 8 + len).min(b.len())];
        if id == b"fmt " {
            channels = u16::from_le_bytes([body[2], body[3]]);
            rate = u32::from_le_bytes(body[4..8].try_into().unwrap());
            bits = u16::from_le_bytes([body[14], body[15]]);
        } else if id == b"data" {
            assert_eq!(
                (channels, bits),
                (1, 16),
                "{}: want 16-bit mono",
                path.display()
            );
            let s = body
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect();
            return (s, rate);
        }
        i += 8 + len + (len & 1);
    }
    panic!("{}: no data chunk", path.display());
}

/// The share (0..1) of the energy of `samples` that lies in the Goertzel bin of `freq` (a window-length bin, so
/// the tone's share of a pure tone is ~1).
pub fn tone_share(samples: &[i16], rate: u32, freq: f64) -> f64 {
    // Goertzel per 20 ms block (exact bin for 50 Hz multiples); the bin power of a sine is N²A²/4, its energy
    // N·A²/2, so power·2/N is the tone's energy in the block.
    let n = (rate / 50) as usize;
    let (mut tone, mut total) = (0.0, 0.0);
    for block in samples.chunks_exact(n) {
        let w = 2.0 * std::f64::consts::PI * freq / f64::from(rate);
        let c = 2.0 * w.cos();
        let (mut s1, mut s2) = (0.0f64, 0.0f64);
        for &x in block {
            let s0 = f64::from(x) + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        let power = s1 * s1 + s2 * s2 - c * s1 * s2;
        tone += power * 2.0 / n as f64;
        total += block.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>();
    }
    if total == 0.0 { 0.0 } else { tone / total }
}

/// How many 20 ms blocks of `samples` hold the tone at `freq` above `rms` (each block's Goertzel amplitude).
pub fn tone_blocks(samples: &[i16], rate: u32, freq: f64, rms: f64) -> usize {
    let n = (rate / 50) as usize;
    samples
        .chunks_exact(n)
        .filter(|b| tone_share(b, rate, freq) > 0.5)
        .filter(|b| (b.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / n as f64).sqrt() > rms)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulaw_round_trips_and_goertzel_finds_the_tone() {
        for s in [-32000i16, -1000, -1, 0, 1, 1000, 32000] {
            let d = ulaw_decode(ulaw_encode(s));
            assert!(
                (i32::from(d) - i32::from(s)).abs() <= i32::from(s).abs() / 16 + 8,
                "{s} → {d}"
            );
        }
        let t = tone(1000.0, 1.0, 8000.0);
        assert!(tone_share(&t, 8000, 1000.0) > 0.99);
        assert!(tone_share(&t, 8000, 1500.0) < 0.01);
        assert_eq!(tone_blocks(&t, 8000, 1000.0, 1000.0), 50);
    }

    #[test]
    fn stat_csv_and_ready_line() {
        let csv = "StartTime;SuccessfulCall(C);FailedCall(C);\nx;1;0;\ny;500;0;\n";
        let s = parse_stat_csv(csv);
        assert!(s.contains(&("SuccessfulCall(C)".into(), "500".into())));
        assert_eq!(
            parse_ready("council serve: sip udp 127.0.0.1:40000 tcp 127.0.0.1:40000"),
            Some("127.0.0.1:40000".parse().unwrap())
        );
    }
}
