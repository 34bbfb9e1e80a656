//! Report map render times on the shipped Mosul data set at 3 June 2017, 2000 × 1400 px:
//! the SVG alone, and the SVG made into PNG and into PDF (target: PNG in 300 ms or less).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use frontline::dataset;
use frontline::domain::index::Index;
use frontline::domain::time::Instant;
use frontline::render::{self, Format, ReportRequest};

fn benches(c: &mut Criterion) {
    let data = dataset::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mosul"))
        .expect("the shipped data set is valid");
    let index = Index::build(data, &[], 1);
    // The shared borders are computed once per index, at first use: not part of a render.
    let _ = index.borders();
    let req = ReportRequest {
        size: frontline::render::PageSize::Pixels {
            width: 2000,
            height: 1400,
        },
        ..ReportRequest::new(Instant::from_ymd(2017, 6, 3))
    };
    let with_since = ReportRequest {
        since: Some(Instant::from_ymd(2017, 5, 1)),
        ..req.clone()
    };
    let mut group = c.benchmark_group("report_2000x1400");
    group.sample_size(20);
    for (name, format) in [
        ("svg", Format::Svg),
        ("png", Format::Png),
        ("pdf", Format::Pdf),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(render::render(&index, &req, format).unwrap().len()));
        });
    }
    group.bench_function("png_since", |b| {
        b.iter(|| {
            black_box(
                render::render(&index, &with_since, Format::Png)
                    .unwrap()
                    .len(),
            )
        });
    });
    group.finish();
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
