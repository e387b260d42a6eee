//! What the generator needs to know beyond the spec: the crate's name and the client's.

use std::path::{Path, PathBuf};

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
    /// Operations besides GET/HEAD/OPTIONS that only read, so they may be retried.
    #[serde(default)]
    pub read_only_operations: Vec<String>,
    /// Prefix of the environment variables `from_env()` reads (`GENAUTH` → `GENAUTH_HOST`, …).
    #[serde(default)]
    pub env_prefix: Option<String>,
    /// How every response wraps its payload, when it does.
    #[serde(default)]
    pub envelope: Option<Envelope>,
    /// Token authentication, when the API uses it.
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Example programs copied into the crate's `examples/` (paths relative to the config file).
    #[serde(default)]
    pub examples: Vec<String>,
    /// The examples' contents, read by [`Config::load`].
    #[serde(skip)]
    pub example_sources: Vec<ExampleSource>,
    /// Operations whose answers come in pages: their builders get `pages()` and `into_stream()`.
    #[serde(default)]
    pub paging: Vec<Paging>,
    /// Operations whose list parameter may be longer than the API takes at once: their builders
    /// get `send_all()`, which splits it into several requests.
    #[serde(default)]
    pub batches: Vec<Batch>,
    /// Typed search conditions, sort items and fuzzy-search fields (`src/filters.rs`).
    #[serde(default)]
    pub filters: Option<Filters>,
    /// The file the settings were read from, named in configuration errors.
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// How the generated crate reaches the runtime crate; set by the caller, not the file.
    #[serde(skip)]
    pub runtime: Runtime,
}

/// How a generated crate depends on the runtime crate (`openapi-client-runtime`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Runtime {
    /// A copy of the runtime's sources is written into the crate (`runtime/`), so the crate
    /// builds wherever it is put.
    #[default]
    Vendored,
    /// The runtime crate at this path, relative to the generated crate's directory
    /// (`../runtime` in this repository).
    Path(String),
}

/// A response envelope: `{ <status>: 200, <message>: "...", <data>: ... }`. Success is decided by
/// the status field, not by the HTTP status.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Envelope {
    /// The business status field (`statusCode`).
    pub status_field: String,
    /// Its value on success (`200`).
    pub success: i64,
    /// The payload field (`data`).
    pub data_field: String,
    /// The human-readable message field (`message`).
    pub message_field: String,
    /// The finer error code field (`apiCode`), if any.
    #[serde(default)]
    pub api_code_field: Option<String>,
    /// The request id field (`requestId`), if any.
    #[serde(default)]
    pub request_id_field: Option<String>,
}

/// Token authentication: an access key pair is exchanged for a token by one operation of the
/// spec, and the token (plus a tenant id taken from it) is sent with every other request.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Auth {
    /// The operationId that issues tokens (`getManagementToken`).
    pub token_operation: String,
    /// Its body field carrying the key id (`accessKeyId`).
    pub key_id_field: String,
    /// Its body field carrying the key secret (`accessKeySecret`).
    pub key_secret_field: String,
    /// The token field of its response payload (`access_token`).
    pub token_field: String,
    /// The lifetime field of its response payload, in seconds (`expires_in`).
    pub expires_in_field: String,
    /// The header carrying the token (`authorization`).
    pub header: String,
    /// Text before the token in that header (`"Bearer "`).
    #[serde(default)]
    pub scheme: String,
    /// The business status that means "token invalid or expired" (`401`).
    pub invalid_token_status: i64,
    /// The JWT claim holding the tenant id (`scoped_userpool_id`).
    #[serde(default)]
    pub tenant_claim: Option<String>,
    /// What the tenant is called in the builder's setter (`user_pool_id`).
    pub tenant_name: String,
    /// Header name suffixes, each after a family's prefix and a `-`.
    pub headers: AuthHeaders,
    /// Header families, the first being the default (`x-genauth` for `api.genauth.ai`).
    pub families: Vec<HeaderFamily>,
}

/// Header name suffixes (`userpool-id` → `x-genauth-userpool-id`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuthHeaders {
    /// The tenant id header suffix.
    pub tenant: String,
    /// The language header suffix.
    pub lang: String,
    /// The SDK version header suffix.
    pub sdk_version: String,
}

/// A family of header names and the host that uses it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HeaderFamily {
    /// The variant name (`GenAuth`).
    pub name: String,
    /// The header prefix (`x-genauth`).
    pub prefix: String,
    /// The host that expects this family (`api.genauth.ai`).
    pub host: String,
}

