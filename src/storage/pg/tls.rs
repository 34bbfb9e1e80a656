//! Encryption to PostgreSQL, with libpq's `sslmode`, `sslrootcert`, `sslcert` and `sslkey`
//! options (the same URL works in `psql`, GDAL and QGIS).
//!
//! | `sslmode` | encrypted | server certificate checked |
//! | --- | --- | --- |
//! | `disable` | never | — |
//! | `prefer` (default) | when the server offers it | only against an `sslrootcert` given or found |
//! | `require` | always | as `prefer` |
//! | `verify-ca` | always | chain to a trusted root |
//! | `verify-full` | always | chain, and the host name (or IP address) the URL connects to |
//!
//! The trusted roots are `sslrootcert`'s PEM file, or the system's store for
//! `sslrootcert=system`; without the option, `~/.postgresql/root.crt` when it exists, else the
//! system's store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore};
use rustls::{Error as TlsError, SignatureScheme};

/// What `sslmode` asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    /// Parses libpq's names.
    ///
    /// # Errors
    /// For any other value, naming the valid ones.
    pub fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "disable" => Self::Disable,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            "allow" => {
                return Err(
                    "sslmode=allow is not supported: use prefer (encrypt when the \
                            server can) or disable"
                        .into(),
                );
            }
            _ => {
                return Err(format!(
                    "sslmode '{s}' is not valid: expected disable, prefer, require, verify-ca \
                     or verify-full"
                ));
            }
        })
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }

    /// The mode the PostgreSQL client negotiates with: the verifying modes require encryption.
    pub(crate) fn negotiated(self) -> postgres::config::SslMode {
        match self {
            Self::Disable => postgres::config::SslMode::Disable,
            Self::Prefer => postgres::config::SslMode::Prefer,
            Self::Require | Self::VerifyCa | Self::VerifyFull => postgres::config::SslMode::Require,
        }
    }
}

/// The TLS options of a URL, as given.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    pub mode: Option<SslMode>,
    pub root_cert: Option<String>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// How connections are made: in the clear, or with this TLS configuration.
#[derive(Clone)]
pub enum Tls {
    Off,
    On {
        config: Arc<ClientConfig>,
        mode: SslMode,
        verified: Verified,
    },
}

/// How much of the server's certificate is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    Nothing,
    Chain,
    ChainAndName,
}

impl Verified {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nothing => "not checked",
            Self::Chain => "chain checked",
            Self::ChainAndName => "chain and host name checked",
        }
    }
}

impl TlsOptions {
    /// The TLS configuration these options ask for, with every file read now.
    ///
    /// # Errors
    /// A file that cannot be read or holds no certificate or key, or a key without a certificate.
    pub fn build(&self) -> Result<Tls, String> {
        let mode = self.mode.unwrap_or(SslMode::Prefer);
        if mode == SslMode::Disable {
            return Ok(Tls::Off);
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let roots = match self.root_cert.as_deref() {
            Some("system") => Some(system_roots()?),
            Some(file) => Some(file_roots(Path::new(file))?),
            None => default_root_file().map(|f| file_roots(&f)).transpose()?,
        };
        let verified = match mode {
            SslMode::VerifyFull => Verified::ChainAndName,
            SslMode::VerifyCa => Verified::Chain,
            _ if roots.is_some() => Verified::Chain,
            _ => Verified::Nothing,
        };
        let verifier: Arc<dyn ServerCertVerifier> = if verified == Verified::Nothing {
            Arc::new(Unchecked(provider.clone()))
        } else {
            let roots = match roots {
                Some(r) => r,
                None => system_roots()?,
            };
            let webpki =
                WebPkiServerVerifier::builder_with_provider(roots.into(), provider.clone())
                    .build()
                    .map_err(|e| format!("the trusted certificates cannot be used: {e}"))?;
            if verified == Verified::ChainAndName {
                webpki
            } else {
                Arc::new(ChainOnly(webpki))
            }
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS cannot be set up: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match (&self.cert, &self.key) {
            (None, None) => builder.with_no_client_auth(),
            (Some(cert), Some(key)) => {
                let chain = read_certs(cert, "sslcert")?;
                let key = PrivateKeyDer::from_pem_file(key)
                    .map_err(|e| format!("sslkey '{}' holds no private key: {e}", key.display()))?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| format!("sslcert and sslkey do not make a pair: {e}"))?
            }
            _ => return Err("sslcert and sslkey go together: give both or neither".into()),
        };
        Ok(Tls::On {
            config: Arc::new(config),
            mode,
            verified,
        })
    }
}

/// `~/.postgresql/root.crt`, libpq's default, when it exists.
fn default_root_file() -> Option<PathBuf> {
    let file = PathBuf::from(std::env::var_os("HOME")?).join(".postgresql/root.crt");
    file.is_file().then_some(file)
}

fn file_roots(file: &Path) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    for cert in read_certs(file, "sslrootcert")? {
        roots
            .add(cert)
            .map_err(|e| format!("sslrootcert '{}': {e}", file.display()))?;
    }
    Ok(roots)
}

fn read_certs(file: &Path, option: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(file)
        .map_err(|e| format!("{option} '{}' cannot be read: {e}", file.display()))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{option} '{}' is not PEM: {e}", file.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "{option} '{}' holds no certificate: expected PEM (-----BEGIN CERTIFICATE-----)",
            file.display()
        ));
    }
    Ok(certs)
}

fn system_roots() -> Result<RootCertStore, String> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(format!(
            "the system has no trusted certificates to check the server's against{}: give \
             sslrootcert=FILE",
            found
                .errors
                .first()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ));
    }
    Ok(roots)
}

/// Encrypts without checking who the server is (libpq's `prefer` and `require`): the handshake's
/// signatures are still verified.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(
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
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(
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

/// Checks the chain to a trusted root but not the name (libpq's `verify-ca`).
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        // The chain is checked before the name: a name error means the chain was good.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(TlsError::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
