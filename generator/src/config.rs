//! What the generator needs to know beyond the spec: the crate's name and the client's.

use std::path::Path;

use serde::Deserialize;

use crate::error::Error;

/// Generator settings, read from a YAML file beside the spec or built in code.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The package name of the generated crate (`genauth-client`).
    pub crate_name: String,
    /// The package version.
    #[serde(default = "default_version")]
    pub crate_version: String,
    /// The client type's name (`ManagementClient`).
    #[serde(default = "default_client")]
    pub client_name: String,
    /// The package description; defaults to one naming the API.
    #[serde(default)]
    pub description: Option<String>,
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

fn default_client() -> String {
    "Client".to_owned()
}

impl Config {
    /// Settings with defaults for everything but the crate name.
    pub fn new(crate_name: impl Into<String>) -> Self {
        Config {
            crate_name: crate_name.into(),
            crate_version: default_version(),
            client_name: default_client(),
            description: None,
        }
    }

    /// Reads settings from a YAML file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let config: Config = serde_yaml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        config.validate().map_err(|message| Error::Config {
            path: path.to_owned(),
            message,
        })?;
        Ok(config)
    }

    /// Checks that the names can be used as a package name and a Rust type name.
    pub fn validate(&self) -> Result<(), String> {
        let package_ok = !self.crate_name.is_empty()
            && self.crate_name.starts_with(|c: char| c.is_ascii_alphabetic())
            && self.crate_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !package_ok {
            return Err(format!("crate-name {:?} is not a valid package name", self.crate_name));
        }
        if crate::naming::type_name(&self.client_name) != self.client_name {
            return Err(format!("client-name {:?} is not an UpperCamelCase identifier", self.client_name));
        }
        Ok(())
    }

    /// The library name Rust code uses (`genauth_client`).
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }
}
