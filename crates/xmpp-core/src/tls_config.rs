//! Ready-made rustls configurations: certificate verification against the webpki roots,
//! against a given CA, or (for tests only) none; a server identity from PEM files.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::config::ServerTls;

/// Why a TLS configuration could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsConfigError {
    /// The PEM data holds no certificate.
    NoCertificate,
    /// The PEM data holds no private key.
    NoPrivateKey,
    /// The PEM data could not be read.
    Pem(String),
    /// rustls refused the certificate, key or settings.
    Rustls(String),
}

impl std::fmt::Display for TlsConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoCertificate => f.write_str("no certificate in the PEM data"),
            Self::NoPrivateKey => f.write_str("no private key in the PEM data"),
            Self::Pem(e) => write!(f, "unreadable PEM data: {e}"),
            Self::Rustls(e) => write!(f, "TLS configuration refused: {e}"),
        }
    }
}

impl std::error::Error for TlsConfigError {}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client configuration that verifies servers against the Mozilla roots (webpki-roots).
pub fn webpki_client_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    Arc::clone(CONFIG.get_or_init(|| {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth());
        match config {
            Ok(c) => Arc::new(c),
            // The ring provider supports the default versions; this cannot fail.
            Err(_) => unreachable_config(),
        }
    }))
}

fn unreachable_config() -> Arc<rustls::ClientConfig> {
    Arc::new(
        rustls::ClientConfig::builder()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth(),
    )
}

/// A client configuration that trusts only the CA certificates in `pem`.
pub fn client_config_with_ca(pem: &[u8]) -> Result<Arc<rustls::ClientConfig>, TlsConfigError> {
    let roots = pem_roots(pem)?;
    rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
        .map_err(|e| TlsConfigError::Rustls(e.to_string()))
}

/// A client configuration that accepts any server certificate. For tests against servers
/// with self-signed certificates only: it gives no protection against an active attacker.
pub fn insecure_client_config() -> Arc<rustls::ClientConfig> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map(|b| {
            b.dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnything(provider())))
                .with_no_client_auth()
        });
    match config {
        Ok(c) => Arc::new(c),
        Err(_) => unreachable_config(),
    }
}

#[derive(Debug)]
struct AcceptAnything(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        // The signature still proves the peer holds the key of the certificate it sent.
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Every certificate of a PEM chain, end-entity first, and the end-entity certificate.
fn pem_chain(pem: &[u8]) -> Result<(Vec<CertificateDer<'static>>, Vec<u8>), TlsConfigError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| TlsConfigError::Pem(e.to_string()))?;
    let first = chain
        .first()
        .ok_or(TlsConfigError::NoCertificate)?
        .as_ref()
        .to_vec();
    Ok((chain, first))
}

/// The first private key of a PEM file.
fn pem_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, TlsConfigError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => TlsConfigError::NoPrivateKey,
        e => TlsConfigError::Pem(e.to_string()),
    })
}

/// The CA certificates of a PEM file as trust anchors; at least one.
fn pem_roots(pem: &[u8]) -> Result<rustls::RootCertStore, TlsConfigError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| TlsConfigError::Pem(e.to_string()))?;
        roots
            .add(cert)
            .map_err(|e| TlsConfigError::Rustls(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(TlsConfigError::NoCertificate);
    }
    Ok(roots)
}

fn rustls_error(e: rustls::Error) -> TlsConfigError {
    TlsConfigError::Rustls(e.to_string())
}

/// A server identity from a PEM certificate chain (end-entity first) and a PEM private key.
pub fn server_tls(cert_chain_pem: &[u8], key_pem: &[u8]) -> Result<ServerTls, TlsConfigError> {
    let (chain, first) = pem_chain(cert_chain_pem)?;
    let key = pem_key(key_pem)?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(rustls_error)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(rustls_error)?;
    Ok(ServerTls {
        config: Arc::new(config),
        certificate: Some(first),
    })
}

/// A server identity that also asks the peer for a certificate and verifies it against the
/// CA certificates in `client_ca_pem` (a peer without one is still accepted). Servers use
/// this on server-to-server streams to offer SASL EXTERNAL (RFC 3920 §6.1, XEP-0178).
pub fn server_tls_with_client_auth(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    client_ca_pem: &[u8],
) -> Result<ServerTls, TlsConfigError> {
    let (chain, first) = pem_chain(cert_chain_pem)?;
    let key = pem_key(key_pem)?;
    let roots = pem_roots(client_ca_pem)?;
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
            .allow_unauthenticated()
            .build()
            .map_err(|e| TlsConfigError::Rustls(e.to_string()))?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(rustls_error)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(rustls_error)?;
    Ok(ServerTls {
        config: Arc::new(config),
        certificate: Some(first),
    })
}

/// A client configuration for server-to-server streams that presents `cert_chain_pem` /
/// `key_pem` (for SASL EXTERNAL) and verifies the peer against `ca_pem`, or accepts any
/// peer certificate when `ca_pem` is `None` (dialback then authenticates the peer).
pub fn client_config_with_certificate(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    ca_pem: Option<&[u8]>,
) -> Result<Arc<rustls::ClientConfig>, TlsConfigError> {
    let (chain, _) = pem_chain(cert_chain_pem)?;
    let key = pem_key(key_pem)?;
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(rustls_error)?;
    let builder = match ca_pem {
        Some(pem) => builder.with_root_certificates(pem_roots(pem)?),
        None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnything(provider()))),
    };
    builder
        .with_client_auth_cert(chain, key)
        .map(Arc::new)
        .map_err(rustls_error)
}

/// Whether the DER certificate `cert` names `domain` (its subjectAltName dNSName entries,
/// wildcards as RFC 6125 allows), the check SASL EXTERNAL makes between servers.
pub fn certificate_names(cert: &[u8], domain: &str) -> bool {
    let der = CertificateDer::from(cert);
    let Ok(ee) = webpki::EndEntityCert::try_from(&der) else {
        return false;
    };
    let Ok(name) = ServerName::try_from(domain) else {
        return false;
    };
    ee.verify_is_valid_for_subject_name(&name).is_ok()
}
