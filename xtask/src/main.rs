//! `cargo xtask codegen [--check]` and `cargo xtask generate --spec FILE --out DIR`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use generator::{Config, Provenance};
use xtask::{apply, diff, workspace_root, CODEGEN_COMMAND};

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]
      regenerate generated-client/ (and the test fixtures' golden crates) from their specs;
      with --check, change nothing and fail naming every stale, missing or extra file
  cargo xtask generate --spec FILE --out DIR [--crate-name NAME] [--client-name NAME] [--config FILE]
                       [--runtime-path PATH]
      run the generator on any spec into any directory; the crate carries a copy of the runtime
      (runtime/) and builds on its own, unless --runtime-path names the runtime crate to depend on
      (relative to DIR)
  cargo xtask spec-drift --upstream FILE [--spec FILE] [--reviewed FILE]
      compare our spec (default spec/genauth-management.yaml) with an upstream document of the
      same API: every difference per operation, and the upstream operations we do not have, by
      tag; fails when a difference is not explained in the reviewed file (default
      spec/drift.yaml)";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("generate") => generate(&args[1..]),
        Some("spec-drift") => spec_drift(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

fn codegen(args: &[String]) -> Result<ExitCode> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("unexpected arguments {args:?}\n{USAGE}"),
    };
    let reports = xtask::codegen(&workspace_root(), check)?;
    let mut problems = Vec::new();
    for report in &reports {
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
        let lines = report.diff.lines(&report.out);
        if check {
            problems.extend(lines);
            continue;
        }
        let changed = report.diff.changed.len() + report.diff.missing.len() + report.diff.stale.len();
        println!(
            "{}: {} operations, {} types, {} files, {changed} changed",
            report.out, report.operations, report.types, report.files
        );
        for line in lines {
            if line.contains("not generated") {
                problems.push(line);
            } else {
                println!("  {line}");
            }
        }
    }
    if problems.is_empty() {
        if check {
            println!("generated code is up to date ({} crates)", reports.len());
        }
        return Ok(ExitCode::SUCCESS);
    }
    for line in &problems {
        eprintln!("{line}");
    }
    if check {
        eprintln!("generated code is out of date; run `{CODEGEN_COMMAND}` and commit the result");
    }
    Ok(ExitCode::FAILURE)
}

fn generate(args: &[String]) -> Result<ExitCode> {
    let mut spec = None;
    let mut out = None;
    let mut crate_name = None;
    let mut client_name = None;
    let mut config_file = None;
    let mut runtime_path = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value\n{USAGE}")).cloned();
        match flag.as_str() {
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--crate-name" => crate_name = Some(value()?),
            "--client-name" => client_name = Some(value()?),
            "--config" => config_file = Some(PathBuf::from(value()?)),
            "--runtime-path" => runtime_path = Some(value()?),
            _ => bail!("unexpected argument {flag:?}\n{USAGE}"),
        }
    }
    let spec = spec.with_context(|| format!("--spec is required\n{USAGE}"))?;
    let out = out.with_context(|| format!("--out is required\n{USAGE}"))?;
    let mut config = match &config_file {
        Some(path) => Config::load(path)?,
        None => Config::new("generated-client"),
    };
    if let Some(name) = crate_name {
        config.crate_name = name;
    }
    if let Some(name) = client_name {
        config.client_name = name;
    }
    if let Some(path) = runtime_path {
        config.runtime = generator::config::Runtime::Path(path);
    }
    let spec_label = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let provenance = Provenance {
        command: "cargo xtask generate".to_owned(),
        spec_label,
    };
    let output = generator::generate(&spec, &config, &provenance)?;
    for warning in &output.warnings {
        eprintln!("warning: {warning}");
    }
    let diff = diff(&out, &output.files).with_context(|| format!("reading {}", out.display()))?;
    apply(&out, &diff).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "{}: {} operations, {} types, {} files, {} changed",
        out.display(),
        output.operations,
        output.types,
        output.files.len(),
        diff.changed.len() + diff.missing.len() + diff.stale.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn spec_drift(args: &[String]) -> Result<ExitCode> {
    let root = workspace_root();
    let mut upstream = None;
    let mut spec = root.join("spec/genauth-management.yaml");
    let mut reviewed = root.join("spec/drift.yaml");
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value\n{USAGE}")).map(PathBuf::from);
        match flag.as_str() {
            "--upstream" => upstream = Some(value()?),
            "--spec" => spec = value()?,
            "--reviewed" => reviewed = value()?,
            _ => bail!("unexpected argument {flag:?}\n{USAGE}"),
        }
    }
    let upstream = upstream.with_context(|| format!("--upstream is required\n{USAGE}"))?;
    let (ours, _) = xtask::drift::model(&spec)?;
    let (theirs, tags) = xtask::drift::model(&upstream)?;
    let report = xtask::drift::compare(&ours, &theirs, &tags);
    let review = report.review(&xtask::drift::ReviewedFile::load(&reviewed).map_err(anyhow::Error::msg)?);
    println!("{} operations compared with {}:", report.operations.len(), upstream.display());
    for (id, at, theirs) in &report.operations {
        println!("  {id:40} {at:60} {}", theirs.as_deref().unwrap_or("(not upstream)"));
    }
    println!();
    println!("{} differences, {} explained in {}:", report.differences.len(), review.explained.len(), reviewed.display());
    for (line, reason) in &review.explained {
        println!("  {line}\n      because {reason}");
    }
    println!();
    let missing: usize = report.missing.values().map(Vec::len).sum();
    println!("{missing} upstream operations we do not have, by tag:");
    for (tag, operations) in &report.missing {
        println!("  {tag} ({})", operations.len());
        for op in operations {
            println!("    {op}");
        }
    }
    for stale in &review.stale {
        eprintln!("stale entry in {}: {stale:?} matches no difference", reviewed.display());
    }
    for line in &review.unexplained {
        eprintln!("unexplained: {line}");
    }
    if review.unexplained.is_empty() && review.stale.is_empty() {
        println!("every difference is explained");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} unexplained difference(s), {} stale entr(ies): update the spec or {}",
            review.unexplained.len(),
            review.stale.len(),
            reviewed.display()
        );
        Ok(ExitCode::FAILURE)
    }
}
