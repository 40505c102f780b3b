//! What a call's media is, chosen once per daemon: an echo of the caller, a leg of the council, or (for a calling
//! terminal) a tone out and a recording in.

use std::path::PathBuf;
use std::time::Duration;

use crate::conference::{Councils, Leg};
use crate::echo::{self, EchoSession, EchoSpec, Ended};
use crate::{Error, pipeline};

/// How calls get their media.
#[derive(Debug, Clone)]
pub enum Media {
    /// Each caller hears itself ([`EchoSession`]).
    Echo,
    /// Each caller is a participant of a council's conference.
    Council(Councils),
    /// We are the terminal: we send a tone (Hz) and record what we hear into a WAV file.
    Tone { freq: u32, record: PathBuf },
}

/// A call's running media. [`Session::stop`] (or dropping it) ends it.
#[derive(Debug)]
pub enum Session {
    Echo(EchoSession),
    Council(Leg),
    Tone(ToneSession),
}

impl Media {
    /// Starts a call's media as negotiated in `spec`; `on_end` hears (from a GStreamer thread, maybe more than
    /// once) why it ended by itself. A council call joins the default council.
    pub fn start(
        &self,
        spec: &EchoSpec,
        on_end: impl Fn(Ended) + Send + Sync + 'static,
    ) -> Result<Session, Error> {
        self.start_in(None, spec, on_end)
    }

    /// Like [`Media::start`]; a council call joins council `council` (`None`: the default one).
    pub fn start_in(
        &self,
        council: Option<&str>,
        spec: &EchoSpec,
        on_end: impl Fn(Ended) + Send + Sync + 'static,
    ) -> Result<Session, Error> {
        match self {
            Media::Echo => {
                let session = EchoSession::start(spec)?;
                session.watch(on_end);
                Ok(Session::Echo(session))
            }
            Media::Council(councils) => Ok(Session::Council(
                councils.conference(council)?.join(spec, on_end)?,
            )),
            Media::Tone { freq, record } => {
                let session = ToneSession::start(spec, *freq, record)?;
                session.watch(on_end);
                Ok(Session::Tone(session))
            }
        }
    }
}

impl Session {
    /// The UDP port its RTP is received on.
    pub fn local_port(&self) -> u16 {
        match self {
            Session::Echo(s) => s.local_port(),
            Session::Council(l) => l.local_port(),
            Session::Tone(t) => t.echo.local_port(),
        }
    }

    /// Ends it; an echo or a tone drains (at most `drain`) so its taps write their last digest and a recording is
    /// finished.
    pub fn stop(self, drain: Duration) {
        match self {
            Session::Echo(s) => s.stop(drain),
            Session::Council(l) => l.leave(),
            Session::Tone(t) => t.echo.stop(drain),
        }
    }
}

/// A terminal's media: the full out leg of the codec with its test tone, and the full in leg with its WAV
/// recording, in one pipeline with the symmetric socket (the [`EchoSession`] machinery, other description).
#[derive(Debug)]
pub struct ToneSession {
    echo: EchoSession,
}

impl ToneSession {
    /// The full in and out legs of the codec side by side, names prefixed `rx-` and `tx-` like an echo's.
    fn description(spec: &EchoSpec) -> String {
        let (rx, tx) = echo::legs(spec.codec);
        format!(
            "{}  {}",
            pipeline::prefix_names(rx, "rx-"),
            pipeline::prefix_names(tx, "tx-")
        )
    }

    fn start(spec: &EchoSpec, freq: u32, record: &std::path::Path) -> Result<Self, Error> {
        let mut echo = EchoSession::prepare(&Self::description(spec), spec)?;
        let settings = [
            ("tx-audio-in", "freq", freq.to_string()),
            ("rx-audio-out", "location", record.display().to_string()),
        ];
        pipeline::set(echo.pipeline(), &settings)?;
        echo.play(spec)?;
        Ok(Self { echo })
    }

    fn watch(&self, on_end: impl Fn(Ended) + Send + Sync + 'static) {
        self.echo.watch(on_end);
    }
}
