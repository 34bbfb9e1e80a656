//! Building and running the server: open the store (seeding a new one), build the index, bind,
//! and watch the store for imports made by other processes.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer, dev::Server, middleware, web};
use anyhow::Context;

use crate::config::ServeArgs;
use crate::dataset;
use crate::domain::index::Index;
use crate::domain::time::Instant;
use crate::http::{self, AppState};
use crate::storage::{AnyStore, DbLocation, Reader, Watch};

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    pub state: web::Data<AppState>,
}

impl Application {
    /// Opens the store (importing `seed_data` into a new, empty one), builds the index and binds.
    /// Bind port 0 to get a free port (see [`Application::port`]).
    ///
    /// # Errors
    /// When the store cannot be opened or seeded, or the address cannot be bound.
    pub fn build(args: &ServeArgs) -> anyhow::Result<Self> {
        let index = open_index(&args.db, Some(&args.seed_data))?;
        let mut state = AppState::new(index);
        // A write reported done survives a power cut.
        let store = AnyStore::open_writer(&args.db)
            .with_context(|| format!("cannot open database {} for writing", args.db))?;
        let reader = Reader::open(&args.db)
            .with_context(|| format!("cannot open database {} for reading", args.db))?;
        state.writer = Some(Arc::new(http::auth::Writer {
            db: args.db.clone(),
            store: std::sync::Mutex::new(store),
            reader,
        }));
        state.exports = match args.db.sqlite_path() {
            Some(path) => crate::http::export::ExportCache::in_dir(&exports_dir(path))
                .context("cannot open the export cache")?,
            // Servers on one PostgreSQL database share no disk: each keeps its own.
            None => crate::http::export::ExportCache::private(),
        };
        state.web_dir = args.web.is_dir().then(|| args.web.clone());
        let listener = TcpListener::bind(args.listen)
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        drop_stalled_clients(&listener, args.stall_timeout)?;
        let bound = listener.local_addr()?;
        state.public_url = Some(public_url(args, bound));
        state.tiles = args
            .tiles
            .clone()
            .map(|t| format!("{t}\u{1f}{}", args.tiles_attribution));
        let (warm, installed) = std::sync::mpsc::channel();
        state.warm = Some(warm);
        let state = web::Data::new(state);
        spawn_warmer(state.clone().into_inner(), installed);
        spawn_reloader(
            args.db.clone(),
            state.clone().into_inner(),
            Duration::from_secs_f64(args.reload_interval),
        );
        let port = bound.port();
        let data = state.clone();
        let args_sample = args.access_log_sample;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .wrap(middleware::Compress::default())
                .wrap(middleware::from_fn(http::access_log::log))
                .app_data(web::Data::new(http::access_log::Sample(args_sample)))
                .configure(http::routes)
                .configure(|cfg| http::web_routes(cfg, data.web_dir.as_deref()))
        })
        // A response is written in several pieces (head, then body chunks). With Nagle's
        // algorithm the last small piece waits for the client's ACK of the one before, which a
        // keep-alive client delays by up to 40 ms: every reused connection paid that per tile.
        .tcp_nodelay(true)
        .listen(listener)?
        .run();
        Ok(Self {
            server,
            port,
            state,
        })
    }

    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run(self) -> std::io::Result<()> {
        let stopped = self.server.await;
        // The reloader and warmer hold the state until the process ends, so it is never
        // dropped: a private export directory is removed here.
        self.state.exports.close();
        stopped
    }
}

/// Makes the kernel drop a connection whose client has accepted no data for `seconds` while the
/// server has some to send (TCP_USER_TIMEOUT, inherited by every accepted connection), so a
/// download read at a trickle or not at all cannot hold a connection for ever. Idle keep-alive
/// connections are not affected: they have nothing unsent.
fn drop_stalled_clients(listener: &TcpListener, seconds: f64) -> anyhow::Result<()> {
    if seconds > 0.0 {
        #[cfg(target_os = "linux")]
        socket2::SockRef::from(listener)
            .set_tcp_user_timeout(Some(Duration::from_secs_f64(seconds)))
            .context("cannot set the stall timeout (TCP_USER_TIMEOUT)")?;
    }
    Ok(())
}

/// The root of the links the server hands out: `--public-url`, else `http://` and the listen
/// address (with a warning when that is every interface, which no client can reach as such).
fn public_url(args: &ServeArgs, bound: std::net::SocketAddr) -> String {
    if let Some(url) = &args.public_url {
        return url.clone();
    }
    if bound.ip().is_unspecified() {
        tracing::warn!(
            listen = %bound,
            "listening on every interface without --public-url: OGC API links will name localhost; \
             set --public-url to the address clients use"
        );
        return format!("http://localhost:{}", bound.port());
    }
    format!("http://{bound}")
}

/// The export cache of the SQLite database at `db`: the directory `DB.exports` beside it.
#[must_use]
pub fn exports_dir(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".exports");
    db.with_file_name(name)
}

/// Opens the store, seeding it from `seed` when nothing was ever imported into it (a data set
/// imported and later emptied is not re-seeded), and builds the index.
///
/// # Errors
/// When the store cannot be opened, the seed data is invalid, or the import fails.
pub fn open_index(db: &DbLocation, seed: Option<&std::path::Path>) -> anyhow::Result<Index> {
    let mut store = AnyStore::open(db).with_context(|| format!("cannot open database {db}"))?;
    if let Some(seed) = seed
        && store.revision()? == 0
    {
        let data = dataset::read_dir(seed)
            .with_context(|| format!("cannot seed the new database from {}", seed.display()))?;
        let summary = store.import(&data, Instant(chrono::Utc::now().timestamp_millis()))?;
        tracing::info!(districts = summary.districts, states = summary.states, from = %seed.display(), "seeded database");
    }
    Ok(Index::from_stored(store.load()?))
}

