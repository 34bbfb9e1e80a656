//! Where the store is: a SQLite file, or a PostgreSQL database named by its URL. Parsed once, at
//! the edge (`--db`, `FRONTLINE_DB`).

use std::path::{Path, PathBuf};

use super::pg::tls::{SslMode, Tls, TlsOptions};

/// A store's location.
#[derive(Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once per command; a few per process"
)]
pub enum DbLocation {
    /// A SQLite database file (created on first use).
    Sqlite(PathBuf),
    /// A PostgreSQL database with PostGIS: `postgres://user:password@host:port/dbname`.
    Postgres(PgUrl),
}

/// A PostgreSQL connection URL, checked to parse. Shown with its password hidden.
#[derive(Clone)]
pub struct PgUrl {
    url: String,
    pub(crate) config: postgres::Config,
    tls_options: TlsOptions,
    pub(crate) tls: Tls,
}

impl PgUrl {
    /// The URL as given, password included: for connecting, never for logs.
    #[must_use]
    pub fn as_secret_str(&self) -> &str {
        &self.url
    }

    /// The database's name (the user's name when the URL names none, as libpq does).
    #[must_use]
    pub fn dbname(&self) -> &str {
        self.config
            .get_dbname()
            .or_else(|| self.config.get_user())
            .unwrap_or("postgres")
    }

    /// The same connection as libpq key/value pairs (`host=… port=… user=… dbname=…`, and the
    /// password when there is one), the form GDAL's `PG:` and `psql` take.
    #[must_use]
    pub fn conninfo(&self) -> String {
        let mut out = Vec::new();
        if let Some(postgres::config::Host::Tcp(h)) = self.config.get_hosts().first() {
            out.push(format!("host={h}"));
        }
        if let Some(p) = self.config.get_ports().first() {
            out.push(format!("port={p}"));
        }
        if let Some(u) = self.config.get_user() {
            out.push(format!("user={u}"));
        }
        if let Some(p) = self.config.get_password() {
            out.push(format!("password={}", String::from_utf8_lossy(p)));
        }
        out.push(format!("dbname={}", self.dbname()));
        let tls = &self.tls_options;
        if let Some(mode) = tls.mode {
            out.push(format!("sslmode={}", mode.as_str()));
        }
        let files = [
            ("sslrootcert", tls.root_cert.as_deref().map(Path::new)),
            ("sslcert", tls.cert.as_deref()),
            ("sslkey", tls.key.as_deref()),
        ];
        for (key, file) in files {
            if let Some(f) = file {
                out.push(format!("{key}={}", f.display()));
            }
        }
        out.join(" ")
    }

    /// The same server and credentials, another database.
    ///
    /// # Errors
    /// When `dbname` is not a plain identifier (letters, digits and `_`).
    pub fn with_dbname(&self, dbname: &str) -> Result<Self, String> {
        if dbname.is_empty()
            || !dbname
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(format!(
                "'{dbname}' is not a database name: expected letters, digits and _"
            ));
        }
        let (base, query) = match self.url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (self.url.as_str(), None),
        };
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let host_end = base[scheme_end..]
            .find('/')
            .map_or(base.len(), |i| scheme_end + i);
        let mut url = format!("{}/{dbname}", &base[..host_end]);
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        url.parse::<DbLocation>().and_then(|l| match l {
            DbLocation::Postgres(p) => Ok(p),
            DbLocation::Sqlite(_) => Err("not a PostgreSQL URL".into()),
        })
    }
}

impl PartialEq for PgUrl {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
    }
}

impl Eq for PgUrl {}

impl DbLocation {
    /// The SQLite file, if the store is one.
    #[must_use]
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(p) => Some(p),
            Self::Postgres(_) => None,
        }
    }

    /// Whether the store may already hold a data set: a SQLite file that exists, or any
    /// PostgreSQL database (which is asked when opened).
    #[must_use]
    pub fn may_exist(&self) -> bool {
        match self {
            Self::Sqlite(p) => p.exists(),
            Self::Postgres(_) => true,
        }
    }
}

