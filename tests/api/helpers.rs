//! Shared test scaffolding: small hand-made data sets, generated ones, and the real route table.

use std::path::{Path, PathBuf};

use actix_web::{App, test, web};
use frontline::dataset::{self, Dataset};
use frontline::domain::index::Index;
use frontline::domain::synth;
use frontline::http::{self, AppState};
use frontline::server::open_index;
use frontline::storage::{AnyStore, DbLocation};
use tempfile::TempDir;

/// A new, empty store for one test: a fresh PostgreSQL database (created from the template
/// database `FRONTLINE_TEST_PG` names, which has PostGIS) when that is set, else the SQLite file
/// `name` in `tmp`.
pub fn test_db(tmp: &TempDir, name: &str) -> DbLocation {
    match pg_template() {
        Some(template) => fresh_pg(&template),
        None => tmp.path().join(name).into(),
    }
}

/// The PostgreSQL template URL the suite runs against, if any.
pub fn pg_template() -> Option<frontline::storage::PgUrl> {
    let url = std::env::var("FRONTLINE_TEST_PG").ok()?;
    match url.parse::<DbLocation>() {
        Ok(DbLocation::Postgres(u)) => Some(u),
        other => panic!("FRONTLINE_TEST_PG is not a postgres:// URL: {other:?}"),
    }
}

/// A new database copied from `template` (its name must not be connected to meanwhile).
pub fn fresh_pg(template: &frontline::storage::PgUrl) -> DbLocation {
    // The PostgreSQL client runs a runtime of its own: not on an async test's thread.
    let template = template.clone();
    std::thread::spawn(move || create_from(&template))
        .join()
        .unwrap()
}

fn create_from(template: &frontline::storage::PgUrl) -> DbLocation {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    );
    let admin = template.with_dbname("postgres").unwrap();
    let mut client = postgres::Client::connect(admin.as_secret_str(), postgres::NoTls)
        .expect("the test cluster is reachable");
    // Copying a template fails while another session copies it: take turns.
    let mut tries = 0;
    loop {
        match client.batch_execute(&format!(
            "CREATE DATABASE {name} TEMPLATE {}",
            template.dbname()
        )) {
            Ok(()) => break,
            Err(e) if tries < 50 => {
                tries += 1;
                let _ = e;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("cannot create test database {name}: {e}"),
        }
    }
    DbLocation::Postgres(template.with_dbname(&name).unwrap())
}

/// The shipped Mosul data set.
pub fn mosul_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mosul")
}

pub fn mosul() -> Dataset {
    dataset::read_dir(&mosul_dir()).expect("the shipped Mosul data set is valid")
}

/// An index built the way the server builds it: through a fresh store seeded from `dir`.
pub fn index_of(dir: &Path) -> (TempDir, Index) {
    let tmp = TempDir::new().unwrap();
    let index = open_index(&test_db(&tmp, "test.db"), Some(dir)).expect("seeding works");
    (tmp, index)
}

/// The real route table over an index.
pub async fn app(
    index: Index,
) -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
> {
    let state = web::Data::new(AppState::new(index));
    test::init_service(App::new().app_data(state).configure(http::routes)).await
}

pub fn synth_dir(districts: usize, states: usize, seed: u64) -> TempDir {
    let tmp = TempDir::new().unwrap();
    let data = synth::generate(&synth::Params {
        districts,
        states,
        seed,
        river_m: 0.0,
        events: 0,
    });
    dataset::write_dir(&data, tmp.path()).unwrap();
    tmp
}