/// How long the warmer waits for edits to pause before it computes the newest index's derived
/// parts.
const WARM_AFTER_QUIET: Duration = Duration::from_millis(500);

/// Shared boundaries, the timeline, the front's history and the instants of knowledge are
/// computed on first use; compute them off the request path, for the first index and after each
/// new one is installed (a burst of edits is computed for once, on the newest index).
fn spawn_warmer(state: Arc<AppState>, installed: std::sync::mpsc::Receiver<()>) {
    std::thread::Builder::new()
        .name("frontline-warm".into())
        .spawn(move || {
            loop {
                let index = state.current();
                // In the order a page opening the map needs them: the timeline (the state
                // stream, the slider), the start-up reads, the front's history (the outline
                // tiles' version) and the opening tiles; the instants of knowledge (maps as
                // known earlier) and the start-up reads gzipped (for clients without Brotli)
                // last.
                let started = std::time::Instant::now();
                index.timeline();
                tracing::debug!(ms = started.elapsed().as_millis(), "timeline ready");
                state.prepared.warm(&index);
                let started = std::time::Instant::now();
                index.fronts();
                tracing::debug!(ms = started.elapsed().as_millis(), "front history ready");
                let started = std::time::Instant::now();
                match crate::tiles::geometry::warm_opening(&index, &state.tile_cache) {
                    Ok(tiles) => tracing::debug!(
                        tiles,
                        ms = started.elapsed().as_millis(),
                        "opening tiles ready"
                    ),
                    Err(e) => tracing::warn!(error = %e, "cannot make the opening tiles"),
                }
                let started = std::time::Instant::now();
                index.instants();
                state.prepared.warm_gzip(&index);
                tracing::debug!(
                    ms = started.elapsed().as_millis(),
                    "instants and gzipped start-up reads ready"
                );
                drop(index);
                if installed.recv().is_err() {
                    return;
                }
                // While edits keep coming, leave the cores to them and to readers: warm once
                // they pause.
                loop {
                    match installed.recv_timeout(WARM_AFTER_QUIET) {
                        Ok(()) => {}
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            }
        })
        .expect("a thread can be spawned");
}

/// Brings the index up to the store's revision by applying the states other servers' edits
/// changed, when that is all that changed; false when the store must be loaded whole. Runs
/// under the writer lock, so no edit of this server's own is installed meanwhile.
fn apply_changes(db: &DbLocation, store: &mut Option<AnyStore>, state: &AppState) -> bool {
    let _writing = state.writer.as_ref().map(|w| w.store.lock());
    let current = state.current();
    if store.is_none() {
        *store = AnyStore::open(db).ok();
    }
    let Some(s) = store.as_mut() else {
        return false;
    };
    let started = std::time::Instant::now();
    match s.delta_since(current.revision, current.last_edit) {
        Ok(Some(delta)) => match current.with_delta(&delta) {
            Some(next) => {
                tracing::info!(db = %db, revision = next.revision, states = delta.states.len(),
                    ms = started.elapsed().as_secs_f64() * 1e3,
                    "applied the states other servers' edits changed");
                http::auth::install(state, next);
                true
            }
            None => false,
        },
        Ok(None) => false,
        Err(e) => {
            tracing::warn!(db = %db, error = %e, "cannot read what changed; loading the store whole");
            *store = None;
            false
        }
    }
}

/// Brings the index up to date whenever another process writes to the database: a second
/// server's edits of control are applied as changes (only the states they touched are read);
/// anything else (an import, a new source, faction or district) rebuilds the index whole. The
/// swap takes the writer lock, so it never replaces a newer index an edit installed. On PostgreSQL a notification wakes it at once; a lost connection is logged,
/// retried with backoff, and once back the server says which revision it caught up to.
fn spawn_reloader(db: DbLocation, state: Arc<AppState>, every: Duration) {
    std::thread::Builder::new()
        .name("frontline-reload".into())
        .spawn(move || {
            let mut watch = Watch::new(&db, every);
            let mut store = None;
            loop {
                if let Err(e) = watch.wait() {
                    tracing::warn!(db = %db, error = %e, "cannot watch the database for other servers' writes; retrying");
                    continue;
                }
                // An edit of this server commits and installs under the writer lock: look under
                // it too, or its own commit would seem to be another process's.
                let (revision, newer) = {
                    let _writing = state.writer.as_ref().map(|w| w.store.lock());
                    let current = state.current().revision;
                    let revision = watch.revision().ok();
                    (revision, revision.is_some_and(|r| r != current))
                };
                let caught_up = watch.take_reconnected();
                if newer && !apply_changes(&db, &mut store, &state) {
                    match open_index(&db, None) {
                        Ok(index) => {
                            // Warm the new index before it serves, like the first one.
                            index.timeline();
                            index.fronts();
                            index.instants();
                            let _writing = state.writer.as_ref().map(|w| w.store.lock());
                            tracing::info!(db = %db, revision = index.revision, "reloaded the index after another process wrote");
                            http::auth::install(&state, index);
                        }
                        Err(e) => tracing::error!(error = ?e, "reloading the index failed; keeping the old one"),
                    }
                }
                if caught_up && let Some(r) = revision {
                    tracing::warn!(db = %db, revision = r, "reconnected to the database: caught up to revision {r}");
                }
            }
        })
        .expect("a thread can be spawned");
}