/// A paged operation. Paths are `.`-separated wire names: `page` and `limit` start at a
/// parameter or (flattened) body field of the operation (`options.pagination.page`), `items` and
/// `total` at the answer's payload (`list`, `totalCount`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Paging {
    /// The operationId (`listUsers`).
    pub operation: String,
    /// The page number input, an integer; the first page is its declared `minimum`, else 1.
    pub page: String,
    /// The page size input, an integer; pages of its declared `maximum` are asked for unless
    /// the caller sets it.
    pub limit: String,
    /// The list of items in the payload.
    pub items: String,
    /// The total number of items in the payload, if the API reports one: paging stops once
    /// that many items came back (and always at an empty page).
    #[serde(default)]
    pub total: Option<String>,
    /// The page size to ask for instead of the limit's declared `maximum`.
    #[serde(default)]
    pub page_size: Option<u32>,
}

/// An operation whose list input is split into requests of at most `maxItems` (or `size`)
/// values, the answers' lists joined in order.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Batch {
    /// The operationId (`getUserBatch`).
    pub operation: String,
    /// The wire name of the list parameter or body field (`userIds`).
    pub parameter: String,
    /// Values per request instead of the parameter's declared `maxItems`.
    #[serde(default)]
    pub size: Option<u32>,
}

/// Names that the templates put into string literals: plain text only.
fn check_literals<'a>(texts: impl Iterator<Item = &'a String>) -> Result<(), String> {
    for text in texts {
        if text.chars().any(|c| c == '"' || c == '\\' || c == '{' || c == '}' || c.is_control()) {
            return Err(format!("{text:?} may not contain quotes, backslashes, braces or control characters"));
        }
    }
    Ok(())
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
            read_only_operations: Vec::new(),
            env_prefix: None,
            envelope: None,
            auth: None,
            examples: Vec::new(),
            example_sources: Vec::new(),
            paging: Vec::new(),
            batches: Vec::new(),
            filters: None,
            source: None,
            runtime: Runtime::default(),
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
        let mut config = config;
        config.source = Some(path.to_owned());
        let dir = path.parent().unwrap_or(Path::new("."));
        // Named in preambles by the config's folder and the declared path, never absolutely.
        let folder = dir.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        for declared in &config.examples {
            let name = Path::new(declared)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".rs") && !declared.contains(".."))
                .ok_or_else(|| Error::Config {
                    path: path.to_owned(),
                    message: format!("example {declared:?} must be a `.rs` file inside the config's folder"),
                })?;
            let contents = std::fs::read_to_string(dir.join(declared)).map_err(|source| Error::Read {
                path: dir.join(declared),
                source,
            })?;
            let label = if folder.is_empty() { declared.clone() } else { format!("{folder}/{declared}") };
            config.example_sources.push(ExampleSource { name, label, contents });
        }
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
        if let Some(auth) = &self.auth {
            if auth.families.is_empty() {
                return Err("auth.families lists no header family".to_owned());
            }
            for family in &auth.families {
                if crate::naming::type_name(&family.name) != family.name {
                    return Err(format!("header family name {:?} is not an UpperCamelCase identifier", family.name));
                }
            }
            if crate::naming::snake(&auth.tenant_name) != auth.tenant_name {
                return Err(format!("auth.tenant-name {:?} is not a snake_case identifier", auth.tenant_name));
            }
            let texts = [&auth.header, &auth.scheme, &auth.headers.tenant, &auth.headers.lang, &auth.headers.sdk_version]
                .into_iter()
                .chain(auth.tenant_claim.as_ref())
                .chain(auth.families.iter().flat_map(|f| [&f.prefix, &f.host]));
            check_literals(texts)?;
        }
        if let Some(envelope) = &self.envelope {
            let texts = [&envelope.status_field, &envelope.data_field, &envelope.message_field]
                .into_iter()
                .chain(envelope.api_code_field.as_ref())
                .chain(envelope.request_id_field.as_ref());
            check_literals(texts)?;
        }
        for (i, paging) in self.paging.iter().enumerate() {
            if self.paging[..i].iter().any(|p| p.operation == paging.operation) {
                return Err(format!("paging lists operation {:?} twice", paging.operation));
            }
            if paging.page_size == Some(0) {
                return Err(format!("paging of {:?}: page-size must be at least 1", paging.operation));
            }
        }
        for (i, batch) in self.batches.iter().enumerate() {
            if self.batches[..i].iter().any(|b| b.operation == batch.operation) {
                return Err(format!("batches lists operation {:?} twice", batch.operation));
            }
            if batch.size == Some(0) {
                return Err(format!("batch of {:?}: size must be at least 1", batch.operation));
            }
        }
        if let Some(filters) = &self.filters {
            filters.validate()?;
        }
        if let Some(prefix) = &self.env_prefix
            && (prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        {
            return Err(format!("env-prefix {prefix:?} must be UPPER_SNAKE_CASE"));
        }
        Ok(())
    }

    /// The library name Rust code uses (`genauth_client`).
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }
}