/// A tiny, readable data set: three 1 km squares in a row (west, middle, east), two factions, two
/// sources. `middle` is taken by `blue` on 2020-02-01 after a week contested.
pub fn write_small(dir: &Path) {
    std::fs::write(
        dir.join("factions.csv"),
        "id,name,color\nred,Red Army,#d62728\nblue,Blue Force,#1f77b4\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sources.csv"),
        "id,title,publisher,published,url\n\
         wire-1,Red holds the line,Wire,2020-01-01,https://example.org/1\n\
         wire-2,Blue takes the middle,Wire,2020-02-01,https://example.org/2\n",
    )
    .unwrap();
    let feature = |id: &str, name: &str, ring: &str| {
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{"name":"{name}","alt_names":["{name} Quarter"],"group":"Town","kind":"test"}},"geometry":{{"type":"Polygon","coordinates":[[{ring}]]}}}}"#
        )
    };
    std::fs::write(
        dir.join("districts.geojson"),
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{},\n{},\n{}\n]}}\n",
            feature(
                "west",
                "West",
                "[43.0,36.0],[43.01,36.0],[43.01,36.01],[43.0,36.01],[43.0,36.0]"
            ),
            feature(
                "middle",
                "Middle",
                "[43.01,36.0],[43.02,36.0],[43.02,36.01],[43.01,36.01],[43.01,36.0]"
            ),
            feature(
                "east",
                "East",
                "[43.02,36.0],[43.03,36.0],[43.03,36.01],[43.02,36.01],[43.02,36.0]"
            )
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("control.csv"),
        "district,status,factions,valid_from,valid_to,confidence,sources,note\n\
         east,held,red,2020-01-01,,confirmed,wire-1,\n\
         middle,held,red,2020-01-01,2020-01-25,confirmed,wire-1,\n\
         middle,contested,blue;red,2020-01-25,2020-02-01,reported,wire-1;wire-2,street fighting\n\
         middle,held,blue,2020-02-01,,confirmed,wire-2,\n\
         west,held,blue,2020-01-01,,confirmed,wire-1,\n",
    )
    .unwrap();
}

/// Events and a camp for the small data set: a strike in `middle` on 2020-01-26 with two
/// claims, a week-long displacement over the whole town, and a camp east of it.
pub fn write_small_events(dir: &Path) {
    std::fs::write(
        dir.join("events.csv"),
        "id,kind,title,summary,date_start,date_end,date_precision,lon,lat,location_precision,place,factions,responsible,grade,sources,note\n\
         strike,airstrike,Strike on the market,A strike hit the market.,2020-01-26,,day,43.015,36.005,street,Middle market,blue;red,blue,fair,wire-1;wire-2,\n\
         flight,displacement,Families leave the town,\"Families left, many on foot.\",2020-01-20,2020-01-27,range,43.015,36.005,city,the town,,,confirmed,wire-1,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("event_figures.csv"),
        "event,metric,group,min,max,claimant,source,note\n\
         strike,killed,civilians,12,12,Blue Force,wire-2,\n\
         strike,killed,civilians,30,80,local reports,wire-1,up to 80\n\
         flight,displaced,people,5000,,UN,wire-1,at least\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sites.csv"),
        "id,kind,name,operator,lon,lat,location_precision,opened,closed,sources,note\n\
         camp-east,camp,East Camp,UN,43.04,36.005,neighbourhood,2020-01-21,2020-03-31,wire-1,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("site_observations.csv"),
        "site,date,metric,min,max,source,note\n\
         camp-east,2020-01-28,population,4000,4000,wire-2,\n\
         camp-east,2020-01-22,population,600,600,wire-1,first families\n\
         camp-east,2020-01-22,capacity,10000,10000,wire-1,\n",
    )
    .unwrap();
}

pub fn small_dir() -> TempDir {
    let tmp = TempDir::new().unwrap();
    write_small(tmp.path());
    tmp
}

