//! baresip, a real SIP user agent, calls the server headless: its audio source is a 1 kHz sine (`ausine`), its
//! `sndfile` module records each call's audio as WAV, and it is driven over `ctrl_tcp` (netstring JSON). It dials,
//! holds the call ~3 s, hangs up; then the recording of what baresip *received* (`dump-…-dec.wav`: the decoder's
//! output, "audio rx pipeline: alsa <--- sndfile <--- PCMU") must be dominated by its own tone, echoed back, and
//! the call must be gone on both sides: baresip lists no active call and quits cleanly, and Council's witness log
//! holds `call-released`.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use council_e2e::sip::*;
use serde_json::{Value, json};

const FREQ: f64 = 1000.0;
const HOLD: Duration = Duration::from_secs(3);

/// A headless baresip configuration in `dir`: SIP and control on free loopback ports, PCMU only, a sine source,
/// no sound card (`alsa,null` is never opened: the player falls back silently), recordings in `dir/rec`.
/// With `password`, the account authenticates (digest) as user `ada`.
fn configure(dir: &Path, password: Option<&str>) -> (u16, u16, PathBuf) {
    let sip = free_port();
    let ctrl = free_port();
    let rtp = free_ports(20);
    let rec = dir.join("rec");
    std::fs::create_dir_all(&rec).unwrap();
    let config = format!(
        "poll_method\t\tepoll\n\
         sip_listen\t\t127.0.0.1:{sip}\n\
         net_interface\t\t127.0.0.1\n\
         audio_player\t\talsa,null\n\
         audio_alert\t\talsa,null\n\
         audio_source\t\tausine,{freq}\n\
         ausrc_srate\t\t48000\n\
         ausrc_channels\t\t2\n\
         rtp_ports\t\t{rtp}-{rtp_end}\n\
         module_path\t\t/usr/lib/baresip/modules\n\
         module\t\t\tg711.so\n\
         module\t\t\tausine.so\n\
         module\t\t\talsa.so\n\
         module\t\t\tsndfile.so\n\
         module_app\t\taccount.so\n\
         module_app\t\tmenu.so\n\
         module_app\t\tctrl_tcp.so\n\
         ctrl_tcp_listen\t\t127.0.0.1:{ctrl}\n\
         snd_path\t\t{rec}\n",
        freq = FREQ as u32,
        rtp_end = rtp + 19,
        rec = rec.display()
    );
    std::fs::write(dir.join("config"), config).unwrap();
    std::fs::write(
        dir.join("accounts"),
        match password {
            None => format!("<sip:expert@127.0.0.1:{sip}>;regint=0;answermode=auto;audio_codecs=PCMU\n"),
            Some(p) => format!(
                "<sip:ada@127.0.0.1:{sip}>;auth_pass={p};regint=0;answermode=auto;audio_codecs=PCMU\n"
            ),
        },
    )
    .unwrap();
    std::fs::write(dir.join("contacts"), "").unwrap();
    (sip, ctrl, rec)
}

/// baresip's `ctrl_tcp`: commands out, responses and events in, each a netstring holding a JSON object.
struct Ctrl {
    stream: TcpStream,
    rx: mpsc::Receiver<Value>,
    /// Received and not yet waited for (an event may arrive before the response to the command that caused it).
    pending: Vec<Value>,
    /// Everything received, for messages.
    log: Vec<Value>,
}

impl Ctrl {
    fn connect(port: u16) -> Self {
        let end = Instant::now() + Duration::from_secs(15);
        let stream = loop {
            match TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port))) {
                Ok(s) => break s,
                Err(e) if Instant::now() < end => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("baresip's ctrl_tcp on {port}: {e}"),
            }
        };
        let mut reader = stream.try_clone().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n) = reader.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                // Netstrings: LEN ":" BYTES ","
                while let Some(colon) = buf.iter().position(|&b| b == b':') {
                    let len: usize = match std::str::from_utf8(&buf[..colon])
                        .ok()
                        .and_then(|s| s.parse().ok())
                    {
                        Some(l) => l,
                        None => return,
                    };
                    if buf.len() < colon + 1 + len + 1 {
                        break;
                    }
                    let body = buf[colon + 1..colon + 1 + len].to_vec();
                    buf.drain(..colon + 1 + len + 1);
                    if let Ok(v) = serde_json::from_slice::<Value>(&body)
                        && tx.send(v).is_err()
                    {
                        return;
                    }
                }
            }
        });
        Self {
            stream,
            rx,
            pending: Vec::new(),
            log: Vec::new(),
        }
    }

    fn send(&mut self, command: &str, params: Option<&str>) {
        let mut v = json!({ "command": command, "token": command });
        if let Some(p) = params {
            v["params"] = json!(p);
        }
        let body = v.to_string();
        write!(self.stream, "{}:{body},", body.len()).unwrap();
    }

    /// The first message not yet waited for that `pred` accepts, within `limit`.
    fn wait(&mut self, limit: Duration, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i);
        }
        let end = Instant::now() + limit;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(v) => {
                    self.log.push(v.clone());
                    if pred(&v) {
                        return v;
                    }
                    self.pending.push(v);
                }
                Err(_) => panic!(
                    "baresip: no {what} within {limit:?}; it said: {:#?}",
                    self.log
                ),
            }
        }
    }

    /// Runs a command and returns its response's `data` (asserting `ok`).
    fn command(&mut self, command: &str, params: Option<&str>) -> String {
        self.send(command, params);
        let r = self.wait(
            Duration::from_secs(10),
            &format!("response to {command}"),
            |v| v["response"] == json!(true) && v["token"] == json!(command),
        );
        assert_eq!(r["ok"], json!(true), "{command}: {r}");
        r["data"].as_str().unwrap_or_default().to_owned()
    }

    fn event(&mut self, kind: &str, limit: Duration) -> Value {
        self.wait(limit, &format!("event {kind}"), |v| {
            v["event"] == json!(true) && v["type"] == json!(kind)
        })
    }
}