impl std::str::FromStr for DbLocation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err(
                "the database is empty: expected a SQLite file path or a postgres:// URL".into(),
            );
        }
        if !(s.starts_with("postgres://") || s.starts_with("postgresql://")) {
            if s.contains("://") {
                return Err(format!(
                    "'{s}' is not a database: expected a SQLite file path or a URL starting \
                     postgres:// or postgresql://"
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(s)));
        }
        let (rest, tls_options) =
            split_tls_options(s).map_err(|e| format!("{}: {e}", redact(s)))?;
        let mut config: postgres::Config = rest.parse().map_err(|e| {
            format!(
                "'{}' is not a valid PostgreSQL URL ({e}): expected \
                 postgres://user:password@host:5432/dbname",
                redact(s)
            )
        })?;
        if config.get_hosts().is_empty() {
            return Err(format!(
                "'{}' names no host: expected postgres://user:password@host:5432/dbname",
                redact(s)
            ));
        }
        if let Some(mode) = tls_options.mode {
            config.ssl_mode(mode.negotiated());
        }
        let tls = tls_options
            .build()
            .map_err(|e| format!("{}: {e}", redact(s)))?;
        Ok(Self::Postgres(PgUrl {
            url: s.to_owned(),
            config,
            tls_options,
            tls,
        }))
    }
}

impl From<PathBuf> for DbLocation {
    fn from(p: PathBuf) -> Self {
        Self::Sqlite(p)
    }
}

impl From<&PathBuf> for DbLocation {
    fn from(p: &PathBuf) -> Self {
        Self::Sqlite(p.clone())
    }
}

impl From<&Path> for DbLocation {
    fn from(p: &Path) -> Self {
        Self::Sqlite(p.to_owned())
    }
}

/// Takes libpq's TLS options out of a URL's query: the PostgreSQL client knows only some of
/// their values, and none of the files.
fn split_tls_options(url: &str) -> Result<(String, TlsOptions), String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), TlsOptions::default()));
    };
    let mut options = TlsOptions::default();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map_err(|_| format!("the value of {key} is not UTF-8"))?
            .into_owned();
        let file = || {
            if value.is_empty() {
                Err(format!("{key} is empty: expected a file path"))
            } else {
                Ok(PathBuf::from(&value))
            }
        };
        match key {
            "sslmode" => options.mode = Some(SslMode::parse(&value)?),
            "sslrootcert" => options.root_cert = Some(file()?.display().to_string()),
            "sslcert" => options.cert = Some(file()?),
            "sslkey" => options.key = Some(file()?),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, options))
}

/// The URL with its password replaced by `***`.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &rest[..colon],
                &rest[at..]
            ),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

impl std::fmt::Display for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(p) => write!(f, "{}", p.display()),
            Self::Postgres(u) => write!(f, "{u}"),
        }
    }
}

impl std::fmt::Display for PgUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact(&self.url))
    }
}

impl std::fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbLocation({self})")
    }
}

impl std::fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_sqlite_and_a_postgres_url_is_postgres() {
        assert_eq!(
            "frontline.db".parse::<DbLocation>().unwrap(),
            DbLocation::Sqlite("frontline.db".into())
        );
        for url in [
            "postgres://u:p@localhost:5432/front",
            "postgresql://u@db.example.org/front?sslmode=disable",
        ] {
            let loc: DbLocation = url.parse().unwrap();
            assert!(matches!(loc, DbLocation::Postgres(_)), "{url}");
        }
    }

    #[test]
    fn the_password_never_shows() {
        let loc: DbLocation = "postgres://ana:s3cret@h:5432/front".parse().unwrap();
        assert_eq!(loc.to_string(), "postgres://ana:***@h:5432/front");
        assert!(!format!("{loc:?}").contains("s3cret"));
    }

    #[test]
    fn malformed_urls_say_what_is_expected() {
        let err = "postgres://u:p@h:notaport/db"
            .parse::<DbLocation>()
            .unwrap_err();
        assert!(err.contains("not a valid PostgreSQL URL"), "{err}");
        assert!(!err.contains(":p@"), "{err}");
        let err = "mysql://h/db".parse::<DbLocation>().unwrap_err();
        assert!(err.contains("postgres://"), "{err}");
        assert!("".parse::<DbLocation>().is_err());
    }

    #[test]
    fn another_database_on_the_same_server_keeps_credentials_and_options() {
        let DbLocation::Postgres(url) = "postgres://u:p@h:55432/base?connect_timeout=3"
            .parse::<DbLocation>()
            .unwrap()
        else {
            unreachable!()
        };
        let other = url.with_dbname("t_1").unwrap();
        assert_eq!(
            other.as_secret_str(),
            "postgres://u:p@h:55432/t_1?connect_timeout=3"
        );
        assert_eq!(other.dbname(), "t_1");
        assert!(url.with_dbname("x; drop").is_err());
    }
}
