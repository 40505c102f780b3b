//! Writes one encoded RAS datagram per message kind (the crate's samples: all 33 `RasMessage` alternatives and the
//! keep-alive RRQ) into a directory — the fuzz seed corpus, or datagrams to throw at a gatekeeper by hand.
//!
//! `cargo run -p council-h225 --example ras_samples -- orchestrator/h225/fuzz/corpus/ras_decode`

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: ras_samples DIR")?);
    std::fs::create_dir_all(&dir)?;
    let mut messages = council_h225::samples::all();
    messages.push(council_h225::samples::keep_alive_rrq(2000));
    for (i, m) in messages.iter().enumerate() {
        let bytes = council_h225::encode(m)?;
        std::fs::write(dir.join(format!("{i:02}-{}.ras", m.short_name())), bytes)?;
    }
    println!("{} datagrams in {}", messages.len(), dir.display());
    Ok(())
}
