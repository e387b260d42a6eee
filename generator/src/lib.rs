//! An OpenAPI 3.0 → Rust client generator.
//!
//! One way from spec to files: [`load`] parses the document, [`model`] resolves it into types
//! and operations (names from [`naming`]), [`plan`] resolves the generator config against the
//! model and decides everything else, and [`emit`] prints the plan as the files of a crate that
//! builds on the runtime crate (`runtime/`). [`generate`] runs them all.

pub mod config;
mod docs;
pub mod emit;
pub mod error;
pub mod load;
pub mod model;
pub mod naming;
pub mod plan;
mod rust;

use std::path::Path;

pub use config::Config;
pub use emit::{GeneratedFile, Provenance};
pub use error::{Error, Location, Warning};

/// What one generation produced.
#[derive(Debug, Clone)]
pub struct Output {
    /// The crate's files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// How many operations the client has.
    pub operations: usize,
    /// How many named types it defines.
    pub types: usize,
    /// What was sloppy in the spec and how it was read, each with its file and JSON pointer,
    /// in document order (the same on every run).
    pub warnings: Vec<Warning>,
}

/// Reads the spec at `spec` and generates the client crate's files in memory.
pub fn generate(spec: &Path, config: &Config, provenance: &Provenance) -> Result<Output, Error> {
    generate_spec(load::load(spec)?, config, provenance)
}

/// Generates from a parsed spec it takes: the parsed document (on a large spec most of the
/// memory) is dropped once the model is built, before the files are printed.
pub fn generate_spec(spec: load::Spec, config: &Config, provenance: &Provenance) -> Result<Output, Error> {
    let api = model::build(&spec)?;
    drop(spec);
    generate_api(&api, config, provenance)
}

/// Generates from an already parsed spec.
pub fn generate_from(spec: &load::Spec, config: &Config, provenance: &Provenance) -> Result<Output, Error> {
    generate_api(&model::build(spec)?, config, provenance)
}

fn generate_api(api: &model::Api, config: &Config, provenance: &Provenance) -> Result<Output, Error> {
    let plan = plan::build(api, config)?;
    let files = emit::emit(&plan, provenance)?;
    Ok(Output {
        files,
        operations: api.operations.len(),
        types: api.types.len(),
        warnings: api.warnings.clone(),
    })
}
