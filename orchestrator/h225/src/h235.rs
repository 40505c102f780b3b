//! The H.235.0 (09/2005) security types that H323-MESSAGES imports, transcribed from module H235-SECURITY-MESSAGES.
//!
//! All of them are typed. The parameterised types `SIGNED{}`, `ENCRYPTED{}` and `HASHED{}` are expanded by hand;
//! their `TYPE-IDENTIFIER.&Type(...)` payloads (e.g. `EncodedPwdCertToken`) are open types on the wire — a length and
//! the complete encoding of the inner value — and are held as [`rasn::types::Any`] (the encoded octets), which a
//! caller may decode further with [`crate::decode_value`] when it needs to.

use rasn::prelude::*;

use crate::common::{AliasAddress, GatekeeperIdentifier};

/// `TimeStamp ::= INTEGER(1..4294967295)` — seconds since 1970-01-01 UTC.
#[derive(AsnType, Decode, Encode, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[rasn(delegate, value("1..=4294967295"))]
pub struct TimeStamp(pub u32);

/// `ChallengeString ::= OCTET STRING(SIZE (8..128))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("8..=128"))]
pub struct ChallengeString(pub OctetString);

/// `RandomVal ::= INTEGER` (a 32-bit integer in practice, unconstrained on the wire).
pub type RandomVal = Integer;

/// `Password ::= BMPString(SIZE (1..128))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=128"))]
pub struct Password(pub BmpString);

/// `Identifier ::= BMPString(SIZE (1..128))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=128"))]
pub struct Identifier235(pub BmpString);

/// `KeyMaterial ::= BIT STRING(SIZE (1..2048))`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(delegate, size("1..=2048"))]
pub struct KeyMaterial(pub BitString);

/// H.235's own `NonStandardParameter` (an OID, unlike H.225's).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct NonStandardParameter235 {
    pub non_standard_identifier: ObjectIdentifier,
    pub data: OctetString,
}

/// `DHset`: Diffie-Hellman half key, modulus and generator.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct DhSet {
    #[rasn(size("0..=2048"))]
    pub halfkey: BitString,
    #[rasn(size("0..=2048"))]
    pub mod_size: BitString,
    #[rasn(size("0..=2048"))]
    pub generator: BitString,
}

/// `ECpoint`: an elliptic-curve point in affine coordinates.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct EcPoint {
    #[rasn(size("0..=511"))]
    pub x: Option<BitString>,
    #[rasn(size("0..=511"))]
    pub y: Option<BitString>,
}

/// The `eckasdhp` alternative of `ECKASDH` (prime field).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct EckasDhp {
    pub public_key: EcPoint,
    #[rasn(size("0..=511"))]
    pub modulus: BitString,
    pub base: EcPoint,
    #[rasn(size("0..=511"))]
    pub weierstrass_a: BitString,
    #[rasn(size("0..=511"))]
    pub weierstrass_b: BitString,
}

/// The `eckasdh2` alternative of `ECKASDH` (characteristic 2).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct EckasDh2 {
    pub public_key: EcPoint,
    #[rasn(size("0..=511"))]
    pub field_size: BitString,
    pub base: EcPoint,
    #[rasn(size("0..=511"))]
    pub weierstrass_a: BitString,
    #[rasn(size("0..=511"))]
    pub weierstrass_b: BitString,
}

/// `ECKASDH`: elliptic-curve key agreement parameters.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum Eckasdh {
    Eckasdhp(EckasDhp),
    Eckasdh2(EckasDh2),
}

/// `TypedCertificate`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct TypedCertificate {
    pub r#type: ObjectIdentifier,
    pub certificate: OctetString,
}

/// `AuthenticationBES`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum AuthenticationBes {
    Default,
    Radius,
}

/// `AuthenticationMechanism`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum AuthenticationMechanism {
    DhExch,
    PwdSymEnc,
    PwdHash,
    CertSign,
    Ipsec,
    Tls,
    NonStandard(NonStandardParameter235),
    #[rasn(extension_addition)]
    AuthenticationBes(AuthenticationBes),
    #[rasn(extension_addition)]
    KeyExch(ObjectIdentifier),
}

/// `ClearToken`: a token carrying plain values (time stamp, challenge, DH key, ...).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ClearToken {
    pub token_oid: ObjectIdentifier,
    pub time_stamp: Option<TimeStamp>,
    pub password: Option<Password>,
    pub dhkey: Option<DhSet>,
    pub challenge: Option<ChallengeString>,
    pub random: Option<RandomVal>,
    pub certificate: Option<TypedCertificate>,
    pub general_id: Option<Identifier235>,
    pub non_standard: Option<NonStandardParameter235>,
    #[rasn(extension_addition)]
    pub eckasdhkey: Option<Eckasdh>,
    // Pitfall 1: a named type's constraints are lost as an extension addition; repeated here.
    #[rasn(extension_addition, size("1..=128"))]
    pub senders_id: Option<Identifier235>,
    #[rasn(extension_addition)]
    pub h235_key: Option<H235Key>,
    #[rasn(extension_addition)]
    pub profile_info: Option<SequenceOf<ProfileElement>>,
}

