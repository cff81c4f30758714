//! The algorithms the sender chooses by configuration: RFC 3923 §6.10's mandatory ones
//! (SHA-1 with RSA PKCS #1 v1.5 signatures, RSA PKCS #1 v1.5 key transport, AES-128-CBC)
//! and SHA-256 and AES-256-CBC. A receiver accepts all of them whatever it sends.

use const_oid::ObjectIdentifier;

use crate::oid;

/// The message digest of a CMS SignedData (RFC 3370 §2.1, RFC 5754 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DigestAlgorithm {
    /// SHA-1, mandatory to implement (RFC 3923 §6.10).
    Sha1,
    /// SHA-256.
    #[default]
    Sha256,
}

impl DigestAlgorithm {
    /// Both, in the order of the enum.
    pub const ALL: [DigestAlgorithm; 2] = [DigestAlgorithm::Sha1, DigestAlgorithm::Sha256];

    /// The algorithm's object identifier.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha1 => oid::SHA1,
            DigestAlgorithm::Sha256 => oid::SHA256,
        }
    }

    /// The algorithm of an object identifier, if it is one of these.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.oid() == *oid)
    }

    /// The `micalg` parameter of `multipart/signed` (RFC 5751 §3.4.3.2).
    pub fn micalg(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "sha-1",
            DigestAlgorithm::Sha256 => "sha-256",
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        match self {
            DigestAlgorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
            DigestAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }

    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "sha1",
            DigestAlgorithm::Sha256 => "sha256",
        }
    }
}

/// The content-encryption algorithm of a CMS EnvelopedData (RFC 3565).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContentCipher {
    /// AES-128 in CBC mode, mandatory to implement (RFC 3923 §6.10).
    #[default]
    Aes128Cbc,
    /// AES-256 in CBC mode.
    Aes256Cbc,
}

impl ContentCipher {
    /// Both, in the order of the enum.
    pub const ALL: [ContentCipher; 2] = [ContentCipher::Aes128Cbc, ContentCipher::Aes256Cbc];

    /// The algorithm's object identifier (RFC 3565 §4.1).
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            ContentCipher::Aes128Cbc => oid::AES128_CBC,
            ContentCipher::Aes256Cbc => oid::AES256_CBC,
        }
    }

    /// The algorithm of an object identifier, if it is one of these.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.oid() == *oid)
    }

    /// The key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            ContentCipher::Aes128Cbc => 16,
            ContentCipher::Aes256Cbc => 32,
        }
    }

    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            ContentCipher::Aes128Cbc => "aes128",
            ContentCipher::Aes256Cbc => "aes256",
        }
    }
}
