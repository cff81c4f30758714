//! Benchmarks (filled in by the crate's work).
#![allow(missing_docs)]
use criterion::{Criterion, criterion_group, criterion_main};

fn none(_c: &mut Criterion) {}

criterion_group!(benches, none);
criterion_main!(benches);