impl ClearToken {
    /// A token with only its OID set.
    #[must_use]
    pub fn new(token_oid: ObjectIdentifier) -> Self {
        Self {
            token_oid,
            time_stamp: None,
            password: None,
            dhkey: None,
            challenge: None,
            random: None,
            certificate: None,
            general_id: None,
            non_standard: None,
            eckasdhkey: None,
            senders_id: None,
            h235_key: None,
            profile_info: None,
        }
    }
}

/// `ProfileElement`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct ProfileElement {
    #[rasn(value("0..=255"))]
    pub element_id: u8,
    pub params: Option<Params>,
    pub element: Option<Element>,
}

/// `Element`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum Element {
    Octets(OctetString),
    Integer(Integer),
    Bits(BitString),
    Name(BmpString),
    Flag(bool),
}

/// `SIGNED{ToBeSigned}`; `to_be_signed` is the open type holding the signed value's encoding.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Signed {
    pub to_be_signed: Any,
    pub algorithm_oid: ObjectIdentifier,
    pub params: Params,
    pub signature: BitString,
}

/// `ENCRYPTED{ToBeEncrypted}`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Encrypted {
    pub algorithm_oid: ObjectIdentifier,
    pub params: Params,
    pub encrypted_data: OctetString,
}

/// `HASHED{ToBeHashed}` (the hashed value itself is not carried).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct Hashed {
    pub algorithm_oid: ObjectIdentifier,
    pub params: Params,
    pub hash: BitString,
}

/// `Params`: run-time parameters of a signing/encryption algorithm.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash, Default)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct Params {
    pub ran_int: Option<Integer>,
    pub iv8: Option<FixedOctetString<8>>,
    #[rasn(extension_addition, size("16"))]
    pub iv16: Option<FixedOctetString<16>>,
    #[rasn(extension_addition)]
    pub iv: Option<OctetString>,
    #[rasn(extension_addition)]
    pub clear_salt: Option<OctetString>,
}

/// The `cryptoEncryptedToken` alternative of `CryptoToken`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct CryptoEncryptedToken {
    pub token_oid: ObjectIdentifier,
    pub token: Encrypted,
}

/// The `cryptoSignedToken` alternative of `CryptoToken`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct CryptoSignedToken {
    pub token_oid: ObjectIdentifier,
    pub token: Signed,
}

/// The `cryptoHashedToken` alternative of `CryptoToken`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct CryptoHashedToken {
    pub token_oid: ObjectIdentifier,
    pub hashed_vals: ClearToken,
    pub token: Hashed,
}

/// `CryptoToken`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum CryptoToken {
    CryptoEncryptedToken(CryptoEncryptedToken),
    CryptoSignedToken(CryptoSignedToken),
    CryptoHashedToken(Box<CryptoHashedToken>),
    CryptoPwdEncr(Encrypted),
}

/// `H235Key`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum H235Key {
    SecureChannel(KeyMaterial),
    SharedSecret(Encrypted),
    CertProtectedKey(Signed),
    #[rasn(extension_addition)]
    SecureSharedSecret(Box<V3KeySyncMaterial>),
}

/// `V3KeySyncMaterial`.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
#[non_exhaustive]
pub struct V3KeySyncMaterial {
    pub general_id: Option<Identifier235>,
    pub algorithm_oid: Option<ObjectIdentifier>,
    pub params: Params,
    pub encrypted_session_key: Option<OctetString>,
    pub encrypted_salting_key: Option<OctetString>,
    pub clear_salting_key: Option<OctetString>,
    pub params_salt: Option<Params>,
    pub key_derivation_oid: Option<ObjectIdentifier>,
    #[rasn(extension_addition)]
    pub generic_key_material: Option<OctetString>,
}

/// The `cryptoEPPwdHash` alternative of `CryptoH323Token` (H.225.0).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct CryptoEpPwdHash {
    pub alias: AliasAddress,
    pub time_stamp: TimeStamp,
    pub token: Hashed,
}

/// The `cryptoGKPwdHash` alternative of `CryptoH323Token` (H.225.0).
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(automatic_tags)]
pub struct CryptoGkPwdHash {
    pub gatekeeper_id: GatekeeperIdentifier,
    pub time_stamp: TimeStamp,
    pub token: Hashed,
}

/// `CryptoH323Token` (defined in H.225.0 on top of the H.235 types): every alternative typed.
#[derive(AsnType, Decode, Encode, Debug, Clone, PartialEq, Eq, Hash)]
#[rasn(choice, automatic_tags)]
#[non_exhaustive]
pub enum CryptoH323Token {
    CryptoEpPwdHash(CryptoEpPwdHash),
    CryptoGkPwdHash(CryptoGkPwdHash),
    CryptoEpPwdEncr(Encrypted),
    CryptoGkPwdEncr(Encrypted),
    CryptoEpCert(Signed),
    CryptoGkCert(Signed),
    CryptoFastStart(Signed),
    NestedCryptoToken(Box<CryptoToken>),
}
