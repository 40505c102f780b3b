//! Digest authentication for Council's UAS (RFC 3261 §22 with RFC 7616's algorithms, as RFC 8760 brings
//! them to SIP): the challenge a 401 carries, the check of the retried request's `Authorization`, and the
//! client side that answers a challenge.
//!
//! Sans-IO like the rest of the crate: time is an input (`now`, Unix seconds), the credential store is a
//! closure, and nothing here keeps state between requests.
//!
//! - Wire format: [`parse_auth_value`] reads any `Authorization`, `WWW-Authenticate`, `Proxy-Authorization`
//!   or `Proxy-Authenticate` value (`scheme` + auth-params, RFC 3261 §25 / RFC 7616 grammar);
//!   [`Credentials`] and [`Challenge`] type them and write them back ([`std::fmt::Display`]).
//! - Server: a [`Challenger`] makes stateless nonces (a timestamp and an HMAC-SHA-256 over it and the realm,
//!   so any nonce can be checked and aged without remembering it) and the `WWW-Authenticate` values, SHA-256
//!   first then MD5 (RFC 8760: a UAS lists its preference first); [`Challenger::verify`] says what to answer ([`AuthResult`]).
//! - Client: [`respond`] builds the `Authorization` value for a challenge.
//!
//! Not done: nonce-count replay protection (it needs per-nonce state; see the README), `qop=auth-int`, the
//! `userhash` and `username*` forms (parsed, refused as not offered).

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use md5::Md5;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;

use crate::message::Request;

/// What is wrong with an auth header value, or with what a caller asked to write. Its text is the reason
/// phrase of the 400 that answers a malformed `Authorization`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("Authorization: {0}")]
    Syntax(&'static str),
    #[error("Authorization: scheme is not Digest")]
    NotDigest,
    #[error("Authorization: duplicate parameter {0}")]
    Duplicate(String),
    #[error("Authorization: missing parameter {0}")]
    Missing(&'static str),
    #[error("Authorization: unsupported algorithm {0}")]
    UnsupportedAlgorithm(String),
    #[error("Authorization: {0}")]
    Invalid(&'static str),
    /// A value to write holds CR or LF, which no quoted-string can carry.
    #[error("value contains CR or LF")]
    Unrepresentable,
}

// ---------------------------------------------------------------------------------------------------------
// Wire format: `scheme` LWS auth-param *(COMMA auth-param), auth-param = token EQUAL (token / quoted-string)
// ---------------------------------------------------------------------------------------------------------

/// One auth-param as received: the name as written, the value unquoted and unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParam {
    pub name: String,
    pub value: String,
    /// Whether the value was a quoted-string (RFC 7616 says which parameters are sent which way; a
    /// recipient accepts both, so this is informational).
    pub quoted: bool,
}

/// RFC 3261 §25.1 `token`: alphanumerics and `-.!%*_+`'~`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

fn skip_ws(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

/// The longest token at the start of `s`, and the rest.
fn take_token(s: &str) -> (&str, &str) {
    let end = s.bytes().position(|b| !is_token_byte(b)).unwrap_or(s.len());
    s.split_at(end)
}

/// A quoted-string at the start of `s` (which starts with `"`): its content unescaped, and the rest.
/// qdtext is LWS, any printable ASCII but `"` and `\`, or non-ASCII UTF-8; quoted-pair is `\` and any ASCII
/// but CR and LF (RFC 3261 §25.1).
fn take_quoted(s: &str) -> Result<(String, &str), AuthError> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &s[i + 1..])),
            '\\' => match chars.next() {
                Some((_, n)) if n.is_ascii() && n != '\r' && n != '\n' => out.push(n),
                Some(_) => return Err(AuthError::Syntax("bad escape in quoted string")),
                None => return Err(AuthError::Syntax("unterminated quoted string")),
            },
            c if c.is_ascii_control() && c != '\t' => {
                return Err(AuthError::Syntax("control character in quoted string"));
            }
            c => out.push(c),
        }
    }
    Err(AuthError::Syntax("unterminated quoted string"))
}

/// Splits an auth header value into its scheme and parameters. Strict: the scheme is a token followed by
/// whitespace and at least one parameter; names are tokens; values are tokens or quoted-strings (escapes
/// undone); whitespace is allowed around `=` and `,`; empty list elements and a parameter named twice
/// (case-insensitively) are refused. Never panics.
pub fn parse_auth_value(value: &str) -> Result<(&str, Vec<AuthParam>), AuthError> {
    let s = value.trim_matches([' ', '\t']);
    let (scheme, rest) = take_token(s);
    if scheme.is_empty() {
        return Err(AuthError::Syntax("scheme is not a token"));
    }
    let mut s = skip_ws(rest);
    if s.len() == rest.len() && !rest.is_empty() {
        return Err(AuthError::Syntax("scheme not followed by whitespace"));
    }
    if s.is_empty() {
        return Err(AuthError::Syntax("no parameters"));
    }
    let mut params: Vec<AuthParam> = Vec::new();
    loop {
        let (name, rest) = take_token(s);
        if name.is_empty() {
            return Err(AuthError::Syntax("parameter name is not a token"));
        }
        let rest = skip_ws(rest);
        let Some(rest) = rest.strip_prefix('=') else {
            return Err(AuthError::Syntax("parameter without '='"));
        };
        let rest = skip_ws(rest);
        let (value, quoted, rest) = if rest.starts_with('"') {
            let (v, r) = take_quoted(rest)?;
            (v, true, r)
        } else {
            let (v, r) = take_token(rest);
            if v.is_empty() {
                return Err(AuthError::Syntax(
                    "parameter value is not a token or quoted string",
                ));
            }
            (v.to_owned(), false, r)
        };
        if params.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            return Err(AuthError::Duplicate(name.to_ascii_lowercase()));
        }
        params.push(AuthParam {
            name: name.to_owned(),
            value,
            quoted,
        });
        let rest = skip_ws(rest);
        if rest.is_empty() {
            return Ok((scheme, params));
        }
        let Some(rest) = rest.strip_prefix(',') else {
            return Err(AuthError::Syntax("expected ',' between parameters"));
        };
        s = skip_ws(rest);
    }
}

/// The parameters of a Digest value. The scheme is looked at first, so another scheme's value (`Basic` with
/// its token68, `Bearer`, …) is [`AuthError::NotDigest`] however it is written, not a syntax error.
fn digest_params(value: &str) -> Result<Vec<AuthParam>, AuthError> {
    let (scheme, _) = take_token(value.trim_start_matches([' ', '\t']));
    if !scheme.eq_ignore_ascii_case("Digest") {
        return Err(AuthError::NotDigest);
    }
    Ok(parse_auth_value(value)?.1)
}

/// The value of parameter `name` (case-insensitive).
fn param<'a>(params: &'a [AuthParam], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.value.as_str())
}

fn required<'a>(params: &'a [AuthParam], name: &'static str) -> Result<&'a str, AuthError> {
    param(params, name).ok_or(AuthError::Missing(name))
}