#[test]
fn baresip_hears_its_own_tone_echoed_and_the_call_ends_on_both_sides() {
    if !have("baresip", "baresip-core") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    echo_call(dir.path(), server, None);
}

/// The same call with `[sip] auth = "digest"`: baresip answers the 401 with its account's password. baresip 1.0
/// (libre) does MD5 only and gives up on a challenge of another algorithm, so serve challenges MD5 alone.
#[test]
fn baresip_authenticates_with_digest_and_hears_its_tone() {
    if !have("baresip", "baresip-core") {
        return;
    }
    if Target::from_env() != Target::Council {
        eprintln!("SIPp's UAS does not authenticate: this test is for council serve only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("council.toml");
    std::fs::write(
        &config,
        "[sip]\nauth = \"digest\"\ndigest-algorithms = [\"MD5\"]\n\
         [[sip.users]]\nname = \"ada\"\npassword = \"s3cret\"\n",
    )
    .unwrap();
    let server = Server::start(dir.path(), &["--config", &config.display().to_string()]);
    echo_call(dir.path(), server, Some("s3cret"));
}

/// baresip in `dir/baresip` dials `server`, holds the call, hangs up, quits; then the checks of the module doc.
fn echo_call(dir: &Path, server: Server, password: Option<&str>) {
    let conf = dir.join("baresip");
    std::fs::create_dir_all(&conf).unwrap();
    let (_sip, ctrl_port, rec) = configure(&conf, password);

    let mut baresip = Guard::spawn(
        Command::new("baresip")
            .arg("-f")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "baresip",
    );
    let mut out = Lines::new(baresip.child.stdout.take().unwrap());
    let mut err = Lines::new(baresip.child.stderr.take().unwrap());
    let mut ctrl = Ctrl::connect(ctrl_port);

    let target = format!("sip:council@{}", server.sip);
    ctrl.command("dial", Some(&target));
    ctrl.event("CALL_ESTABLISHED", Duration::from_secs(15));
    std::thread::sleep(HOLD);
    let calls = ctrl.command("listcalls", None);
    assert!(
        calls.contains("Active calls (1)"),
        "during the call: {calls}"
    );

    ctrl.command("hangup", None);
    ctrl.event("CALL_CLOSED", Duration::from_secs(10));
    let calls = ctrl.command("listcalls", None);
    assert!(
        calls.contains("Active calls (0)"),
        "after hanging up: {calls}"
    );
    if server.is_council() {
        let released = server.await_witness("call-released", 1, Duration::from_secs(10));
        assert_eq!(released, 1, "Council did not release the call");
        assert_eq!(server.witness_count("call-bridged"), 1);
    }
    ctrl.send("quit", None);
    let status = baresip.wait_or_kill(Duration::from_secs(15));
    let said = format!("stdout: {}\nstderr: {}", out.drain(), err.drain());
    assert!(status.success(), "baresip exited with {status}\n{said}");

    let (dec, enc) = recordings(&rec);
    let (sent, sent_rate) = read_wav(&enc);
    let (heard, rate) = read_wav(&dec);
    let sent_share = tone_share(&sent, sent_rate, FREQ);
    let share = tone_share(&heard, rate, FREQ);
    let blocks = tone_blocks(&heard, rate, FREQ, 300.0);
    eprintln!(
        "baresip sent {:.1} s ({:.1} % at {FREQ} Hz) and heard {:.1} s: {:.1} % of its energy at {FREQ} Hz, \
         {blocks} blocks of 20 ms with the tone",
        sent.len() as f64 / f64::from(sent_rate),
        sent_share * 100.0,
        heard.len() as f64 / f64::from(rate),
        share * 100.0
    );
    assert!(
        sent_share > 0.9,
        "baresip did not send its tone: {:.1} %",
        sent_share * 100.0
    );
    assert!(
        share > 0.5,
        "the tone holds only {:.1} % of what baresip heard",
        share * 100.0
    );
    // At least 2 of the ~3 s held: the echo lasted the call, not a moment of it.
    assert!(
        blocks >= 100,
        "the tone came back in only {blocks} blocks of 20 ms\n{said}"
    );

    let witness_dir = server.witness_dir.clone();
    let council = server.is_council();
    server.stop();
    if council {
        verify_witness(&witness_dir);
    }
}

/// The call's two recordings in `rec`: (decoded received audio, audio sent to the encoder).
fn recordings(rec: &Path) -> (PathBuf, PathBuf) {
    let files: Vec<PathBuf> = std::fs::read_dir(rec)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let pick = |suffix: &str| {
        let v: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.display().to_string().ends_with(suffix))
            .collect();
        assert_eq!(
            v.len(),
            1,
            "want one *{suffix} in {}: {files:?}",
            rec.display()
        );
        v[0].clone()
    };
    (pick("-dec.wav"), pick("-enc.wav"))
}