/// Typed helpers for an operation that takes search conditions as
/// `{ <field>: "name", <operator>: "OP", <value>: any JSON }` objects (GenAuth's `advancedFilter`),
/// sort items and fuzzy-search fields. Emitted as `src/filters.rs`; resolved against the model in
/// `emit::filters`, which refuses names the spec does not have.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Filters {
    /// The operationId whose request body holds the conditions (`listUsers`); its docs examples
    /// call it.
    pub operation: String,
    /// One condition.
    pub condition: FilterCondition,
    /// One sort item, when the API sorts.
    #[serde(default)]
    pub sort: Option<FilterSort>,
    /// The options object holding the sort items and fuzzy-search fields.
    #[serde(default)]
    pub options: Option<FilterOptions>,
}

/// The condition schema, its three properties, its operators and its documented fields.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilterCondition {
    /// The schema of one condition (`ListUsersAdvancedFilterItemDto`).
    pub schema: String,
    /// The name the generated crate gives it (`Filter`).
    #[serde(rename = "type", default = "default_filter_type")]
    pub type_name: String,
    /// Its property naming the field (`field`).
    pub field: String,
    /// Its property naming the operator (`operator`).
    pub operator: String,
    /// Its property holding the value (`value`): any JSON, not required.
    pub value: String,
    /// Every operator and what it compares with.
    pub operators: Vec<FilterOperator>,
    /// Named sets of operators that fields share (`Text`: `EQUAL`, `CONTAINS`, …): each set is
    /// one builder type in the generated crate (`TextFilter<V>`), generic over the value type.
    #[serde(default)]
    pub operator_sets: Vec<OperatorSet>,
    /// The documented fields, in the order the docs list them. Any other field is reached with
    /// `custom(name)`.
    pub fields: Vec<FilterField>,
}

/// A named set of operators (`Text`), shared by the fields that allow exactly these.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OperatorSet {
    /// The set's name, an UpperCamelCase word: its builder is `<name><condition type>`.
    pub name: String,
    /// Its operators, each one of `condition.operators`.
    pub operators: Vec<String>,
}

/// The operators a field allows: a named set, or a list.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum FieldOperators {
    /// The name of one of `condition.operator-sets`.
    Set(String),
    /// Operators of `condition.operators`.
    List(Vec<String>),
}

/// One operator (`BETWEEN`) and the value it takes.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilterOperator {
    /// The operator as sent (`BETWEEN`).
    pub wire: String,
    /// What it compares with.
    pub takes: Takes,
    /// The builder method's name; defaults to the snake-case wire name (`between`).
    #[serde(default)]
    pub method: Option<String>,
}

/// The value an operator sends.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Takes {
    /// No value: the property is left out (`IS_NULL`).
    Nothing,
    /// One value (`EQUAL`).
    One,
    /// A JSON array of values (`IN`).
    List,
    /// A JSON array of two values, lower bound first (`BETWEEN`).
    Pair,
}

/// One documented field, its value kind and the operators it allows.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilterField {
    /// The field as sent (`loginsCount`).
    pub name: String,
    /// The value kind: `string`, `integer`, `number`, `boolean`, `time` (RFC 3339 text or epoch
    /// milliseconds), `any` (any JSON), or the name of a schema of the spec (`UserDtoStatus`).
    pub value: String,
    /// The operators it allows: a set of `condition.operator-sets`, or a list of
    /// `condition.operators`.
    pub operators: FieldOperators,
    /// Its documentation; by default the text after `- <name>:` in the field property's
    /// description.
    #[serde(default)]
    pub doc: Option<String>,
}

/// The sort item schema and its two properties.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilterSort {
    /// The schema of one sort item (`SortingDto`).
    pub schema: String,
    /// The name the generated crate gives it (`Sort`).
    #[serde(rename = "type", default = "default_sort_type")]
    pub type_name: String,
    /// Its property naming the field (`field`): a string or a string enum.
    pub field: String,
    /// Its property naming the order (`order`): a string or a string enum.
    pub order: String,
}