/// `true`/`false`, case-insensitive (RFC 7616 `stale`, `userhash`); absent is false.
fn flag(params: &[AuthParam], name: &str, bad: &'static str) -> Result<bool, AuthError> {
    match param(params, name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(AuthError::Invalid(bad)),
    }
}

/// Writes `, name="value"` with `"`, `\` and ASCII controls but tab escaped.
fn write_quoted(f: &mut fmt::Formatter<'_>, name: &str, value: &str) -> fmt::Result {
    write!(f, "{name}=\"")?;
    for c in value.chars() {
        if c == '"' || c == '\\' || (c.is_ascii_control() && c != '\t') {
            write!(f, "\\")?;
        }
        write!(f, "{c}")?;
    }
    write!(f, "\"")
}

fn check_representable(values: &[&str]) -> Result<(), AuthError> {
    if values.iter().any(|v| v.contains(['\r', '\n'])) {
        return Err(AuthError::Unrepresentable);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Algorithms
// ---------------------------------------------------------------------------------------------------------

/// The digest algorithms Council speaks (RFC 7616 §3.3; RFC 8760 for SIP). `-sess` variants hash the
/// client nonce into HA1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    /// The token on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    /// The algorithm a token names (case-insensitive), if supported.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ]
        .into_iter()
        .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    pub fn is_sess(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// Whether this is a SHA-256 variant (they share one HA1, as the MD5 variants do).
    pub fn is_sha256(self) -> bool {
        matches!(self, Algorithm::Sha256 | Algorithm::Sha256Sess)
    }

    /// Length of a digest in lower-case hex.
    pub fn hex_len(self) -> usize {
        if self.is_sha256() { 64 } else { 32 }
    }

    /// `H(data)` in lower-case hex, as every digest value is written.
    pub fn hash_hex(self, data: &[u8]) -> String {
        if self.is_sha256() {
            hex(&Sha256::digest(data))
        } else {
            hex(&Md5::digest(data))
        }
    }

    /// `H(unq(username) ":" unq(realm) ":" passwd)`: what a credential store may keep instead of the
    /// password (one per hash, since the `-sess` variants start from the same value).
    pub fn ha1(self, user: &str, realm: &str, password: &str) -> String {
        self.hash_hex(format!("{user}:{realm}:{password}").as_bytes())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `qop` a response was computed with. Council offers and verifies `auth` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qop {
    Auth,
    AuthInt,
}

impl Qop {
    pub fn name(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
        }
    }

    fn from_name(name: &str) -> Option<Qop> {
        if name.eq_ignore_ascii_case("auth") {
            Some(Qop::Auth)
        } else if name.eq_ignore_ascii_case("auth-int") {
            Some(Qop::AuthInt)
        } else {
            None
        }
    }
}

/// The pieces a request-digest is made of.
struct DigestInput<'a> {
    algorithm: Algorithm,
    /// `H(user:realm:password)` of the algorithm's hash, lower-case hex (before any `-sess` step).
    ha1: &'a str,
    nonce: &'a str,
    method: &'a str,
    uri: &'a str,
    /// `(qop, nc, cnonce)`, or none for the RFC 2069 form.
    qop: Option<(Qop, u32, &'a str)>,
    /// Needed by the `-sess` variants even without qop.
    cnonce: Option<&'a str>,
}

/// The request-digest (RFC 7616 §3.4.1; RFC 2617 §3.2.2.1 for the form without qop), lower-case hex.
fn request_digest(d: &DigestInput<'_>) -> String {
    let h = |s: String| d.algorithm.hash_hex(s.as_bytes());
    let ha1 = if d.algorithm.is_sess() {
        h(format!(
            "{}:{}:{}",
            d.ha1,
            d.nonce,
            d.cnonce.unwrap_or_default()
        ))
    } else {
        d.ha1.to_ascii_lowercase()
    };
    let ha2 = h(format!("{}:{}", d.method, d.uri));
    match d.qop {
        Some((qop, nc, cnonce)) => h(format!(
            "{ha1}:{}:{nc:08x}:{cnonce}:{}:{ha2}",
            d.nonce,
            qop.name()
        )),
        None => h(format!("{ha1}:{}:{ha2}", d.nonce)),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Credentials (Authorization / Proxy-Authorization)
// ---------------------------------------------------------------------------------------------------------

/// A Digest `Authorization` (or `Proxy-Authorization`) value, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    /// The `digest-uri`, as the client wrote it; must be the Request-URI.
    pub uri: String,
    /// The request-digest, hex of the algorithm's length (upper-case hex is taken and kept lower-case).
    pub response: String,
    /// MD5 when the parameter is absent (RFC 7616 §3.3).
    pub algorithm: Algorithm,
    pub cnonce: Option<String>,
    /// `None`: the RFC 2069 form (no `cnonce`, no `nc`).
    pub qop: Option<Qop>,
    /// The nonce-count, written as 8 lower-case hex digits.
    pub nc: Option<u32>,
    pub opaque: Option<String>,
    /// RFC 7616 §3.4.4: `username` is `H(username:realm)`.
    pub userhash: bool,
}

impl Credentials {
    /// Parses an `Authorization` value. Refused: another scheme ([`AuthError::NotDigest`]), a syntax error, a
    /// missing `username`/`realm`/`nonce`/`uri`/`response`, an unknown algorithm or qop, a `response` that is
    /// not hex of the algorithm's length, an `nc` that is not 8 lower-case hex digits, `qop`
    /// without `cnonce` and `nc` or `cnonce`/`nc` without `qop`. Unknown parameters are ignored (RFC 7616
    /// auth-param extensions).
    pub fn parse(value: &str) -> Result<Credentials, AuthError> {
        let params = digest_params(value)?;
        let algorithm = match param(&params, "algorithm") {
            None => Algorithm::Md5,
            Some(a) => Algorithm::from_name(a)
                .ok_or_else(|| AuthError::UnsupportedAlgorithm(a.to_owned()))?,
        };
        // Upper-case hex is outside the grammar (LHEX) but unambiguous: taken, and kept lower-case.
        let response = required(&params, "response")?.to_ascii_lowercase();
        if response.len() != algorithm.hex_len()
            || !response
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(AuthError::Invalid(
                "response is not hex of the algorithm's length",
            ));
        }
        let qop = match param(&params, "qop") {
            None => None,
            Some(q) => Some(Qop::from_name(q).ok_or(AuthError::Invalid("unknown qop"))?),
        };
        let nc = match param(&params, "nc") {
            None => None,
            Some(n) => {
                if n.len() != 8
                    || !n
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                {
                    return Err(AuthError::Invalid("nc is not 8 lower-case hex digits"));
                }
                // Eight hex digits always fit.
                u32::from_str_radix(n, 16).ok()
            }
        };
        let cnonce = param(&params, "cnonce").map(str::to_owned);
        if qop.is_some() && (cnonce.is_none() || nc.is_none()) {
            return Err(AuthError::Invalid("qop without cnonce and nc"));
        }
        if qop.is_none() && nc.is_some() {
            return Err(AuthError::Invalid("nc without qop"));
        }
        if qop.is_none() && cnonce.is_some() && !algorithm.is_sess() {
            return Err(AuthError::Invalid("cnonce without qop"));
        }
        if algorithm.is_sess() && cnonce.is_none() {
            return Err(AuthError::Invalid("-sess algorithm without cnonce"));
        }
        Ok(Credentials {
            username: required(&params, "username")?.to_owned(),
            realm: required(&params, "realm")?.to_owned(),
            nonce: required(&params, "nonce")?.to_owned(),
            uri: required(&params, "uri")?.to_owned(),
            response,
            algorithm,
            cnonce,
            qop,
            nc,
            opaque: param(&params, "opaque").map(str::to_owned),
            userhash: flag(&params, "userhash", "userhash is not true or false")?,
        })
    }
}

impl fmt::Display for Credentials {
    /// The `Authorization` value, quoting as RFC 7616 §3.4 says (algorithm, qop, nc, userhash as tokens).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest ")?;
        write_quoted(f, "username", &self.username)?;
        write!(f, ", ")?;
        write_quoted(f, "realm", &self.realm)?;
        write!(f, ", ")?;
        write_quoted(f, "nonce", &self.nonce)?;
        write!(f, ", ")?;
        write_quoted(f, "uri", &self.uri)?;
        write!(f, ", ")?;
        write_quoted(f, "response", &self.response)?;
        write!(f, ", algorithm={}", self.algorithm.name())?;
        if let Some(cnonce) = &self.cnonce {
            write!(f, ", ")?;
            write_quoted(f, "cnonce", cnonce)?;
        }
        if let Some(opaque) = &self.opaque {
            write!(f, ", ")?;
            write_quoted(f, "opaque", opaque)?;
        }
        if let Some(qop) = self.qop {
            write!(f, ", qop={}", qop.name())?;
        }
        if let Some(nc) = self.nc {
            write!(f, ", nc={nc:08x}")?;
        }
        if self.userhash {
            write!(f, ", userhash=true")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Challenges (WWW-Authenticate / Proxy-Authenticate)
// ---------------------------------------------------------------------------------------------------------

/// A Digest `WWW-Authenticate` (or `Proxy-Authenticate`) value, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    /// MD5 when the parameter is absent.
    pub algorithm: Algorithm,
    /// The qop-options offered, known ones only; empty: answer in the RFC 2069 form.
    pub qop: Vec<Qop>,
    pub stale: bool,
    pub domain: Option<String>,
    pub userhash: bool,
}

impl Challenge {
    /// Parses a `WWW-Authenticate` value. Refused: another scheme, a syntax error, a missing `realm` or
    /// `nonce`, an unsupported algorithm (a UAC skips such a challenge and takes the next: see
    /// [`Challenge::pick`]), a `stale`/`userhash` that is not `true`/`false`.
    pub fn parse(value: &str) -> Result<Challenge, AuthError> {
        let params = digest_params(value)?;
        let algorithm = match param(&params, "algorithm") {
            None => Algorithm::Md5,
            Some(a) => Algorithm::from_name(a)
                .ok_or_else(|| AuthError::UnsupportedAlgorithm(a.to_owned()))?,
        };
        let qop = param(&params, "qop")
            .map(|q| {
                q.split(',')
                    .filter_map(|o| Qop::from_name(o.trim_matches([' ', '\t'])))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Challenge {
            realm: required(&params, "realm")?.to_owned(),
            nonce: required(&params, "nonce")?.to_owned(),
            opaque: param(&params, "opaque").map(str::to_owned),
            algorithm,
            qop,
            stale: flag(&params, "stale", "stale is not true or false")?,
            domain: param(&params, "domain").map(str::to_owned),
            userhash: flag(&params, "userhash", "userhash is not true or false")?,
        })
    }

    /// The first Digest challenge among `values` (a response's `WWW-Authenticate` values in order) that
    /// parses with a supported algorithm: RFC 8760 has a UAS list the strongest first, and a UAC use
    /// the topmost it supports.
    pub fn pick<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Challenge> {
        values.into_iter().find_map(|v| Challenge::parse(v).ok())
    }
}

impl fmt::Display for Challenge {
    /// The `WWW-Authenticate` value: realm, domain, nonce, opaque and qop quoted, algorithm and stale not
    /// (RFC 7616 §3.3).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest ")?;
        write_quoted(f, "realm", &self.realm)?;
        if let Some(domain) = &self.domain {
            write!(f, ", ")?;
            write_quoted(f, "domain", domain)?;
        }
        write!(f, ", ")?;
        write_quoted(f, "nonce", &self.nonce)?;
        if let Some(opaque) = &self.opaque {
            write!(f, ", ")?;
            write_quoted(f, "opaque", opaque)?;
        }
        if self.stale {
            write!(f, ", stale=true")?;
        }
        write!(f, ", algorithm={}", self.algorithm.name())?;
        if !self.qop.is_empty() {
            let options: Vec<&str> = self.qop.iter().map(|q| q.name()).collect();
            write!(f, ", qop=\"{}\"", options.join(","))?;
        }
        if self.userhash {
            write!(f, ", userhash=true")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Client side
// ---------------------------------------------------------------------------------------------------------

/// The `Authorization` value answering `challenge` for a request `method uri`: `qop=auth` with `cnonce` and
/// `nc` when the challenge offers it, the RFC 2069 form when it offers no qop. `cnonce` is the caller's
/// (random, per RFC 7616 at least 64 bits); `nc` counts the requests made with this nonce, from 1.
/// Refused: a value with CR or LF, a challenge offering only `auth-int`, or a `-sess` one without qop.
pub fn respond(
    challenge: &Challenge,
    method: &str,
    uri: &str,
    user: &str,
    password: &str,
    cnonce: &str,
    nc: u32,
) -> Result<String, AuthError> {
    check_representable(&[
        method,
        uri,
        user,
        cnonce,
        &challenge.realm,
        &challenge.nonce,
    ])?;
    check_representable(&[challenge.opaque.as_deref().unwrap_or_default()])?;
    let qop = if challenge.qop.is_empty() {
        None
    } else if challenge.qop.contains(&Qop::Auth) {
        Some(Qop::Auth)
    } else {
        return Err(AuthError::Invalid("challenge offers no qop but auth-int"));
    };
    let algorithm = challenge.algorithm;
    if algorithm.is_sess() && qop.is_none() {
        return Err(AuthError::Invalid("-sess algorithm without qop"));
    }
    let ha1 = algorithm.ha1(user, &challenge.realm, password);
    let response = request_digest(&DigestInput {
        algorithm,
        ha1: &ha1,
        nonce: &challenge.nonce,
        method,
        uri,
        qop: qop.map(|q| (q, nc, cnonce)),
        cnonce: qop.map(|_| cnonce),
    });
    let credentials = Credentials {
        username: user.to_owned(),
        realm: challenge.realm.clone(),
        nonce: challenge.nonce.clone(),
        uri: uri.to_owned(),
        response,
        algorithm,
        cnonce: qop.map(|_| cnonce.to_owned()),
        qop,
        nc: qop.map(|_| nc),
        opaque: challenge.opaque.clone(),
        userhash: false,
    };
    Ok(credentials.to_string())
}

// ---------------------------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------------------------

/// What the credential store knows of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    Password(String),
    /// Precomputed `H(username:realm:password)` for this realm, lower-case hex, per hash
    /// ([`Algorithm::ha1`]); an algorithm whose HA1 is missing cannot authenticate the user.
    Ha1 {
        md5: Option<String>,
        sha256: Option<String>,
    },
}

impl Secret {
    fn ha1(&self, algorithm: Algorithm, user: &str, realm: &str) -> Option<String> {
        match self {
            Secret::Password(p) => Some(algorithm.ha1(user, realm, p)),
            Secret::Ha1 { md5, sha256 } => {
                let h = if algorithm.is_sha256() { sha256 } else { md5 };
                h.as_ref().map(|h| h.to_ascii_lowercase())
            }
        }
    }
}

/// What to answer a request, from its `Authorization`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthResult {
    /// Go on: `user` proved they know the secret, for this request and a nonce of ours still fresh.
    /// `nonce` and `nc` (`None` in the RFC 2069 form) are what a caller keeping state needs for replay
    /// protection: accept each `nc` of a nonce once, increasing (RFC 7616 §3.4, `nc`); this module does not.
    Authenticated {
        user: String,
        nonce: String,
        nc: Option<u32>,
    },
    /// 401 with [`Challenger::challenge`]`(now, false)`: no credentials for our realm, a scheme other than
    /// Digest, an algorithm we do not offer, or an `opaque` not ours (an answer to someone else's challenge).
    Challenge,
    /// 401 with [`Challenger::challenge`]`(now, true)`: the response is right but the nonce expired (or is not
    /// one of ours, e.g. minted before a secret change): the client retries without asking its user.
    Stale,
    /// 403: an unknown user, or a wrong response (a wrong password). Not a fresh 401: the credentials were
    /// for our realm and our nonce, so asking again only invites the UA to loop or its user to guess; a 403
    /// ends the attempt and the UA reports it. `user` is the claimed name, for the log.
    Forbidden { user: String },
    /// 400 with this reason: a malformed header, `uri` not the Request-URI (RFC 2617 §3.2.2.5), or a form
    /// we never offer (`qop=auth-int`, `userhash`).
    BadRequest(AuthError),
}

type HmacSha256 = Hmac<Sha256>;

/// Bytes of a nonce: an 8-byte big-endian Unix time, then the 32-byte HMAC.
const NONCE_LEN: usize = 8 + 32;

/// Council's challenge maker and credential checker for one realm. Stateless: a nonce carries its own
/// timestamp and an HMAC-SHA-256 (under `secret`) of it and the realm, so any instance with the same secret
/// can verify and age it, and nothing is stored per challenge.
#[derive(Clone)]
pub struct Challenger {
    realm: String,
    /// Keys the nonce and opaque MACs; random per deployment (or per start: nonces then go stale, and a
    /// client with the right password is re-challenged with `stale=true`).
    secret: [u8; 32],
    /// How long a nonce is accepted after it was made.
    nonce_lifetime: Duration,
    /// Offered strongest first; only these are accepted.
    algorithms: Vec<Algorithm>,
}

impl fmt::Debug for Challenger {
    /// Leaves the secret out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenger")
            .field("realm", &self.realm)
            .field("nonce_lifetime", &self.nonce_lifetime)
            .field("algorithms", &self.algorithms)
            .finish_non_exhaustive()
    }
}

impl Challenger {
    /// A challenger offering SHA-256 then MD5 (for old phones) with `qop="auth"`. Refused: a realm with CR
    /// or LF.
    pub fn new(
        realm: impl Into<String>,
        secret: [u8; 32],
        nonce_lifetime: Duration,
    ) -> Result<Challenger, AuthError> {
        let realm = realm.into();
        check_representable(&[&realm])?;
        Ok(Challenger {
            realm,
            secret,
            nonce_lifetime,
            algorithms: vec![Algorithm::Sha256, Algorithm::Md5],
        })
    }

    /// Offers (and accepts) these algorithms instead, in this order: e.g. `[Sha256]` where no MD5-only
    /// phone calls in, or `[Sha256, Sha256Sess, Md5, Md5Sess]`. An empty list offers nothing.
    pub fn with_algorithms(mut self, algorithms: &[Algorithm]) -> Challenger {
        self.algorithms = algorithms.to_vec();
        self
    }

    pub fn realm(&self) -> &str {
        &self.realm
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes a key of any length; 32 bytes is never refused.
        <HmacSha256 as Mac>::new_from_slice(&self.secret).expect("HMAC accepts any key length")
    }

    /// A nonce made at `now`: base64url of the time and the HMAC of (time, realm).
    pub fn nonce(&self, now: u64) -> String {
        let mut mac = self.mac();
        mac.update(b"nonce\0");
        mac.update(&now.to_be_bytes());
        mac.update(self.realm.as_bytes());
        let mut bytes = now.to_be_bytes().to_vec();
        bytes.extend_from_slice(&mac.finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// When `nonce` was made, if it is one of ours (its MAC checks, in constant time).
    fn nonce_time(&self, nonce: &str) -> Option<u64> {
        let bytes = URL_SAFE_NO_PAD.decode(nonce).ok()?;
        if bytes.len() != NONCE_LEN {
            return None;
        }
        let (time, tag) = bytes.split_at(8);
        let mut mac = self.mac();
        mac.update(b"nonce\0");
        mac.update(time);
        mac.update(self.realm.as_bytes());
        mac.verify_slice(tag).ok()?;
        Some(u64::from_be_bytes(time.try_into().ok()?))
    }

    /// The `opaque` every challenge carries: a MAC of the realm, so an answer to another server's challenge
    /// shows.
    fn opaque(&self) -> String {
        let mut mac = self.mac();
        mac.update(b"opaque\0");
        mac.update(self.realm.as_bytes());
        URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
    }

    /// The `WWW-Authenticate` values of a 401 at `now`, one per algorithm, strongest first (RFC 8760),
    /// each with `qop="auth"`, the same nonce and opaque; `stale=true` after [`AuthResult::Stale`].
    pub fn challenge(&self, now: u64, stale: bool) -> Vec<String> {
        let nonce = self.nonce(now);
        let opaque = self.opaque();
        self.algorithms
            .iter()
            .map(|&algorithm| {
                Challenge {
                    realm: self.realm.clone(),
                    nonce: nonce.clone(),
                    opaque: Some(opaque.clone()),
                    algorithm,
                    qop: vec![Qop::Auth],
                    stale,
                    domain: None,
                    userhash: false,
                }
                .to_string()
            })
            .collect()
    }

    /// Checks the `Authorization` value (`None`: the request had none) of a request `method
    /// request_uri` at `now`, against the secret `lookup` finds for the claimed user. In order: no value or
    /// another scheme → Challenge; malformed → BadRequest; another realm, an algorithm we do not offer or an
    /// opaque not ours → Challenge; `userhash`, `auth-int` → BadRequest; `uri` ≠ Request-URI (compared as
    /// text) → BadRequest; unknown user or wrong response (compared in constant time) → Forbidden; right
    /// response, nonce not ours or older than the lifetime → Stale; else Authenticated. Both the `qop=auth`
    /// and the RFC 2069 forms are accepted. The nonce-count is not checked for replays (no state).
    pub fn verify<F>(
        &self,
        method: &str,
        request_uri: &str,
        authorization: Option<&str>,
        now: u64,
        lookup: F,
    ) -> AuthResult
    where
        F: Fn(&str) -> Option<Secret>,
    {
        let Some(value) = authorization else {
            return AuthResult::Challenge;
        };
        let credentials = match Credentials::parse(value) {
            Ok(c) => c,
            Err(AuthError::NotDigest | AuthError::UnsupportedAlgorithm(_)) => {
                return AuthResult::Challenge;
            }
            Err(e) => return AuthResult::BadRequest(e),
        };
        self.check(method, request_uri, &credentials, now, lookup)
    }

    /// [`Challenger::verify`] on a parsed request: of its `Authorization` values (one per realm it
    /// answers), the one for our realm; a malformed one is a BadRequest.
    pub fn verify_request<F>(&self, request: &Request, now: u64, lookup: F) -> AuthResult
    where
        F: Fn(&str) -> Option<Secret>,
    {
        let mut ours = None;
        for value in request.headers.get_all("Authorization") {
            match Credentials::parse(value) {
                Ok(c) if c.realm == self.realm => {
                    ours = Some(c);
                    break;
                }
                Ok(_) | Err(AuthError::NotDigest) => {}
                // Another realm's credentials with an algorithm we lack are not ours to judge.
                Err(AuthError::UnsupportedAlgorithm(_)) => {}
                Err(e) => return AuthResult::BadRequest(e),
            }
        }
        match ours {
            Some(c) => self.check(request.method.as_str(), &request.uri.text, &c, now, lookup),
            None => AuthResult::Challenge,
        }
    }

    fn check<F>(
        &self,
        method: &str,
        request_uri: &str,
        c: &Credentials,
        now: u64,
        lookup: F,
    ) -> AuthResult
    where
        F: Fn(&str) -> Option<Secret>,
    {
        if c.realm != self.realm
            || !self.algorithms.contains(&c.algorithm)
            || c.opaque.as_ref().is_some_and(|o| *o != self.opaque())
        {
            return AuthResult::Challenge;
        }
        if c.userhash {
            return AuthResult::BadRequest(AuthError::Invalid("userhash was not offered"));
        }
        if c.qop == Some(Qop::AuthInt) {
            return AuthResult::BadRequest(AuthError::Invalid("qop auth-int was not offered"));
        }
        if c.uri != request_uri {
            return AuthResult::BadRequest(AuthError::Invalid("uri is not the Request-URI"));
        }
        // An unknown user costs the same hashing as a known one, so timing does not tell them apart.
        let secret = lookup(&c.username);
        let known = secret.is_some();
        let ha1 = secret
            .and_then(|s| s.ha1(c.algorithm, &c.username, &self.realm))
            .unwrap_or_else(|| c.algorithm.ha1(&c.username, &self.realm, ""));
        let expected = request_digest(&DigestInput {
            algorithm: c.algorithm,
            ha1: &ha1,
            nonce: &c.nonce,
            method,
            uri: &c.uri,
            qop: c.qop.map(|q| {
                (
                    q,
                    c.nc.unwrap_or_default(),
                    c.cnonce.as_deref().unwrap_or_default(),
                )
            }),
            cnonce: c.cnonce.as_deref(),
        });
        let matches: bool = expected.as_bytes().ct_eq(c.response.as_bytes()).into();
        if !(known && matches) {
            return AuthResult::Forbidden {
                user: c.username.clone(),
            };
        }
        let fresh = self
            .nonce_time(&c.nonce)
            .is_some_and(|made| now.saturating_sub(made) <= self.nonce_lifetime.as_secs());
        if fresh {
            AuthResult::Authenticated {
                user: c.username.clone(),
                nonce: c.nonce.clone(),
                nc: c.nc,
            }
        } else {
            AuthResult::Stale
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Method;

    const REALM: &str = "council.example";
    const T0: u64 = 1_780_000_000;
    const LIFETIME: Duration = Duration::from_secs(300);

    fn challenger() -> Challenger {
        Challenger::new(REALM, [7; 32], LIFETIME).unwrap()
    }

    fn every_algorithm() -> [Algorithm; 4] {
        [
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
            Algorithm::Md5,
            Algorithm::Md5Sess,
        ]
    }

    fn store(user: &str) -> Option<Secret> {
        (user == "expert").then(|| Secret::Password("s3cret pass".into()))
    }

    const URI: &str = "sip:council@council.example";

    /// A client's answer to the first challenge `ch` gives at `at`.
    fn answer(ch: &Challenger, at: u64, user: &str, password: &str) -> String {
        let challenge =
            Challenge::pick(ch.challenge(at, false).iter().map(String::as_str)).unwrap();
        respond(&challenge, "INVITE", URI, user, password, "0a4f113b", 1).unwrap()
    }

    // RFC 7616 §3.9.1: the challenge and the two answers, header values unfolded as our parser leaves them.
    const RFC7616_CHALLENGE: &str = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", \
        algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
        opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    const RFC7616_MD5: &str = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
        uri=\"/dir/index.html\", algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
        nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
        response=\"8ca523f5e9506fed4657c9700eebdbec\", \
        opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    const RFC7616_SHA256: &str = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
        uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
        nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
        response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
        opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    // RFC 2617 §3.5 (its password is "Circle Of Life", capital O).
    const RFC2617: &str = "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, nc=00000001, \
        cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", \
        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

    #[test]
    fn rfc7616_worked_examples() {
        let challenge = Challenge::parse(RFC7616_CHALLENGE).unwrap();
        assert_eq!(challenge.realm, "http-auth@example.org");
        assert_eq!(challenge.algorithm, Algorithm::Sha256);
        assert_eq!(challenge.qop, vec![Qop::Auth, Qop::AuthInt]);
        for (algorithm, expected) in [
            (Algorithm::Md5, RFC7616_MD5),
            (Algorithm::Sha256, RFC7616_SHA256),
        ] {
            let expected = Credentials::parse(expected).unwrap();
            let ours = respond(
                &Challenge {
                    algorithm,
                    ..challenge.clone()
                },
                "GET",
                "/dir/index.html",
                "Mufasa",
                "Circle of Life",
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                1,
            )
            .unwrap();
            // Every field as the RFC has it, the response included.
            assert_eq!(Credentials::parse(&ours).unwrap(), expected);
        }
        assert_eq!(
            Credentials::parse(RFC7616_MD5).unwrap().response,
            "8ca523f5e9506fed4657c9700eebdbec"
        );
        assert_eq!(
            Credentials::parse(RFC7616_SHA256).unwrap().response,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    /// The server side reaches the same digests: with the RFC's (foreign) nonce and no opaque, a right
    /// password is Stale (right response, nonce not ours) and a wrong one Forbidden.
    #[test]
    fn rfc_examples_verify_on_the_server_side() {
        for (realm, value, password) in [
            ("http-auth@example.org", RFC7616_MD5, "Circle of Life"),
            ("http-auth@example.org", RFC7616_SHA256, "Circle of Life"),
            ("testrealm@host.com", RFC2617, "Circle Of Life"),
        ] {
            let ch = Challenger::new(realm, [1; 32], LIFETIME)
                .unwrap()
                .with_algorithms(&every_algorithm());
            let mut c = Credentials::parse(value).unwrap();
            c.opaque = None;
            let value = c.to_string();
            let right = |_: &str| Some(Secret::Password(password.into()));
            let wrong = |_: &str| Some(Secret::Password("circle of life".into()));
            assert_eq!(
                ch.verify("GET", "/dir/index.html", Some(&value), T0, right),
                AuthResult::Stale
            );
            assert_eq!(
                ch.verify("GET", "/dir/index.html", Some(&value), T0, wrong),
                AuthResult::Forbidden {
                    user: "Mufasa".into()
                }
            );
        }
    }

    #[test]
    fn rfc2617_example() {
        let c = Credentials::parse(RFC2617).unwrap();
        assert_eq!(c.algorithm, Algorithm::Md5);
        assert_eq!(c.nc, Some(1));
        let challenge = Challenge {
            realm: c.realm.clone(),
            nonce: c.nonce.clone(),
            opaque: c.opaque.clone(),
            algorithm: Algorithm::Md5,
            qop: vec![Qop::Auth, Qop::AuthInt],
            stale: false,
            domain: None,
            userhash: false,
        };
        let ours = respond(
            &challenge,
            "GET",
            "/dir/index.html",
            "Mufasa",
            "Circle Of Life",
            "0a4f113b",
            1,
        )
        .unwrap();
        assert_eq!(
            Credentials::parse(&ours).unwrap().response,
            "6629fae49393a05397450978507c4ef1"
        );
    }

    #[test]
    fn challenges_are_strongest_first_and_parse() {
        let values = challenger().challenge(T0, false);
        assert_eq!(values.len(), 2);
        let parsed: Vec<Challenge> = values
            .iter()
            .map(|v| Challenge::parse(v).unwrap())
            .collect();
        assert_eq!(parsed[0].algorithm, Algorithm::Sha256);
        assert_eq!(parsed[1].algorithm, Algorithm::Md5);
        for c in &parsed {
            assert_eq!(c.realm, REALM);
            assert_eq!(c.qop, vec![Qop::Auth]);
            assert!(!c.stale);
            assert!(c.opaque.is_some());
            assert_eq!(c.nonce, parsed[0].nonce);
        }
        assert!(values[0].starts_with("Digest realm=\"council.example\", nonce=\""));
        assert!(values[0].ends_with(", algorithm=SHA-256, qop=\"auth\""));
        let stale = challenger().challenge(T0, true);
        assert!(stale.iter().all(|v| Challenge::parse(v).unwrap().stale));
    }

    #[test]
    fn round_trip_every_algorithm_and_qop() {
        let ch = challenger().with_algorithms(&every_algorithm());
        let values = ch.challenge(T0, false);
        assert_eq!(values.len(), 4);
        for value in &values {
            let challenge = Challenge::parse(value).unwrap();
            for qop in [true, false] {
                let challenge = Challenge {
                    qop: if qop { vec![Qop::Auth] } else { Vec::new() },
                    ..challenge.clone()
                };
                let answer = respond(
                    &challenge,
                    "INVITE",
                    URI,
                    "expert",
                    "s3cret pass",
                    "c-nonce",
                    7,
                );
                if challenge.algorithm.is_sess() && !qop {
                    assert!(answer.is_err());
                    continue;
                }
                let answer = answer.unwrap();
                let parsed = Credentials::parse(&answer).unwrap();
                assert_eq!(parsed.qop.is_some(), qop, "{answer}");
                assert_eq!(parsed.nc, qop.then_some(7));
                for secret in [
                    Secret::Password("s3cret pass".into()),
                    Secret::Ha1 {
                        md5: Some(Algorithm::Md5.ha1("expert", REALM, "s3cret pass")),
                        sha256: Some(Algorithm::Sha256.ha1("expert", REALM, "s3cret pass")),
                    },
                ] {
                    let lookup = |u: &str| (u == "expert").then(|| secret.clone());
                    assert_eq!(
                        ch.verify("INVITE", URI, Some(&answer), T0 + 10, lookup),
                        AuthResult::Authenticated {
                            user: "expert".into(),
                            nonce: challenge.nonce.clone(),
                            nc: qop.then_some(7),
                        },
                        "{answer}"
                    );
                }
                // An HA1 store without this hash's value cannot authenticate with it.
                let md5_only = |_: &str| {
                    Some(Secret::Ha1 {
                        md5: Some(Algorithm::Md5.ha1("expert", REALM, "s3cret pass")),
                        sha256: None,
                    })
                };
                let r = ch.verify("INVITE", URI, Some(&answer), T0 + 10, md5_only);
                if challenge.algorithm.is_sha256() {
                    assert!(matches!(r, AuthResult::Forbidden { .. }));
                } else {
                    assert!(matches!(r, AuthResult::Authenticated { .. }));
                }
            }
        }
    }

    #[test]
    fn nonce_expiry_gives_stale() {
        let ch = challenger();
        let a = answer(&ch, T0, "expert", "s3cret pass");
        let ok = AuthResult::Authenticated {
            user: "expert".into(),
            nonce: ch.nonce(T0),
            nc: Some(1),
        };
        assert_eq!(ch.verify("INVITE", URI, Some(&a), T0, store), ok);
        assert_eq!(ch.verify("INVITE", URI, Some(&a), T0 + 300, store), ok);
        assert_eq!(
            ch.verify("INVITE", URI, Some(&a), T0 + 301, store),
            AuthResult::Stale
        );
        // An expired nonce with a wrong password is still Forbidden: stale=true would skip the prompt.
        let bad = answer(&ch, T0, "expert", "guess");
        assert!(matches!(
            ch.verify("INVITE", URI, Some(&bad), T0 + 301, store),
            AuthResult::Forbidden { .. }
        ));
    }

    #[test]
    fn wrong_password_and_unknown_user_are_forbidden() {
        let ch = challenger();
        let a = answer(&ch, T0, "expert", "wrong");
        assert_eq!(
            ch.verify("INVITE", URI, Some(&a), T0, store),
            AuthResult::Forbidden {
                user: "expert".into()
            }
        );
        let a = answer(&ch, T0, "stranger", "s3cret pass");
        assert_eq!(
            ch.verify("INVITE", URI, Some(&a), T0, store),
            AuthResult::Forbidden {
                user: "stranger".into()
            }
        );
        // The same digest for another method (a replay onto BYE) does not check.
        let a = answer(&ch, T0, "expert", "s3cret pass");
        assert!(matches!(
            ch.verify("BYE", URI, Some(&a), T0, store),
            AuthResult::Forbidden { .. }
        ));
    }

    #[test]
    fn no_credentials_other_scheme_realm_opaque_or_algorithm_is_a_challenge() {
        let ch = challenger();
        assert_eq!(
            ch.verify("INVITE", URI, None, T0, store),
            AuthResult::Challenge
        );
        assert_eq!(
            ch.verify("INVITE", URI, Some("Basic realm=\"x\""), T0, store),
            AuthResult::Challenge
        );
        for other in [
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "Bearer x.y.z",
            "NTLM",
            "Digestive a=1",
        ] {
            assert_eq!(
                ch.verify("INVITE", URI, Some(other), T0, store),
                AuthResult::Challenge,
                "{other}"
            );
        }
        // Upper-case hex in the response is read as the same digest.
        let a = answer(&ch, T0, "expert", "s3cret pass");
        let c = Credentials::parse(&a).unwrap();
        let upper = a.replace(&c.response, &c.response.to_ascii_uppercase());
        assert_ne!(upper, a);
        assert!(matches!(
            ch.verify("INVITE", URI, Some(&upper), T0, store),
            AuthResult::Authenticated { .. }
        ));
        let other = Challenger::new("elsewhere", [7; 32], LIFETIME).unwrap();
        let a = answer(&other, T0, "expert", "s3cret pass");
        assert_eq!(
            ch.verify("INVITE", URI, Some(&a), T0, store),
            AuthResult::Challenge
        );

        let mut c = Credentials::parse(&answer(&ch, T0, "expert", "s3cret pass")).unwrap();
        c.opaque = Some("someone-elses".into());
        assert_eq!(
            ch.verify("INVITE", URI, Some(&c.to_string()), T0, store),
            AuthResult::Challenge
        );
        // Without opaque (old phones drop it) the answer still checks.
        c.opaque = None;
        assert!(matches!(
            ch.verify("INVITE", URI, Some(&c.to_string()), T0, store),
            AuthResult::Authenticated { .. }
        ));

        // MD5 is refused by a SHA-256-only challenger, whose challenge offers only SHA-256.
        let strict = challenger().with_algorithms(&[Algorithm::Sha256]);
        assert_eq!(strict.challenge(T0, false).len(), 1);
        let md5 = Challenge::parse(&ch.challenge(T0, false)[1]).unwrap();
        let a = respond(&md5, "INVITE", URI, "expert", "s3cret pass", "x", 1).unwrap();
        assert_eq!(
            strict.verify("INVITE", URI, Some(&a), T0, store),
            AuthResult::Challenge
        );
        let a = a.replace("algorithm=MD5", "algorithm=SHA-512-256");
        assert_eq!(
            ch.verify("INVITE", URI, Some(&a), T0, store),
            AuthResult::Challenge
        );
    }

    #[test]
    fn wrong_uri_is_a_bad_request() {
        let ch = challenger();
        let a = answer(&ch, T0, "expert", "s3cret pass");
        assert_eq!(
            ch.verify("INVITE", "sip:other@council.example", Some(&a), T0, store),
            AuthResult::BadRequest(AuthError::Invalid("uri is not the Request-URI"))
        );
    }

    #[test]
    fn tampered_or_foreign_nonces() {
        let ch = challenger();
        let a = answer(&ch, T0, "expert", "s3cret pass");
        let mut c = Credentials::parse(&a).unwrap();
        // Change the timestamp to make the nonce young again, keeping the response: the digest fails.
        let mut raw = URL_SAFE_NO_PAD.decode(&c.nonce).unwrap();
        raw[7] ^= 1;
        c.nonce = URL_SAFE_NO_PAD.encode(&raw);
        assert!(matches!(
            ch.verify("INVITE", URI, Some(&c.to_string()), T0, store),
            AuthResult::Forbidden { .. }
        ));
        // A client that knows the password and answers over a forged nonce gains nothing: Stale.
        let forged = Challenge {
            nonce: c.nonce.clone(),
            ..Challenge::parse(&ch.challenge(T0, false)[0]).unwrap()
        };
        let a = respond(&forged, "INVITE", URI, "expert", "s3cret pass", "x", 1).unwrap();
        assert_eq!(
            ch.verify("INVITE", URI, Some(&a), T0, store),
            AuthResult::Stale
        );
        // So does a nonce from before a secret change, or one that is not base64 at all.
        let before = Challenger::new(REALM, [8; 32], LIFETIME).unwrap();
        let a = answer(&before, T0, "expert", "s3cret pass");
        let a = Credentials {
            opaque: None,
            ..Credentials::parse(&a).unwrap()
        }
        .to_string();
        assert_eq!(
            ch.verify("INVITE", URI, Some(&a), T0, store),
            AuthResult::Stale
        );
        for nonce in ["", "!!!", "AAAA"] {
            let c = Challenge {
                nonce: nonce.into(),
                ..forged.clone()
            };
            let a = respond(&c, "INVITE", URI, "expert", "s3cret pass", "x", 1).unwrap();
            assert_eq!(
                ch.verify("INVITE", URI, Some(&a), T0, store),
                AuthResult::Stale
            );
        }
    }

    #[test]
    fn malformed_credentials_are_bad_requests() {
        let ch = challenger();
        let good = answer(&ch, T0, "expert", "s3cret pass");
        for (value, reason) in [
            ("Digest", "Authorization: no parameters"),
            ("Digest realm", "Authorization: parameter without '='"),
            (
                "Digest username=\"a\", username=\"b\"",
                "Authorization: duplicate parameter username",
            ),
            (
                "Digest username=\"a\",",
                "Authorization: parameter name is not a token",
            ),
            (
                "Digest username=\"a\" realm=\"b\"",
                "Authorization: expected ',' between parameters",
            ),
            (
                "Digest username=\"a",
                "Authorization: unterminated quoted string",
            ),
            (
                "Digest username=",
                "Authorization: parameter value is not a token or quoted string",
            ),
            (
                "Digest realm=\"x\"",
                "Authorization: missing parameter response",
            ),
        ] {
            match ch.verify("INVITE", URI, Some(value), T0, store) {
                AuthResult::BadRequest(e) => assert_eq!(e.to_string(), reason, "{value}"),
                other => panic!("{value}: {other:?}"),
            }
        }
        for (from, to) in [
            ("nc=00000001", "nc=1"),
            ("nc=00000001", "nc=0000000G"),
            ("qop=auth", "qop=auth-conf"),
            (", qop=auth", ""),
            ("response=\"", "response=\"0"),
        ] {
            let bad = good.replace(from, to);
            assert_ne!(bad, good);
            assert!(
                matches!(
                    ch.verify("INVITE", URI, Some(&bad), T0, store),
                    AuthResult::BadRequest(_)
                ),
                "{bad}"
            );
        }
        let userhash = format!("{good}, userhash=true");
        assert_eq!(
            ch.verify("INVITE", URI, Some(&userhash), T0, store),
            AuthResult::BadRequest(AuthError::Invalid("userhash was not offered"))
        );
    }

    #[test]
    fn parser_grammar() {
        let (scheme, params) = parse_auth_value(
            "dIgEsT  USERNAME = \"a \\\"b\\\" \\\\c\" ,\tRealm=x ,nonce=\"\",uri=\"\u{e9}\"",
        )
        .unwrap();
        assert_eq!(scheme, "dIgEsT");
        let values: Vec<(&str, &str, bool)> = params
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str(), p.quoted))
            .collect();
        assert_eq!(
            values,
            [
                ("USERNAME", "a \"b\" \\c", true),
                ("Realm", "x", false),
                ("nonce", "", true),
                ("uri", "\u{e9}", true),
            ]
        );
        assert_eq!(
            parse_auth_value("Digest a=1, A=2"),
            Err(AuthError::Duplicate("a".into()))
        );
        for bad in [
            "",
            "Digest",
            "Digest ",
            "Digest,a=1",
            "\"Digest\" a=1",
            "Digest a=1,,b=2",
            "Digest a=1, ",
            "Digest a=b c",
            "Digest a=\"\u{7}\"",
            "Digest a=\"x\\\u{e9}\"",
            "Digest a=\"x\"y",
            "Digest a==b",
            "Digest =b",
            "Digest a=<b>",
        ] {
            assert!(parse_auth_value(bad).is_err(), "{bad:?}");
        }
        // Case-insensitive names in the typed forms too.
        let c = Credentials::parse(
            "Digest USERNAME=\"u\", Realm=\"r\", NONCE=\"n\", Uri=\"sip:x\", \
             Response=\"00000000000000000000000000000000\"",
        )
        .unwrap();
        assert_eq!(
            (c.username.as_str(), c.algorithm, c.qop),
            ("u", Algorithm::Md5, None)
        );
    }

    #[test]
    fn credentials_and_challenges_write_what_they_parse() {
        let c = Credentials {
            username: "we\"ird\\name\u{1}".into(),
            realm: REALM.into(),
            nonce: "n".into(),
            uri: URI.into(),
            response: "0".repeat(64),
            algorithm: Algorithm::Sha256Sess,
            cnonce: Some("c".into()),
            qop: Some(Qop::Auth),
            nc: Some(0xdeadbeef),
            opaque: Some("o".into()),
            userhash: true,
        };
        assert_eq!(Credentials::parse(&c.to_string()).unwrap(), c);
        let ch = Challenge {
            realm: "r\"".into(),
            nonce: "n".into(),
            opaque: None,
            algorithm: Algorithm::Md5Sess,
            qop: vec![Qop::Auth, Qop::AuthInt],
            stale: true,
            domain: Some("sip:a sip:b".into()),
            userhash: true,
        };
        assert_eq!(Challenge::parse(&ch.to_string()).unwrap(), ch);
        assert_eq!(
            respond(&ch, "INVITE", "sip:x\r\nVia: y", "u", "p", "c", 1),
            Err(AuthError::Unrepresentable)
        );
        assert!(Challenger::new("a\nb", [0; 32], LIFETIME).is_err());
    }

    #[test]
    fn pick_takes_the_first_supported_challenge() {
        let values = [
            "Basic realm=\"x\"",
            "Digest realm=\"x\", nonce=\"1\", algorithm=SHA-512-256, qop=\"auth\"",
            "Digest realm=\"x\", nonce=\"2\", algorithm=SHA-256, qop=\"auth\"",
            "Digest realm=\"x\", nonce=\"3\", algorithm=MD5, qop=\"auth\"",
        ];
        assert_eq!(Challenge::pick(values).unwrap().nonce, "2");
        // Without qop the client answers in the RFC 2069 form.
        let old = Challenge::parse("Digest realm=\"x\", nonce=\"4\"").unwrap();
        let a =
            Credentials::parse(&respond(&old, "INVITE", URI, "u", "p", "c", 1).unwrap()).unwrap();
        assert_eq!((a.qop, a.cnonce, a.nc), (None, None, None));
    }

    #[test]
    fn verify_request_picks_our_realm() {
        let ch = challenger();
        let other = Challenger::new("proxy.example", [9; 32], LIFETIME).unwrap();
        let ours = answer(&ch, T0, "expert", "s3cret pass");
        let theirs = answer(&other, T0, "expert", "s3cret pass");
        let request = |auth: &[&str]| {
            let mut headers = vec![
                ("Via", "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKabc"),
                ("From", "<sip:expert@example.org>;tag=1"),
                ("To", "<sip:council@council.example>"),
                ("Call-ID", "a@b"),
                ("CSeq", "2 INVITE"),
                ("Max-Forwards", "70"),
            ];
            headers.extend(auth.iter().map(|a| ("Authorization", *a)));
            Request::build(&Method::Invite, URI, &headers, &[]).unwrap()
        };
        assert_eq!(
            ch.verify_request(&request(&[&theirs, &ours]), T0, store),
            AuthResult::Authenticated {
                user: "expert".into(),
                nonce: ch.nonce(T0),
                nc: Some(1),
            }
        );
        assert_eq!(
            ch.verify_request(&request(&[&theirs]), T0, store),
            AuthResult::Challenge
        );
        assert_eq!(
            ch.verify_request(&request(&[]), T0, store),
            AuthResult::Challenge
        );
        assert!(matches!(
            ch.verify_request(&request(&["Digest x"]), T0, store),
            AuthResult::BadRequest(_)
        ));
    }

    /// Every prefix of valid values, and each character replaced by a troublesome one: no panic, and a
    /// value that parses writes back to one that parses the same.
    #[test]
    fn truncated_and_mutated_headers_never_panic() {
        let ch = challenger().with_algorithms(&every_algorithm());
        let mut inputs: Vec<String> = vec![
            RFC7616_CHALLENGE.into(),
            RFC7616_MD5.into(),
            RFC7616_SHA256.into(),
            RFC2617.into(),
            "Digest username=\"a\\\"b\\\\\u{e9}\", realm=\"r\"".into(),
        ];
        inputs.extend(ch.challenge(T0, true));
        inputs.push(answer(&ch, T0, "expert", "s3cret pass"));
        let mut cases = Vec::new();
        for input in &inputs {
            for (i, _) in input.char_indices().chain([(input.len(), ' ')]) {
                cases.push(input[..i].to_owned());
                for r in ["", "\"", "\\", ",", "=", " ", "\r", "\0", "\u{e9}"] {
                    let next = input[i..].chars().next().map_or(0, char::len_utf8);
                    cases.push(format!("{}{r}{}", &input[..i], &input[i + next..]));
                }
            }
        }
        for case in &cases {
            let _ = parse_auth_value(case);
            if let Ok(c) = Credentials::parse(case) {
                assert_eq!(
                    Credentials::parse(&c.to_string()).as_ref(),
                    Ok(&c),
                    "{case:?}"
                );
            }
            if let Ok(c) = Challenge::parse(case) {
                assert_eq!(
                    Challenge::parse(&c.to_string()).as_ref(),
                    Ok(&c),
                    "{case:?}"
                );
            }
            let _ = ch.verify("INVITE", URI, Some(case), T0, store);
        }
        assert!(cases.len() > 5000);
    }
}