/// Everything stored, as the bytes `export` writes: to compare a database before and after.
pub fn stored_bytes(db: impl Into<DbLocation>) -> Vec<u8> {
    let out = TempDir::new().unwrap();
    let stored = AnyStore::open(&db.into()).unwrap().load().unwrap();
    dataset::write_dir(&stored.dataset, out.path()).unwrap();
    let mut files = vec![
        "factions.csv".to_owned(),
        "sources.csv".to_owned(),
        "districts.geojson".to_owned(),
        "control.csv".to_owned(),
    ];
    // Events and sites, when there are any.
    for f in [
        "events.csv",
        "event_figures.csv",
        "sites.csv",
        "site_observations.csv",
    ] {
        if out.path().join(f).exists() {
            files.push(f.to_owned());
        }
    }
    // What the data set says of itself and its layers, when it says anything.
    if out.path().join("dataset.json").exists() {
        files.push("dataset.json".to_owned());
        let mut layers: Vec<String> = std::fs::read_dir(out.path().join("context"))
            .map(|d| {
                d.map(|e| format!("context/{}", e.unwrap().file_name().to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default();
        layers.sort();
        files.extend(layers);
    }
    files
        .iter()
        .flat_map(|f| std::fs::read(out.path().join(f)).unwrap())
        .collect()
}

pub async fn get_json(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    uri: &str,
) -> (u16, String, serde_json::Value) {
    let resp = test::call_service(app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = test::read_body(resp).await;
    let json = if body.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&body).unwrap()
    };
    (status, content_type, json)
}

/// The whole server on a free port, over a new database seeded from `seed`, running in the
/// background until the test process ends.
pub fn serve(seed: &Path) -> (TempDir, u16) {
    let (tmp, _, port) = serve_every(seed, 0.2);
    (tmp, port)
}

/// [`serve`], looking for other processes' writes every `reload_interval` seconds; with the
/// store it serves.
pub fn serve_every(seed: &Path, reload_interval: f64) -> (TempDir, DbLocation, u16) {
    let tmp = TempDir::new().unwrap();
    let db = test_db(&tmp, "served.db");
    let port = serve_db(&db, seed, reload_interval);
    (tmp, db, port)
}

/// A server over `db` (seeded from `seed` when new) on a free port, running in the background
/// until the test process ends.
pub fn serve_db(db: &DbLocation, seed: &Path, reload_interval: f64) -> u16 {
    let args = frontline::config::ServeArgs {
        db: db.clone(),
        listen: "127.0.0.1:0".parse().unwrap(),
        seed_data: seed.to_owned(),
        web: "/nonexistent".into(),
        tiles: None,
        tiles_attribution: String::new(),
        reload_interval,
        public_url: None,
        access_log_sample: 1,
        stall_timeout: 60.0,
    };
    let app = frontline::server::Application::build(&args).expect("the server starts");
    let port = app.port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(app.run()));
    port
}

/// One MVT layer's features: each id (if any) and its properties as text.
pub type MvtFeatures = Vec<(Option<u64>, std::collections::HashMap<String, String>)>;

/// The layers of a vector tile in their order, each with its name, extent and features (numbers
/// written as text).
pub fn mvt_layers(bytes: &[u8]) -> Vec<(String, u32, MvtFeatures)> {
    use fast_mvt::{MvtReaderRef, MvtValueRef};
    let reader = MvtReaderRef::new(bytes).expect("a valid vector tile");
    reader
        .layers()
        .map(|layer| {
            let features = layer
                .features()
                .map(|f| {
                    let props = f
                        .properties_vec()
                        .unwrap()
                        .into_iter()
                        .map(|(k, v)| match v {
                            MvtValueRef::String(s) => (k.to_owned(), s.to_owned()),
                            MvtValueRef::Double(x) => (k.to_owned(), x.to_string()),
                            MvtValueRef::UInt(x) => (k.to_owned(), x.to_string()),
                            other => panic!("{k} is neither text nor a number: {other:?}"),
                        })
                        .collect();
                    (f.id(), props)
                })
                .collect();
            (layer.name().to_owned(), layer.extent(), features)
        })
        .collect()
}

/// The `--db` argument that names `db` on the command line.
pub fn db_arg(db: &DbLocation) -> String {
    match db {
        DbLocation::Sqlite(path) => path.display().to_string(),
        DbLocation::Postgres(url) => url.as_secret_str().to_owned(),
    }
}

/// Runs `sqlite` on a SQLite store, `postgres` on a PostgreSQL one: to inject faults the
/// program itself never makes.
pub fn exec_sql(db: &DbLocation, sqlite: &str, postgres: &str) {
    match db {
        DbLocation::Sqlite(path) => rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch(sqlite)
            .unwrap(),
        DbLocation::Postgres(url) => {
            let (url, sql) = (url.clone(), postgres.to_owned());
            // The PostgreSQL client runs a runtime of its own: not on an async test's thread.
            std::thread::spawn(move || {
                postgres::Client::connect(url.as_secret_str(), postgres::NoTls)
                    .unwrap()
                    .batch_execute(&sql)
                    .unwrap();
            })
            .join()
            .unwrap();
        }
    }
}
