//! CMS EnvelopedData (RFC 5652 §6) with RSA PKCS #1 v1.5 key transport (RFC 3370 §4.2.1)
//! and AES-128-CBC or AES-256-CBC content encryption (RFC 3565), as RFC 3923 §2
//! (Requirement 3) and §6.10 ask.
//!
//! Decryption reports one error for every failure after the recipient was found (key
//! transport, padding, cipher), so that the answer does not tell a padding oracle apart
//! (RFC 3218 §2.3). The `rsa` crate's PKCS #1 v1.5 decryption is not constant-time
//! (RUSTSEC-2023-0071); an application exposed to many chosen ciphertexts should rate
//! limit decryption failures.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::enveloped_data::{
    EncryptedContentInfo, EnvelopedData, KeyTransRecipientInfo, RecipientIdentifier, RecipientInfo,
    RecipientInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use rsa::Pkcs1v15Encrypt;
use spki::AlgorithmIdentifierOwned;

use crate::algorithms::ContentCipher;
use crate::cert::{Certificate, Identity};
use crate::error::DecryptError;
use crate::oid;
use crate::random::{Random, RngAdapter};

fn der_err(e: der::Error) -> DecryptError {
    DecryptError::Malformed(e.to_string())
}

/// Encrypts `content` for each of `recipients` as a CMS EnvelopedData ContentInfo (DER).
pub fn encrypt(
    content: &[u8],
    recipients: &[Certificate],
    cipher: ContentCipher,
    random: &mut dyn Random,
) -> Result<Vec<u8>, DecryptError> {
    if recipients.is_empty() {
        return Err(DecryptError::NoRecipient(
            "no recipient certificate given".into(),
        ));
    }
    let mut key = vec![0u8; cipher.key_len()];
    random.fill(&mut key);
    let mut iv = [0u8; 16];
    random.fill(&mut iv);
    let ciphertext = match cipher {
        ContentCipher::Aes128Cbc => cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, &iv)
            .map_err(|e| DecryptError::Malformed(e.to_string()))?
            .encrypt_padded_vec_mut::<Pkcs7>(content),
        ContentCipher::Aes256Cbc => cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .map_err(|e| DecryptError::Malformed(e.to_string()))?
            .encrypt_padded_vec_mut::<Pkcs7>(content),
    };
    let mut infos = SetOfVec::new();
    for r in recipients {
        r.check_encipherment_usage()
            .map_err(|e| DecryptError::NoRecipient(e.to_string()))?;
        let public = r
            .public_key()
            .map_err(|e| DecryptError::NoRecipient(e.to_string()))?;
        let enc_key = public
            .encrypt(&mut RngAdapter(random), Pkcs1v15Encrypt, &key)
            .map_err(|e| DecryptError::NoRecipient(e.to_string()))?;
        infos
            .insert(RecipientInfo::Ktri(KeyTransRecipientInfo {
                version: CmsVersion::V0,
                rid: RecipientIdentifier::IssuerAndSerialNumber(r.issuer_and_serial()),
                key_enc_alg: AlgorithmIdentifierOwned {
                    oid: oid::RSA_ENCRYPTION,
                    parameters: Some(Any::null()),
                },
                enc_key: OctetString::new(enc_key).map_err(der_err)?,
            }))
            .map_err(der_err)?;
    }
    key.iter_mut().for_each(|b| *b = 0);
    let ed = EnvelopedData {
        version: CmsVersion::V0,
        originator_info: None,
        recip_infos: RecipientInfos(infos),
        encrypted_content: EncryptedContentInfo {
            content_type: oid::DATA,
            content_enc_alg: AlgorithmIdentifierOwned {
                oid: cipher.oid(),
                parameters: Some(
                    Any::encode_from(&OctetString::new(iv.to_vec()).map_err(der_err)?)
                        .map_err(der_err)?,
                ),
            },
            encrypted_content: Some(OctetString::new(ciphertext).map_err(der_err)?),
        },
        unprotected_attrs: None,
    };
    ContentInfo {
        content_type: oid::ENVELOPED_DATA,
        content: Any::encode_from(&ed).map_err(der_err)?,
    }
    .to_der()
    .map_err(der_err)
}

/// Decrypts a CMS EnvelopedData ContentInfo (DER) with `recipient`'s key; the recipient
/// info is the one naming `recipient`'s certificate (by issuer and serial number or by
/// subject key identifier).
pub fn decrypt(der: &[u8], recipient: &Identity) -> Result<Vec<u8>, DecryptError> {
    let ci = ContentInfo::from_der(der).map_err(der_err)?;
    if ci.content_type != oid::ENVELOPED_DATA {
        return Err(DecryptError::Malformed(format!(
            "content type {} is not enveloped-data",
            ci.content_type
        )));
    }
    let ed: EnvelopedData = ci.content.decode_as().map_err(der_err)?;
    let ias = recipient.certificate.issuer_and_serial();
    let ski = recipient.certificate.subject_key_id();
    let ktri = ed
        .recip_infos
        .0
        .iter()
        .find_map(|ri| match ri {
            RecipientInfo::Ktri(k) => match &k.rid {
                RecipientIdentifier::IssuerAndSerialNumber(i) if *i == ias => Some(k),
                RecipientIdentifier::SubjectKeyIdentifier(s)
                    if ski.as_deref() == Some(s.0.as_bytes()) =>
                {
                    Some(k)
                }
                _ => None,
            },
            _ => None,
        })
        .ok_or_else(|| {
            DecryptError::NoRecipient(format!(
                "the message is not encrypted for '{}'",
                recipient.certificate.subject()
            ))
        })?;
    if ktri.key_enc_alg.oid != oid::RSA_ENCRYPTION {
        return Err(DecryptError::UnsupportedAlgorithm(
            ktri.key_enc_alg.oid.to_string(),
        ));
    }
    let eci = &ed.encrypted_content;
    let cipher = ContentCipher::from_oid(&eci.content_enc_alg.oid)
        .ok_or_else(|| DecryptError::UnsupportedAlgorithm(eci.content_enc_alg.oid.to_string()))?;
    let iv = eci
        .content_enc_alg
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<OctetString>().ok())
        .filter(|iv| iv.as_bytes().len() == 16)
        .ok_or_else(|| DecryptError::Malformed("AES-CBC parameters are not a 16-byte IV".into()))?;
    let ciphertext = eci.encrypted_content.as_ref().ok_or_else(|| {
        DecryptError::Malformed("no encrypted content (detached content is not supported)".into())
    })?;
    // Blinded with the operating system's generator: the ciphertext is the sender's
    // choice, and blinding keeps the private-key timing independent of it. The blinding
    // factor changes no output, so tests stay deterministic.
    let key = recipient
        .key
        .inner
        .decrypt_blinded(
            &mut RngAdapter(&mut crate::random::OsRandom),
            Pkcs1v15Encrypt,
            ktri.enc_key.as_bytes(),
        )
        .map_err(|_| DecryptError::Failed)?;
    if key.len() != cipher.key_len() {
        return Err(DecryptError::Failed);
    }
    let iv = iv.as_bytes();
    let ct = ciphertext.as_bytes();
    let plain = match cipher {
        ContentCipher::Aes128Cbc => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, iv)
            .map_err(|_| DecryptError::Failed)?
            .decrypt_padded_vec_mut::<Pkcs7>(ct),
        ContentCipher::Aes256Cbc => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, iv)
            .map_err(|_| DecryptError::Failed)?
            .decrypt_padded_vec_mut::<Pkcs7>(ct),
    };
    plain.map_err(|_| DecryptError::Failed)
}
