//! `council witness …`: make keys, verify a log, read it, hand out its latest checkpoint.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use council_witness::{
    Entry, Error, Note, SignatureCheck, SignerKey, Verifier, VerifyOptions, kind, verify_file,
};
use serde_json::Value;

/// Exit status of `verify` for a log that fails verification (tampering, or not a witness log).
pub const EXIT_TAMPERED: u8 = 1;
/// Exit status of `verify` for a log whose complete lines verify but whose last line was cut off by a crash.
pub const EXIT_TORN_TAIL: u8 = 3;

#[derive(Subcommand)]
pub enum Command {
    /// Make an Ed25519 witness key pair: DIR/witness.key (secret, mode 0600) and DIR/witness.pub.
    Keygen {
        dir: PathBuf,
        /// The key's name, which is also the origin line of every checkpoint it signs.
        #[arg(long, default_value = "council-witness")]
        name: String,
    },
    /// Replay a log and check every line, chain link, checkpoint and signature.
    ///
    /// Exit status: 0 verified; 1 tampered or not a witness log (the first bad line is named); 3 the complete lines
    /// verify but the last line is torn (a crash mid-write); 2 the log or a key could not be read.
    Verify {
        log: PathBuf,
        /// The public key (witness.pub) the log must be kept under. Without it the key the log names is used,
        /// which shows consistency but not who wrote it.
        #[arg(long)]
        key: Option<PathBuf>,
        /// A checkpoint note saved earlier (e.g. by `council witness checkpoint`): the log must still contain
        /// exactly the tree it describes. Repeatable.
        #[arg(long = "checkpoint", value_name = "NOTE")]
        checkpoints: Vec<PathBuf>,
    },
    /// Print a log readably, one entry a line (no verification: use `verify`).
    Show {
        log: PathBuf,
        /// Only entries of this kind (e.g. media-digest, checkpoint).
        #[arg(long)]
        kind: Option<String>,
    },
    /// Print the log's latest checkpoint note, for an outside party to keep and later pass to `verify --checkpoint`.
    /// The log is verified first; nothing is printed for a log that fails.
    Checkpoint {
        log: PathBuf,
        /// The public key the log must be kept under (as for `verify`).
        #[arg(long)]
        key: Option<PathBuf>,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Keygen { dir, name } => keygen(&dir, &name),
        Command::Verify {
            log,
            key,
            checkpoints,
        } => verify(&log, key.as_deref(), &checkpoints),
        Command::Show { log, kind } => show(&log, kind.as_deref()),
        Command::Checkpoint { log, key } => checkpoint(&log, key.as_deref()),
    }
}

fn keygen(dir: &Path, name: &str) -> anyhow::Result<ExitCode> {
    let key = SignerKey::generate(name)?;
    let (private, public) = key.write_pair(dir)?;
    println!(
        "wrote {} (secret) and {}",
        private.display(),
        public.display()
    );
    println!("public key: {}", key.verifier());
    Ok(ExitCode::SUCCESS)
}

fn verify(log: &Path, key: Option<&Path>, held: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let key = key.map(Verifier::read).transpose()?;
    let mut checkpoints = Vec::new();
    for path in held {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read checkpoint", path.display()))?;
        let note = Note::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        match &key {
            Some(k) if note.check(k) != SignatureCheck::Valid => {
                bail!(
                    "{}: the held checkpoint is not validly signed by {k}",
                    path.display()
                )
            }
            Some(_) => {}
            None => eprintln!("note: {}: signature not checked (no --key)", path.display()),
        }
        checkpoints.push(note.checkpoint);
    }
    match verify_file(log, &VerifyOptions { key, checkpoints }) {
        Ok(report) if report.entries == 0 => {
            // Every log starts with its genesis entry: an empty file is a log emptied, or none at all.
            println!(
                "{}: FAILED at line 1: the log is empty (no genesis entry)",
                log.display()
            );
            Ok(ExitCode::from(EXIT_TAMPERED))
        }
        Ok(report) => {
            if let Some(torn) = &report.torn_tail {
                println!(
                    "{}: TORN TAIL at line {}: {report}",
                    log.display(),
                    torn.line
                );
                println!(
                    "the lines before it verify; the last entry was cut off mid-write (a crash), not tampered with"
                );
                return Ok(ExitCode::from(EXIT_TORN_TAIL));
            }
            println!("{}: OK: {report}", log.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(Error::Invalid { failure, .. }) => {
            println!(
                "{}: FAILED at line {}: {}",
                log.display(),
                failure.line,
                failure.problem
            );
            Ok(ExitCode::from(EXIT_TAMPERED))
        }
        Err(e) => Err(e.into()),
    }
}

fn read_lines(log: &Path) -> anyhow::Result<(Vec<String>, Option<String>)> {
    let data = std::fs::read(log).with_context(|| format!("{}: cannot read log", log.display()))?;
    let text = String::from_utf8_lossy(&data);
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let torn = lines.pop().filter(|l| !l.is_empty());
    Ok((lines, torn))
}

fn show(log: &Path, only: Option<&str>) -> anyhow::Result<ExitCode> {
    let (lines, torn) = read_lines(log)?;
    for (i, line) in lines.iter().enumerate() {
        let Ok(e) = serde_json::from_str::<Entry>(line) else {
            println!(
                "{:>6}  (not a witness entry) {}",
                i + 1,
                line.chars().take(100).collect::<String>()
            );
            continue;
        };
        if only.is_some_and(|k| k != e.kind) {
            continue;
        }
        println!("{:>6}  {}  {:<13} {}", e.seq, e.time, e.kind, describe(&e));
    }
    if let Some(t) = torn {
        println!(
            "{:>6}  (torn: {} bytes cut off mid-write)",
            lines.len() + 1,
            t.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One entry's fields as `key=value` pairs; a checkpoint as what it attests.
fn describe(e: &Entry) -> String {
    if e.kind == kind::CHECKPOINT
        && let Some(Ok(note)) = e
            .fields
            .get("note")
            .and_then(Value::as_str)
            .map(Note::parse)
    {
        let reason = e
            .fields
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let signer = note
            .signatures
            .first()
            .map_or("unsigned".to_owned(), |s| format!("signed by {}", s.name));
        let root = note.body.lines().nth(2).unwrap_or("");
        return format!(
            "reason={reason} size={} root={root} {signer}",
            note.checkpoint.size
        );
    }
    e.fields
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}={s}"),
            v => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn checkpoint(log: &Path, key: Option<&Path>) -> anyhow::Result<ExitCode> {
    // Hand out only what a verified log attests: a note planted in a tampered log must not reach an auditor.
    let key = key.map(Verifier::read).transpose()?;
    let report = verify_file(
        log,
        &VerifyOptions {
            key,
            checkpoints: vec![],
        },
    )?;
    if report.checkpoints == 0 {
        bail!("{}: no checkpoint in the log yet", log.display());
    }
    let (lines, _) = read_lines(log)?;
    let note = lines.iter().rev().find_map(|l| {
        let e: Entry = serde_json::from_str(l).ok()?;
        (e.kind == kind::CHECKPOINT)
            .then(|| e.fields.get("note")?.as_str().map(str::to_owned))
            .flatten()
    });
    match note {
        Some(n) => {
            print!("{n}");
            Ok(ExitCode::SUCCESS)
        }
        None => bail!("{}: no checkpoint in the log", log.display()),
    }
}