/// The options schema and which of its array properties get `with_<property>` setters.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilterOptions {
    /// The options schema (`ListUsersOptionsDto`).
    pub schema: String,
    /// Its property holding sort items (`sort`).
    #[serde(default)]
    pub sort: Option<String>,
    /// Its property holding fuzzy-search fields (`fuzzySearchOn`).
    #[serde(default)]
    pub fuzzy_search_on: Option<String>,
    /// The name the generated crate gives the fuzzy-search field type (`FuzzySearchOn`).
    #[serde(default = "default_fuzzy_type")]
    pub fuzzy_type: String,
}

fn default_filter_type() -> String {
    "Filter".to_owned()
}

fn default_sort_type() -> String {
    "Sort".to_owned()
}

fn default_fuzzy_type() -> String {
    "FuzzySearchOn".to_owned()
}

/// Value kinds that are not schema names.
pub const FILTER_VALUE_KINDS: &[&str] = &["string", "integer", "number", "boolean", "time", "any"];

impl Filters {
    /// Checks what can be checked without the spec: identifiers, duplicates, known operators.
    pub fn validate(&self) -> Result<(), String> {
        let condition = &self.condition;
        let mut type_names = vec![("filters.condition.type", &condition.type_name)];
        if let Some(sort) = &self.sort {
            type_names.push(("filters.sort.type", &sort.type_name));
        }
        if let Some(options) = &self.options {
            type_names.push(("filters.options.fuzzy-type", &options.fuzzy_type));
        }
        for (key, name) in type_names {
            if crate::naming::type_name(name) != *name {
                return Err(format!("{key} {name:?} is not an UpperCamelCase identifier"));
            }
        }
        if condition.operators.is_empty() {
            return Err("filters.condition.operators lists no operator".to_owned());
        }
        let mut methods = Vec::new();
        for (i, op) in condition.operators.iter().enumerate() {
            if condition.operators[..i].iter().any(|o| o.wire == op.wire) {
                return Err(format!("filters.condition.operators lists {:?} twice", op.wire));
            }
            let method = op.method.clone().unwrap_or_else(|| crate::naming::snake(&op.wire));
            if crate::naming::snake(&method) != method {
                return Err(format!(
                    "filters.condition.operators[{i}] ({:?}): method {method:?} is not a snake_case identifier that is not a keyword",
                    op.wire
                ));
            }
            if methods.contains(&method) {
                return Err(format!("filters.condition.operators: two operators have the method name {method:?}"));
            }
            methods.push(method);
        }
        let known = |at: &str, ops: &[String]| -> Result<(), String> {
            if ops.is_empty() {
                return Err(format!("{at}: lists no operator"));
            }
            for op in ops {
                if !condition.operators.iter().any(|o| &o.wire == op) {
                    return Err(format!("{at}: operator {op:?} is not one of filters.condition.operators"));
                }
            }
            Ok(())
        };
        for (i, set) in condition.operator_sets.iter().enumerate() {
            let at = format!("filters.condition.operator-sets[{i}] ({:?})", set.name);
            if crate::naming::type_name(&set.name) != set.name {
                return Err(format!("{at}: the name is not an UpperCamelCase identifier"));
            }
            if condition.operator_sets[..i].iter().any(|s| s.name == set.name) {
                return Err(format!("{at}: the set is listed twice"));
            }
            known(&at, &set.operators)?;
        }
        for (i, field) in condition.fields.iter().enumerate() {
            let at = format!("filters.condition.fields[{i}] ({:?})", field.name);
            if field.name.is_empty() {
                return Err(format!("{at}: the name is empty"));
            }
            if condition.fields[..i].iter().any(|f| f.name == field.name) {
                return Err(format!("{at}: the field is listed twice"));
            }
            match &field.operators {
                FieldOperators::List(ops) => known(&at, ops)?,
                FieldOperators::Set(name) => {
                    if !condition.operator_sets.iter().any(|s| &s.name == name) {
                        return Err(format!("{at}: operators {name:?} is not one of filters.condition.operator-sets"));
                    }
                }
            }
        }
        Ok(())
    }
}

/// An example program declared in the config, as read from disk.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleSource {
    /// Its file name in `examples/` (`quickstart.rs`).
    pub name: String,
    /// Where it comes from, for the preamble (`spec/examples/quickstart.rs`).
    pub label: String,
    /// Its text, copied as is.
    pub contents: String,
}
