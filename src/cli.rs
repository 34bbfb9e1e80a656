//! The subcommands behind the command line (see `config`): each returns an error for `main` to
//! print and turn into a non-zero exit.

use std::path::Path;

use anyhow::Context;

use crate::config::{Command, RenderArgs, ServeArgs};
use crate::dataset;
use crate::domain::synth;
use crate::domain::time::Instant;
use crate::export::{self, Format};
use crate::server::Application;
use crate::storage::{AnyStore, DbLocation};

/// Runs one subcommand.
///
/// # Errors
/// Whatever went wrong, with context; a data set's problems are listed in full.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Import { dir, db } => import(&dir, &db),
        Command::Check { dir } => check(&dir),
        Command::Export { out, db, format } => export(&out, &db, format),
        Command::Serve(args) => serve(&args),
        Command::Render(args) => render(&args),
        Command::Token(t) => token(t),
        Command::Synth {
            districts,
            states,
            seed,
            river_m,
            events,
            dir,
        } => {
            if !(0.0..=synth::MAX_RIVER_M).contains(&river_m) {
                anyhow::bail!(
                    "--river-m {river_m}: a river is 0 (none) to {} m wide",
                    synth::MAX_RIVER_M
                );
            }
            if districts == 0 || states < districts {
                anyhow::bail!(
                    "--districts {districts} --states {states}: need at least one district and at least \
                     one state per district (--states >= --districts)"
                );
            }
            let data = synth::generate(&synth::Params {
                districts,
                states,
                seed,
                river_m,
                events,
            });
            dataset::write_dir(&data, &dir)
                .with_context(|| format!("cannot write {}", dir.display()))?;
            println!(
                "wrote {} districts, {} states and {} events to {}",
                data.districts.len(),
                data.states.len(),
                data.events.len(),
                dir.display()
            );
            Ok(())
        }
    }
}

fn token(command: crate::config::TokenCommand) -> anyhow::Result<()> {
    use crate::config::TokenCommand;
    let now = Instant(chrono::Utc::now().timestamp_millis());
    let open = |db: &DbLocation| {
        if db.sqlite_path().is_some_and(|p| !p.is_file()) {
            anyhow::bail!("no database at {db}: start the server or import a data set first");
        }
        AnyStore::open(db).with_context(|| format!("cannot open database {db}"))
    };
    match command {
        TokenCommand::Create { db, name, role } => {
            let token = open(&db)?.create_token(&name, role, now)?;
            println!(
                "created {} token '{name}'; it is shown only now:",
                role.as_str()
            );
            println!("{token}");
        }
        TokenCommand::List { db } => {
            for t in open(&db)?.tokens()? {
                let revoked = t
                    .revoked_at
                    .map(|r| format!(", revoked {r}"))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\tcreated {}{revoked}",
                    t.name,
                    t.role.as_str(),
                    t.created_at
                );
            }
        }
        TokenCommand::Revoke { db, name } => {
            open(&db)?.revoke_token(&name, now)?;
            println!("revoked token '{name}'");
        }
    }
    Ok(())
}

fn check(dir: &Path) -> anyhow::Result<()> {
    let data = dataset::read_dir(dir)?;
    println!(
        "{}: valid ({} factions, {} sources, {} districts, {} states, {} events with {} figures, {} sites with {} observations)",
        dir.display(),
        data.factions.len(),
        data.sources.len(),
        data.districts.len(),
        data.states.len(),
        data.events.len(),
        data.events.iter().map(|e| e.figures.len()).sum::<usize>(),
        data.sites.len(),
        data.sites
            .iter()
            .map(|s| s.observations.len())
            .sum::<usize>(),
    );
    Ok(())
}

fn import(dir: &Path, db: &DbLocation) -> anyhow::Result<()> {
    let data = dataset::read_dir(dir)?;
    let mut store = AnyStore::open(db).with_context(|| format!("cannot open database {db}"))?;
    let summary = store.import(&data, Instant(chrono::Utc::now().timestamp_millis()))?;
    let edit = summary.edit.map_or_else(
        || "nothing changed, no edit recorded".to_owned(),
        |e| format!("edit {e}"),
    );
    println!(
        "imported {} districts, {} states ({} unchanged, {} superseded), {} events and {} sites ({edit}) into {} (revision {})",
        summary.districts,
        summary.states,
        summary.unchanged_states,
        summary.superseded_states,
        data.events.len(),
        data.sites.len(),
        db,
        summary.revision
    );
    Ok(())
}

fn export(out: &Path, db: &DbLocation, format: Option<Format>) -> anyhow::Result<()> {
    if !db.may_exist() {
        anyhow::bail!("database {db} does not exist: import a data set first");
    }
    let format = format
        .or_else(|| Format::from_extension(out))
        .unwrap_or(Format::Dir);
    if format != Format::Dir {
        let index = crate::server::open_index(db, None)?;
        export::write_file(&index, format, out)
            .with_context(|| format!("cannot write {}", out.display()))?;
        println!(
            "exported {} districts and {} states to {} ({format})",
            index.districts.len(),
            index.states.len(),
            out.display()
        );
        return Ok(());
    }
    let stored = AnyStore::open(db)
        .with_context(|| format!("cannot open database {db}"))?
        .load()?;
    dataset::write_dir(&stored.dataset, out)
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "exported {} districts and {} states to {}",
        stored.dataset.districts.len(),
        stored.dataset.states.len(),
        out.display()
    );
    Ok(())
}

fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let app = Application::build(args)?;
        tracing::info!("serving on http://{}:{}/", args.listen.ip(), app.port());
        app.run().await.context("the server stopped")
    })
}

fn render(args: &RenderArgs) -> anyhow::Result<()> {
    use crate::render::{self, Format, PageSize, ReportRequest};
    let format = Format::from_path(&args.out)?;
    if !args.db.may_exist() {
        anyhow::bail!(
            "database {} does not exist: import a data set first",
            args.db
        );
    }
    let index = crate::server::open_index(&args.db, None)?;
    let req = ReportRequest {
        at: args.at,
        since: args.since,
        bbox: args.bbox,
        size: PageSize::from_options(
            args.width,
            args.height,
            args.paper,
            args.orientation,
            args.dpi,
        )?,
        title: args.title.clone(),
        standfirst: args.standfirst.clone(),
        events: args.events,
    };
    let (width, height, dpi) = req.size.pixels();
    let bytes = render::render(&index, &req, format)?;
    crate::files::write_replacing(&args.out, |tmp| {
        std::fs::write(tmp, &bytes)?;
        std::fs::File::open(tmp)?.sync_all()
    })
    .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "wrote {} ({width} × {height} px at {dpi} dpi, {} bytes)",
        args.out.display(),
        bytes.len()
    );
    Ok(())
}
