//! The object identifiers this crate reads and writes, with the documents that assign them.

use const_oid::ObjectIdentifier as Oid;

/// id-data (RFC 5652 §4).
pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData (RFC 5652 §5.1).
pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// id-envelopedData (RFC 5652 §6.1).
pub const ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.3");
/// id-contentType attribute (RFC 5652 §11.1).
pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest attribute (RFC 5652 §11.2).
pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime attribute (RFC 5652 §11.3).
pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// rsaEncryption (RFC 3370 §3.2, §4.2.1).
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// sha1WithRSAEncryption (RFC 3370 §3.2).
pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
/// sha256WithRSAEncryption (RFC 4055 §5).
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption (RFC 4055 §5).
pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption (RFC 4055 §5).
pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
/// id-sha1 (RFC 3370 §2.1).
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
/// id-sha256 (RFC 5754 §2).
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
/// id-aes128-CBC (RFC 3565 §4.1).
pub const AES128_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.2");
/// id-aes256-CBC (RFC 3565 §4.1).
pub const AES256_CBC: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.42");
/// id-on-xmppAddr, the otherName of an XMPP address (RFC 3920 §5.1.1).
pub const XMPP_ADDR: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.8.5");
/// id-ce-subjectAltName (RFC 5280 §4.2.1.6).
pub const SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
/// id-ce-basicConstraints (RFC 5280 §4.2.1.9).
pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
/// id-ce-keyUsage (RFC 5280 §4.2.1.3).
pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
/// id-ce-subjectKeyIdentifier (RFC 5280 §4.2.1.2).
pub const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
/// id-kp-emailProtection (RFC 5280 §4.2.1.12).
pub const EMAIL_PROTECTION: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.4");
/// anyExtendedKeyUsage (RFC 5280 §4.2.1.12).
pub const ANY_EXTENDED_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37.0");
/// id-ce-extKeyUsage (RFC 5280 §4.2.1.12).
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
/// id-ce-authorityKeyIdentifier (RFC 5280 §4.2.1.1).
pub const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
