//! A model of the API that the emitters read: types, operations, parameters, responses.
//!
//! It knows nothing of Rust syntax. Building it resolves every `$ref`, hoists inline objects and
//! enums into named types, and refuses what the generator cannot honour, naming the JSON pointer.

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap, HashSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter,
    ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{escape_pointer_segment, unescape_pointer_segment, Error, Location, Warning};
use crate::load::Spec;
use crate::naming::{self, Namespace};

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL with its variables' defaults filled in, used as the client's default
    /// base URL (may still be relative).
    pub default_server: Option<String>,
    /// Named types: component schemas in spec order, each followed by the types hoisted from it.
    pub types: Vec<TypeDef>,
    /// Operations in spec order (paths, then methods in a fixed order).
    pub operations: Vec<Operation>,
    /// What was sloppy in the spec and how it was read, in document order.
    pub warnings: Vec<Warning>,
    /// Type name → index into `types`.
    index: HashMap<String, usize>,
    /// Per type, the least nesting of a finite value (see [`Api::least_depth`]).
    least_depths: Vec<Option<usize>>,
}

impl Api {
    /// The named type `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.index.get(name).map(|&i| &self.types[i])
    }

    /// How deeply the smallest finite value of `ty` nests named structs and unions (required,
    /// non-null fields only; lists, maps, null and scalars end a value), `None` when no finite
    /// value exists (a union whose every variant leads back to itself). Samples follow it to end.
    pub fn least_depth(&self, ty: &TypeRef) -> Option<usize> {
        match ty {
            TypeRef::Named(name) => self.index.get(name).map_or(Some(0), |&i| self.least_depths[i]),
            _ => Some(0),
        }
    }

    /// The type behind any aliases (bounded, so an alias cycle cannot be followed forever).
    pub fn resolve<'a>(&'a self, mut ty: &'a TypeRef) -> &'a TypeRef {
        for _ in 0..=self.types.len().min(64) {
            let TypeRef::Named(name) = ty else { break };
            match self.type_def(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => break,
            }
        }
        ty
    }

    /// The kind of the named type behind `ty` and its aliases.
    pub fn resolve_kind(&self, ty: &TypeRef) -> Option<&TypeKind> {
        match self.resolve(ty) {
            TypeRef::Named(name) => self.type_def(name).map(|t| &t.kind),
            _ => None,
        }
    }

    /// Whether two references name the same type, through aliases and `null`.
    pub fn same_type(&self, a: &TypeRef, b: &TypeRef) -> bool {
        let strip = |ty: &TypeRef| -> TypeRef {
            match self.resolve(ty) {
                TypeRef::Nullable(inner) => self.resolve(inner).clone(),
                other => other.clone(),
            }
        };
        strip(a) == strip(b)
    }

    /// The fields of `ty` when it is a named struct (aliases are not followed).
    pub fn struct_fields(&self, ty: &TypeRef) -> Option<&[Field]> {
        let TypeRef::Named(name) = ty else { return None };
        match &self.type_def(name)?.kind {
            TypeKind::Struct(fields) => Some(fields),
            _ => None,
        }
    }

    /// The fields of `ty` when it is a struct, through aliases.
    pub fn object_fields(&self, ty: &TypeRef) -> Option<&[Field]> {
        self.struct_fields(self.resolve(ty))
    }

    /// The operation whose operationId is `id`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// Whether `Default` is derived for the named type: it is a struct or alias all of whose
    /// required fields have a default, without recursion.
    pub fn derives_default(&self, name: &str) -> bool {
        self.defaults(name, &mut HashMap::new())
    }

    fn defaults<'a>(&'a self, name: &'a str, memo: &mut HashMap<&'a str, bool>) -> bool {
        if let Some(&known) = memo.get(name) {
            return known;
        }
        // "No" while visiting, so cycles end conservatively.
        memo.insert(name, false);
        let of = |ty: &'a TypeRef, memo: &mut HashMap<&'a str, bool>| match ty {
            TypeRef::Named(name) => self.defaults(name, memo),
            _ => true,
        };
        let result = match self.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields
                .iter()
                .filter(|f| f.required && !f.nullable)
                .all(|f| !f.recursive && of(&f.ty, memo)),
            Some(TypeKind::Alias(ty)) => of(ty, memo),
            _ => false,
        };
        memo.insert(name, result);
        result
    }
}

/// One named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The type's identifier, unique among types (allocated by [`naming`]).
    pub name: String,
    /// JSON pointer of the schema it comes from.
    pub source: String,
    /// The schema's description (or title).
    pub description: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Vec<Field>),
    /// A string with a fixed set of known values; unknown values must still decode.
    Enum(Vec<EnumValue>),
    /// A number with a fixed set of known values (`enum` of integers or of numbers); unknown
    /// values must still decode.
    NumberEnum {
        /// The values' type: [`TypeRef::Integer`] or [`TypeRef::Number`].
        ty: TypeRef,
        /// The known values, in declaration order.
        values: Vec<NumberValue>,
    },
    /// Another name for a type (a component schema that is a scalar, array or map).
    Alias(TypeRef),
    /// A value of one of several shapes (`oneOf` / `anyOf`, or the schemas built on an `allOf`
    /// base with a `discriminator`).
    Union {
        /// The alternatives.
        variants: Vec<Variant>,
        /// The property whose value names the variant (`discriminator.propertyName`): decoded by
        /// that value, unknown values kept. Without one, decoded by trying each variant in order,
        /// first match wins.
        discriminator: Option<String>,
    },
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The variant identifier, unique within the union.
    pub name: String,
    /// The member's description or title.
    pub description: Option<String>,
    /// The member's type.
    pub ty: TypeRef,
    /// Embeds its own union without indirection (needs a box to have a finite size).
    pub recursive: bool,
    /// The discriminator values that name this variant (the first is written when encoding);
    /// empty without a discriminator.
    pub tags: Vec<String>,
}

/// One known value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// The value on the wire.
    pub wire: String,
    /// The variant identifier, unique within the enum.
    pub name: String,
}

/// One known value of a number enum.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberValue {
    /// The value on the wire.
    pub wire: serde_json::Number,
    /// The variant identifier, unique within the enum.
    pub name: String,
}

/// One property of an object.
#[derive(Debug, Clone)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// The field identifier, unique within the struct.
    pub name: String,
    /// The property's description.
    pub description: Option<String>,
    /// The property's type.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Embeds its own container type without indirection (needs a box to have a finite size).
    pub recursive: bool,
    /// Not a property but the object's other keys, written beside the properties
    /// (`#[serde(flatten)]`): the variant of a `oneOf`/`anyOf` declared beside `properties`, or
    /// the `additionalProperties`. Its `wire_name` is that keyword.
    pub flatten: bool,
    /// `readOnly: true`: sent by the service, not in requests (so never required).
    pub read_only: bool,
    /// `writeOnly: true`: in requests, not in answers (so never required).
    pub write_only: bool,
    /// A variant of a union flattened beside it declares the same property: both must see its
    /// key (serde's flattening would hand it to this field only).
    pub shares_key: bool,
    /// Bounds declared on the property.
    pub limits: Limits,
    /// The declared default, as JSON.
    pub default: Option<serde_json::Value>,
    /// The declared example, as JSON (used in generated doc examples).
    pub example: Option<serde_json::Value>,
}

/// Bounds a value must respect, as declared in the spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
}

impl Limits {
    /// No bounds.
    pub const EMPTY: Limits = Limits {
        min_items: None,
        max_items: None,
        minimum: None,
        maximum: None,
    };

    /// Whether any bound is declared.
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }
}

/// A reference to a type, as a field, parameter, body or response uses it.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A string (`format` kept for documentation: `date`, `date-time`, …).
    String {
        /// The declared format, if any.
        format: Option<String>,
    },
    /// A whole number.
    Integer {
        /// Width in bits: 8, 16, 32 or 64 (`format: int8` … `int64`, `uint8` … `uint64`; 64 when
        /// no format or another one is declared).
        bits: u8,
        /// Whether negative values are allowed (`uint*` formats are unsigned).
        signed: bool,
    },
    /// A floating-point number.
    Number {
        /// `format: float`.
        float: bool,
    },
    /// `true` or `false`.
    Boolean,
    /// A list.
    Array(Box<TypeRef>),
    /// An object with arbitrary keys, all values of one type.
    Map(Box<TypeRef>),
    /// Any JSON value.
    Any,
    /// A free-form JSON object.
    Object,
    /// A named type (its identifier).
    Named(String),
    /// An array item or map value that may be `null` (`nullable: true`); struct fields carry
    /// nullability in [`Field::nullable`] instead.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The integer type a `format` names (`int32`, `uint8`, …); 64-bit signed otherwise.
    pub fn integer(format: Option<&str>) -> TypeRef {
        let (signed, bits) = match format {
            Some("int8") => (true, 8),
            Some("int16") => (true, 16),
            Some("int32") => (true, 32),
            Some("uint8") => (false, 8),
            Some("uint16") => (false, 16),
            Some("uint32") => (false, 32),
            Some("uint64") => (false, 64),
            _ => (true, 64),
        };
        TypeRef::Integer { bits, signed }
    }

    /// The type without `null`: parameters are sent only when set, so their items never are.
    fn non_null(self) -> TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner.non_null(),
            TypeRef::Array(item) => TypeRef::Array(Box::new(item.non_null())),
            other => other,
        }
    }
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The method as HTTP spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId` (or one derived from method and path when the spec has none).
    pub id: String,
    /// The method identifier on the client, unique among operations.
    pub name: String,
    /// The builder type identifier, unique among operations.
    pub builder: String,
    /// HTTP method.
    pub method: Method,
    /// The path template (`/pets/{id}`).
    pub path: String,
    /// The path split into literal and parameter pieces.
    pub path_segments: Vec<PathSegment>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path, query and header parameters, in declaration order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The type of a successful JSON answer when every success answer is that one type; `None`
    /// otherwise (no JSON body, or several kinds of answer: see [`Operation::success`]).
    pub response: Option<TypeRef>,
    /// The declared successful answers (2xx, or `default` when no 2xx is declared), by status.
    pub success: Vec<Answer>,
    /// The identifier of the enum of success answers in the `operations` module, when the
    /// success answers differ in what they carry.
    pub answer_enum: Option<String>,
    /// The declared error answers (`4xx`, `5XX`, `default`, …): specific codes first, then
    /// ranges, then `default`.
    pub errors: Vec<Answer>,
    /// The headers the success answers declare (first declaration of each name wins).
    pub response_headers: Vec<ResponseHeader>,
    /// JSON pointer of the operation.
    pub source: String,
}

/// One `/`-separated piece of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathSegment {
    /// Literal text and `{param}` references, concatenated.
    Parts(Vec<PathPart>),
}

/// Literal text or a parameter reference inside a path segment.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// The index into [`Operation::params`] of a path parameter.
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// How a value is written into the path, query, a header, a cookie or a form field (OpenAPI
/// `style`), or as JSON text for a parameter declared with JSON `content`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ParamStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
    Label,
    Matrix,
    Json,
}

impl ParamStyle {
    /// The style as a spec spells it.
    pub fn spec_name(self) -> &'static str {
        match self {
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
            ParamStyle::Json => "content",
        }
    }
}

/// A status an answer is declared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKey {
    /// One status code.
    Code(u16),
    /// A range: `4` for `4XX`.
    Range(u16),
    /// `default`.
    Default,
}

impl std::fmt::Display for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusKey::Code(c) => write!(f, "{c}"),
            StatusKey::Range(r) => write!(f, "{r}XX"),
            StatusKey::Default => f.write_str("default"),
        }
    }
}

/// What an answer's body carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// JSON of this type.
    Json(TypeRef),
    /// Text (`text/*`).
    Text,
    /// Bytes (any other media type: files, images, …).
    Binary,
    /// Nothing (no content declared).
    Empty,
}

/// One declared answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status it is declared for.
    pub status: StatusKey,
    /// What its body carries.
    pub payload: Payload,
    /// The variant of the operation's answer enum (empty when there is none).
    pub variant: String,
    /// The answer's description.
    pub description: Option<String>,
}

/// A header a success answer declares.
#[derive(Debug, Clone)]
pub struct ResponseHeader {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
}

/// One parameter (or, for a flattened body, see [`Body`]).
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire.
    pub wire_name: String,
    /// The setter identifier, unique within the operation.
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Must be set before sending.
    pub required: bool,
    /// The description.
    pub description: Option<String>,
    /// Its type.
    pub ty: TypeRef,
    /// How its value is written.
    pub style: ParamStyle,
    /// `explode`: for arrays and objects, one pair per item or property (`true`) or one joined
    /// value (`false`).
    pub explode: bool,
    /// Declared bounds.
    pub limits: Limits,
    /// The declared default.
    pub default: Option<serde_json::Value>,
    /// The declared example (the parameter's, else its schema's).
    pub example: Option<serde_json::Value>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyKind {
    /// JSON (`application/json`, `*/*+json`, `*/*` with a schema).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data` (and other `multipart/*`).
    Multipart,
    /// Text (`text/*`), sent as given.
    Text,
    /// Bytes (any other media type), sent as given.
    Binary,
}

/// How one property of a form or multipart body is written (its `encoding` entry).
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyEncoding {
    /// The property's wire name.
    pub property: String,
    /// Form bodies: how its value is written.
    pub style: ParamStyle,
    /// Form bodies: `explode`.
    pub explode: bool,
    /// Multipart bodies: the part's content type.
    pub content_type: Option<String>,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Its type (for text and binary bodies, the declared schema's, not what the builder takes).
    pub ty: TypeRef,
    /// The media type sent (from the declared ones, by [`BodyKind`] order).
    pub media: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// Form and multipart bodies: the declared per-property encodings.
    pub encodings: Vec<PropertyEncoding>,
    /// Other declared media types the same inputs can be sent as (JSON, form, multipart), with
    /// the builder method that picks each.
    pub alternatives: Vec<Alternative>,
    /// The builder field holding the picked alternative (empty without alternatives).
    pub choice: String,
    /// Must be sent.
    pub required: bool,
    /// The description.
    pub description: Option<String>,
    /// The setter identifier of the whole body, unique among the operation's parameters; empty
    /// when the body is flattened.
    pub setter: String,
    /// When the body is a named object: its fields become setters on the builder, each with the
    /// setter identifier given here (unique among the operation's parameters and fields).
    pub flattened: Option<Vec<String>>,
}

/// Another media type a body may be sent as.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// The media type.
    pub media: String,
    /// Its encoding.
    pub kind: BodyKind,
    /// The builder method that picks it (`as_form`), unique among the builder's members.
    pub method: String,
}

/// Builds the model of a loaded spec.
pub fn build(spec: &Spec) -> Result<Api, Error> {
    let mut builder = Builder::new(spec);
    builder.components()?;
    let operations = builder.operations()?;
    builder.break_alias_cycles();
    builder.mark_recursive();
    builder.open_endless_cycles();
    builder.mark_shared_keys();
    let index: HashMap<String, usize> = builder.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let least_depths = builder.least_depths(&index);
    let doc = &spec.doc;
    // Printed in one-line places (`Cargo.toml`, doc headings, `Debug`): no control characters.
    let title = builder.one_line(&doc.info.title, "/info/title");
    let version = builder.one_line(&doc.info.version, "/info/version");
    // Prose goes through `docs::doc_lines`, which drops control characters itself.
    let description = doc.info.description.clone();
    Ok(Api {
        title,
        version,
        description,
        default_server: doc.servers.first().map(server_url),
        index,
        least_depths,
        types: builder.types,
        operations,
        warnings: builder.warnings,
    })
}

/// The component `reference` names among `components` (under `prefix`), through `$ref`s to
/// other components of the kind (a bounded chain: a cycle is unresolved), with its name.
fn follow<'t, T: 't>(components: impl Fn(&str) -> Option<(&'t String, &'t ReferenceOr<T>)>, prefix: &str, mut reference: &'t str) -> Option<(&'t str, &'t T)> {
    for _ in 0..32 {
        let (name, component) = components(reference.strip_prefix(prefix)?)?;
        match component {
            ReferenceOr::Item(item) => return Some((name.as_str(), item)),
            ReferenceOr::Reference { reference: next } => reference = next.as_str(),
        }
    }
    None
}

/// A schema reached through a `$ref` or given inline.
enum Node<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

fn node<S: Borrow<Schema>>(r: &ReferenceOr<S>) -> Node<'_> {
    match r {
        ReferenceOr::Reference { reference } => Node::Ref(reference),
        ReferenceOr::Item(s) => Node::Inline(s.borrow()),
    }
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";


struct Builder<'a> {
    spec: &'a Spec,
    doc: &'a OpenAPI,
    /// Component schema name → type identifier.
    component_names: HashMap<String, String>,
    namespace: Namespace,
    types: Vec<TypeDef>,
    /// Type name → index into `types`.
    type_index: HashMap<String, usize>,
    /// JSON pointer of a hoisted inline schema → its type.
    hoisted: HashMap<String, TypeRef>,
    /// Component schema with a `discriminator` → the components built on it (`allOf` with a
    /// `$ref` to it, or named in its mapping), in document order.
    subtypes: HashMap<String, Vec<String>>,
    warnings: Vec<Warning>,
}

impl<'a> Builder<'a> {
    fn new(spec: &'a Spec) -> Self {
        Builder {
            spec,
            doc: &spec.doc,
            component_names: HashMap::new(),
            namespace: Namespace::default(),
            types: Vec::new(),
            type_index: HashMap::new(),
            hoisted: HashMap::new(),
            subtypes: HashMap::new(),
            warnings: spec.warnings.clone(),
        }
    }

    /// `raw` on one line: control characters (line breaks included) become spaces, with a
    /// warning at `pointer`.
    fn one_line(&mut self, raw: &str, pointer: &str) -> String {
        if !raw.chars().any(char::is_control) {
            return raw.to_owned();
        }
        self.warn(pointer, "control characters (line breaks, NUL, DEL, …) where one line is expected; read as spaces");
        raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
    }

    /// Records that the spec is sloppy at `pointer` and how it was read.
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            location: Location { file: self.spec.path.clone(), pointer: pointer.to_owned(), line: None },
            message: message.into(),
        });
    }

    fn unsupported(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::Unsupported {
            location: Location {
                file: self.spec.path.clone(),
                pointer: pointer.to_owned(),
                line: None,
            },
            message: message.into(),
        }
    }

    fn schemas(&self) -> Option<&'a openapiv3::Components> {
        self.doc.components.as_ref()
    }

    /// Resolves `#/components/schemas/X` to X's schema, following chains of refs.
    fn resolve_schema(&self, reference: &str, pointer: &str) -> Result<(&'a str, &'a Schema), Error> {
        let mut reference = reference;
        for _ in 0..32 {
            let name = self.schema_ref_name(reference, pointer)?;
            let (key, value) = self
                .schemas()
                .and_then(|c| c.schemas.get_key_value(name))
                .ok_or_else(|| self.unresolved(reference, pointer))?;
            match value {
                ReferenceOr::Item(schema) => return Ok((key.as_str(), schema)),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        Err(self.unsupported(pointer, format!("`$ref` chain starting at {reference:?} does not end")))
    }

    fn schema_ref_name<'r>(&self, reference: &'r str, pointer: &str) -> Result<&'r str, Error> {
        match reference.strip_prefix(SCHEMA_PREFIX) {
            Some(name) if !name.contains('/') => Ok(name),
            _ => Err(self.unsupported(
                &format!("{pointer}/$ref"),
                format!(
                    "unsupported `$ref` {reference:?}: schema references must point to \
                     `{SCHEMA_PREFIX}<name>` in the same document"
                ),
            )),
        }
    }

    fn unresolved(&self, reference: &str, pointer: &str) -> Error {
        self.unsupported(
            &format!("{pointer}/$ref"),
            format!("unresolved `$ref` {reference:?}: no such schema in components.schemas"),
        )
    }

    /// The type identifier of a referenced component schema.
    fn named(&self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        let name = self.schema_ref_name(reference, pointer)?;
        match self.component_names.get(name) {
            Some(ident) => Ok(TypeRef::Named(ident.clone())),
            None => Err(self.unresolved(reference, pointer)),
        }
    }

    fn components(&mut self) -> Result<(), Error> {
        let Some(components) = self.schemas() else {
            return Ok(());
        };
        // Component names are claimed first so hoisted types never take them.
        for name in components.schemas.keys() {
            let ident = self.namespace.claim(naming::type_name(name));
            self.component_names.insert(name.clone(), ident);
        }
        self.subtypes = subtypes(components);
        for (name, schema) in &components.schemas {
            let pointer = format!("/components/schemas/{}", escape_pointer_segment(name));
            let ident = self.component_names[name].clone();
            match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.named(reference, &pointer)?;
                    self.push(ident, pointer, None, TypeKind::Alias(target));
                }
                ReferenceOr::Item(schema) => self.define(ident, schema, &pointer)?,
            }
        }
        Ok(())
    }

    fn push(&mut self, name: String, source: String, description: Option<String>, kind: TypeKind) {
        self.type_index.insert(name.clone(), self.types.len());
        self.types.push(TypeDef {
            name,
            source,
            description,
            kind,
        });
    }

    /// Defines the named type `ident` from `schema`, as a struct, an enum or an alias.
    fn define(&mut self, ident: String, schema: &Schema, pointer: &str) -> Result<(), Error> {
        let description = describe(schema);
        // Reserve the slot so the type precedes the types hoisted from it.
        let slot = self.types.len();
        self.push(ident.clone(), pointer.to_owned(), description, TypeKind::Alias(TypeRef::Any));
        let kind = if let Some((keyword, members)) = union_members(schema) {
            self.union(schema, keyword, members, pointer, &ident)?
        } else if let Some(subtypes) = pointer.strip_prefix("/components/schemas/").filter(|name| !name.contains('/')).and_then(|name| self.subtypes.get(&unescape_pointer_segment(name))) {
            // A base with a `discriminator` that other schemas build on (`Cat: allOf: [$ref Pet,
            // …]`): a value of it is one of them.
            let members: Vec<ReferenceOr<Schema>> = subtypes.iter().map(|name| ReferenceOr::Reference { reference: format!("{SCHEMA_PREFIX}{name}") }).collect();
            self.union(schema, "discriminator", &members, pointer, &ident)?
        } else if let Some(values) = self.enum_values(schema, pointer) {
            match values {
                EnumValues::Strings(values) => {
                    let names = naming::variant_names(values.iter().map(String::as_str), "Unknown");
                    TypeKind::Enum(values.into_iter().zip(names).map(|(wire, name)| EnumValue { wire, name }).collect())
                }
                EnumValues::Numbers(ty, values) => {
                    let names = enum_names(schema, values.len())
                        .unwrap_or_else(|| values.iter().map(|v| v.to_string().replace('-', "minus ").replace('.', " point ")).collect());
                    let names = naming::variant_names(names.iter().map(String::as_str), "Unknown");
                    TypeKind::NumberEnum {
                        ty,
                        values: values.into_iter().zip(names).map(|(wire, name)| NumberValue { wire, name }).collect(),
                    }
                }
            }
        } else if is_struct(schema) {
            TypeKind::Struct(self.fields(schema, pointer, &ident)?)
        } else {
            TypeKind::Alias(self.ty_of_schema(schema, pointer, &ident)?)
        };
        self.types[slot].kind = kind;
        Ok(())
    }

    /// Hoists an inline schema into a new named type, named after where it appears.
    fn hoist(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Result<TypeRef, Error> {
        // A schema reached again at the same place (a component parameter, body or answer, or a
        // path-level parameter, used by several operations) is one type.
        if let Some(ty) = self.hoisted.get(pointer) {
            return Ok(ty.clone());
        }
        let ident = self.namespace.claim(naming::type_name(hint));
        self.hoisted.insert(pointer.to_owned(), TypeRef::Named(ident.clone()));
        self.define(ident.clone(), schema, pointer)?;
        Ok(TypeRef::Named(ident))
    }

    /// The type of a schema used at `pointer`; `hint` names any type hoisted from it.
    fn ty_of<S: Borrow<Schema>>(&mut self, schema: &ReferenceOr<S>, pointer: &str, hint: &str) -> Result<TypeRef, Error> {
        match node(schema) {
            Node::Ref(reference) => self.named(reference, pointer),
            Node::Inline(schema) => self.ty_of_schema(schema, pointer, hint),
        }
    }

    fn ty_of_schema(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Result<TypeRef, Error> {
        if union_members(schema).is_some() || self.enum_values(schema, pointer).is_some() || is_struct(schema)
        {
            return self.hoist(schema, pointer, hint);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => Ok(TypeRef::String {
                format: match &s.format {
                    VariantOrUnknownOrEmpty::Item(f) => Some(
                        serde_json::to_value(f)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                    ),
                    VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                    VariantOrUnknownOrEmpty::Empty => None,
                },
            }),
            SchemaKind::Type(Type::Integer(i)) => Ok(TypeRef::integer(integer_format(i))),
            SchemaKind::Type(Type::Number(n)) => Ok(TypeRef::Number {
                float: matches!(n.format, VariantOrUnknownOrEmpty::Item(NumberFormat::Float)),
            }),
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Boolean),
            SchemaKind::Type(Type::Array(a)) => {
                let item_pointer = format!("{pointer}/items");
                match &a.items {
                    Some(items) => Ok(TypeRef::Array(Box::new(self.element(items, &item_pointer, &format!("{hint}Item"))?))),
                    None => Ok(TypeRef::Array(Box::new(TypeRef::Any))),
                }
            }
            SchemaKind::Type(Type::Object(o)) => self.map_of(o.additional_properties.as_ref(), pointer, hint),
            // One member that constrains (the others only describe, as in `allOf: [$ref, {description}]`).
            SchemaKind::AllOf { all_of } if constraining(all_of).count() == 1 => {
                let (i, member) = constraining(all_of).next().expect("one member");
                self.ty_of(member, &format!("{pointer}/allOf/{i}"), hint)
            }
            // An empty `allOf` constrains nothing: any value.
            SchemaKind::AllOf { .. } => Ok(TypeRef::Any),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => unreachable!("unions are hoisted"),
            SchemaKind::Not { .. } => {
                self.warn(&format!("{pointer}/not"), "`not` cannot be expressed as a type; the value is any JSON value");
                Ok(TypeRef::Any)
            }
            SchemaKind::Any(any) => {
                if any.not.is_some() {
                    self.warn(&format!("{pointer}/not"), "`not` cannot be expressed as a type; the value is any JSON value");
                    return Ok(TypeRef::Any);
                }
                // `type: object` beside a one-member `allOf` (and nothing else): that member.
                if constraining(&any.all_of).count() == 1 && matches!(any.typ.as_deref(), None | Some("object")) {
                    let (i, member) = constraining(&any.all_of).next().expect("one member");
                    return self.ty_of(member, &format!("{pointer}/allOf/{i}"), hint);
                }
                if let Some(typ) = &any.typ {
                    // `type` beside keywords of another type: `type` decides.
                    let at = format!("{pointer}/type");
                    let ty = match typ.as_str() {
                        "string" => TypeRef::String { format: any.format.clone() },
                        "integer" => TypeRef::integer(any.format.as_deref()),
                        "number" => TypeRef::Number { float: any.format.as_deref() == Some("float") },
                        "boolean" => TypeRef::Boolean,
                        "array" => match &any.items {
                            Some(items) => TypeRef::Array(Box::new(self.element(items, &format!("{pointer}/items"), &format!("{hint}Item"))?)),
                            None => TypeRef::Array(Box::new(TypeRef::Any)),
                        },
                        "object" => self.map_of(any.additional_properties.as_ref(), pointer, hint)?,
                        _ => {
                            self.warn(&at, format!("unknown schema `type: {typ}`; the value is any JSON value"));
                            return Ok(TypeRef::Any);
                        }
                    };
                    self.warn(&at, format!("`type: {typ}` is combined with keywords of another type; `type` decides"));
                    return Ok(ty);
                }
                if let Some(items) = &any.items {
                    let item = self.element(items, &format!("{pointer}/items"), &format!("{hint}Item"))?;
                    return Ok(TypeRef::Array(Box::new(item)));
                }
                if any.additional_properties.is_some() {
                    return self.map_of(any.additional_properties.as_ref(), pointer, hint);
                }
                Ok(TypeRef::Any)
            }
        }
    }

    /// The known values of an enum schema of strings, integers or numbers; `None` for other
    /// schemas, enums of booleans (plain `bool`), of mixed kinds (any JSON value) or of `null` only.
    fn enum_values(&mut self, schema: &Schema, pointer: &str) -> Option<EnumValues> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let values = distinct(s.enumeration.iter().flatten().cloned());
                (!values.is_empty()).then_some(EnumValues::Strings(values))
            }
            SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => {
                let values = distinct(i.enumeration.iter().flatten().map(|&v| serde_json::Number::from(v)));
                (!values.is_empty()).then_some(EnumValues::Numbers(TypeRef::integer(integer_format(i)), values))
            }
            SchemaKind::Type(Type::Number(n)) if !n.enumeration.is_empty() => {
                let values = distinct(n.enumeration.iter().flatten().filter_map(|&v| serde_json::Number::from_f64(v)));
                let float = matches!(n.format, VariantOrUnknownOrEmpty::Item(NumberFormat::Float));
                (!values.is_empty()).then_some(EnumValues::Numbers(TypeRef::Number { float }, values))
            }
            // Values of another kind than `type` (openapiv3 then reads the schema as "any"): the
            // values decide when they are of one kind.
            SchemaKind::Any(a) if !a.enumeration.is_empty() => {
                let values: Vec<&serde_json::Value> = a.enumeration.iter().filter(|v| !v.is_null()).collect();
                let (kind, typed) = if values.iter().all(|v| v.is_string()) {
                    ("string", EnumValues::Strings(distinct(values.iter().filter_map(|v| v.as_str().map(str::to_owned)))))
                } else if values.iter().all(|v| v.is_i64() || v.is_u64()) && a.typ.as_deref() != Some("number") {
                    let format = a.format.as_deref().or(values.iter().any(|v| v.is_u64() && !v.is_i64()).then_some("uint64"));
                    ("integer", EnumValues::Numbers(TypeRef::integer(format), distinct(values.iter().filter_map(|v| v.as_number().cloned()))))
                } else if values.iter().all(|v| v.is_number()) {
                    let float = a.format.as_deref() == Some("float");
                    ("number", EnumValues::Numbers(TypeRef::Number { float }, distinct(values.iter().filter_map(|v| v.as_number().cloned()))))
                } else {
                    return None;
                };
                if values.is_empty() {
                    return None;
                }
                if let Some(typ) = a.typ.as_deref().filter(|typ| *typ != kind) {
                    self.warn(&format!("{pointer}/enum"), format!("the `enum` values are {kind}s but `type` is `{typ}`; the values decide"));
                }
                Some(typed)
            }
            _ => None,
        }
    }

    /// A union of `members`; with a `discriminator` (and every member a `$ref`), each variant is
    /// named by its tags: the mapping's keys that point to it, else its schema name.
    fn union(&mut self, schema: &Schema, keyword: &str, members: &[ReferenceOr<Schema>], pointer: &str, owner: &str) -> Result<TypeKind, Error> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants = self.variants(keyword, members, pointer, owner, discriminator.is_some())?;
        let Some(discriminator) = discriminator else {
            return Ok(TypeKind::Union { variants, discriminator: None });
        };
        let at = format!("{pointer}/discriminator");
        let mut names = Vec::new();
        for (i, member) in members.iter().enumerate() {
            match member {
                ReferenceOr::Reference { reference } => names.push(self.schema_ref_name(reference, &format!("{pointer}/{keyword}/{i}"))?.to_owned()),
                ReferenceOr::Item(_) => {
                    self.warn(&format!("{pointer}/{keyword}/{i}"), "a discriminator names `$ref` members only; this inline member has no tag, so the variants are tried in order instead");
                    return Ok(TypeKind::Union { variants, discriminator: None });
                }
            }
        }
        for (key, target) in &discriminator.mapping {
            // A mapping value is a schema name or a reference to one.
            let name = target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target);
            match names.iter().position(|n| n == name) {
                Some(i) => variants[i].tags.push(key.clone()),
                None => self.warn(&format!("{at}/mapping/{}", escape_pointer_segment(key)), format!("the mapping names {target:?}, which is not one of the variants; ignored")),
            }
        }
        // A schema name is a tag only where the mapping has not given that value to another
        // member (and a member listed twice is named once).
        for i in 0..variants.len() {
            if variants[i].tags.is_empty() && !variants.iter().any(|v| v.tags.contains(&names[i])) {
                variants[i].tags.push(names[i].clone());
            }
        }
        if let Some(i) = variants.iter().position(|v| v.tags.is_empty()) {
            self.warn(
                &format!("{pointer}/{keyword}/{i}"),
                format!("this member has no tag of its own (the value {:?} names another member); the variants are tried in order instead", names[i]),
            );
            variants.iter_mut().for_each(|v| v.tags.clear());
            return Ok(TypeKind::Union { variants, discriminator: None });
        }
        Ok(TypeKind::Union { variants, discriminator: Some(discriminator.property_name.clone()) })
    }

    /// The alternatives of a `oneOf`/`anyOf`, named after the member's schema name, title or type.
    fn variants(&mut self, keyword: &str, members: &[ReferenceOr<Schema>], pointer: &str, owner: &str, tagged: bool) -> Result<Vec<Variant>, Error> {
        if members.is_empty() {
            return Err(self.unsupported(&format!("{pointer}/{keyword}"), format!("`{keyword}` lists no schemas")));
        }
        let mut raw = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = format!("{pointer}/{keyword}/{i}");
            let (label, description) = match node(member) {
                Node::Ref(reference) => {
                    let (name, target) = self.resolve_schema(reference, &at)?;
                    (name.to_owned(), describe(target))
                }
                Node::Inline(s) => (s.schema_data.title.clone().or_else(|| object_label(s)).unwrap_or_else(|| kind_label(s).to_owned()), describe(s)),
            };
            let ty = self.ty_of(member, &at, &format!("{owner}{}", naming::pascal(&label)))?;
            raw.push((label, description, ty));
        }
        // A discriminated union keeps unknown variants in `Unknown`.
        let names = naming::variant_names(raw.iter().map(|(label, _, _)| label.as_str()), if tagged { "Unknown" } else { "" });
        Ok(raw
            .into_iter()
            .zip(names)
            .map(|((_, description, ty), name)| Variant {
                name,
                description,
                ty,
                recursive: false,
                tags: Vec::new(),
            })
            .collect())
    }

    /// The type of an array item or map value, which may be `nullable`.
    fn element<S: Borrow<Schema>>(&mut self, schema: &ReferenceOr<S>, pointer: &str, hint: &str) -> Result<TypeRef, Error> {
        let ty = self.ty_of(schema, pointer, hint)?;
        Ok(if ty != TypeRef::Any && self.admits_null(schema, pointer) { TypeRef::Nullable(Box::new(ty)) } else { ty })
    }

    /// Whether a property's, item's or value's schema admits `null`: `nullable: true` on it, or
    /// on the component its `$ref` names, or (3.0 ignores it, the meaning is clear: warned)
    /// beside the `$ref`; or `null` among its `enum` values (warned when not `nullable`).
    fn admits_null<S: Borrow<Schema>>(&mut self, schema: &ReferenceOr<S>, pointer: &str) -> bool {
        match node(schema) {
            Node::Inline(s) => {
                if !s.schema_data.nullable && enum_has_null(s) {
                    self.warn(&format!("{pointer}/enum"), "`null` is among the `enum` values of a schema that is not `nullable`; read as nullable");
                    return true;
                }
                s.schema_data.nullable
            }
            Node::Ref(reference) => {
                let beside = format!("{pointer}/nullable");
                if self.spec.raw.pointer(&beside) == Some(&serde_json::Value::Bool(true)) {
                    self.warn(&beside, "`nullable` beside `$ref` is ignored by OpenAPI 3.0; read as nullable (3.0 writes `allOf: [$ref]` with `nullable: true`)");
                    return true;
                }
                self.resolve_schema(reference, pointer).is_ok_and(|(_, target)| target.schema_data.nullable || enum_has_null(target))
            }
        }
    }

    fn map_of(&mut self, additional: Option<&AdditionalProperties>, pointer: &str, hint: &str) -> Result<TypeRef, Error> {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.element(schema, &format!("{pointer}/additionalProperties"), &format!("{hint}Value"))?;
                Ok(if value == TypeRef::Any { TypeRef::Object } else { TypeRef::Map(Box::new(value)) })
            }
            _ => Ok(TypeRef::Object),
        }
    }

    /// The fields of an object schema, merging the members of an `allOf`.
    fn fields(&mut self, schema: &Schema, pointer: &str, owner: &str) -> Result<Vec<Field>, Error> {
        let mut raw = Vec::new();
        self.collect_fields(schema, pointer, owner, &mut raw, 0)?;
        // Each side leaves out what is only the other's.
        for f in &mut raw {
            f.required &= !(f.read_only || f.write_only);
        }
        // Flattened fields sort after the properties, whose keys serde must see first.
        raw.sort_by_key(|f| f.flatten);
        let names = naming::unique_snake(raw.iter().map(|f: &Field| if f.flatten { f.name.as_str() } else { f.wire_name.as_str() }), &[]);
        Ok(raw
            .into_iter()
            .zip(names)
            .map(|(mut f, name)| {
                f.name = name;
                f
            })
            .collect())
    }

    fn collect_fields(&mut self, schema: &Schema, pointer: &str, owner: &str, out: &mut Vec<Field>, depth: usize) -> Result<(), Error> {
        if depth > 16 {
            return Err(self.unsupported(pointer, "`allOf` nesting too deep (a cycle?)"));
        }
        // The members of an `allOf` first, then the schema's own properties (an object schema has
        // no members; an `allOf` beside `type: object` or `properties` has both).
        let (all_of, own) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (&[][..], Some((&o.properties, &o.required))),
            SchemaKind::Any(a) if is_object_like(schema) => (a.all_of.as_slice(), Some((&a.properties, &a.required))),
            SchemaKind::AllOf { all_of } => (all_of.as_slice(), None),
            _ => return Err(self.unsupported(pointer, "expected an object schema")),
        };
        for (i, member) in all_of.iter().enumerate() {
            let mut member_pointer = format!("{pointer}/allOf/{i}");
            let member_schema = match node(member) {
                Node::Ref(reference) => {
                    let (name, schema) = self.resolve_schema(reference, &member_pointer)?;
                    // The component's own place: what is hoisted from it is hoisted once, and a
                    // cycle through it ends at a type already hoisted.
                    member_pointer = format!("/components/schemas/{}", escape_pointer_segment(name));
                    schema
                }
                Node::Inline(s) => s,
            };
            // `{}` (or only a description) constrains nothing.
            if matches!(&member_schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default()) {
                continue;
            }
            // A union among the members (a common part plus variants): the variant, beside.
            if union_members(member_schema).is_some() {
                let ty = self.ty_of(member, &member_pointer, &format!("{owner}Variant"))?;
                push_field(out, flattened("allOf", "variant", ty, None));
                continue;
            }
            if !is_object_like(member_schema) {
                return Err(self.unsupported(&format!("{pointer}/allOf/{i}"), "`allOf` members must all be objects"));
            }
            self.collect_fields(member_schema, &member_pointer, owner, out, depth + 1)?;
        }
        let Some((properties, required)) = own else {
            return Ok(());
        };
        for (wire, prop) in properties {
            let prop_pointer = format!("{pointer}/properties/{}", escape_pointer_segment(wire));
            let hint = format!("{owner}{}", naming::pascal(wire));
            let ty = self.ty_of(prop, &prop_pointer, &hint)?;
            let nullable = self.admits_null(prop, &prop_pointer);
            let (description, default, limits, example, data) = match node(prop) {
                Node::Inline(s) => (describe(s), s.schema_data.default.clone(), limits(s), s.schema_data.example.clone(), &s.schema_data),
                // A bare `$ref` cannot carry a description in 3.0, but specs often write one beside
                // it (as 3.1 allows): that one, else the target's.
                Node::Ref(reference) => {
                    let target = self.resolve_schema(reference, &prop_pointer)?.1;
                    let beside = self.spec.raw.pointer(&format!("{prop_pointer}/description")).and_then(|d| d.as_str()).filter(|d| !d.trim().is_empty());
                    (beside.map(str::to_owned).or_else(|| describe(target)), None, Limits::default(), None, &target.schema_data)
                }
            };
            push_field(
                out,
                Field {
                    wire_name: wire.clone(),
                    name: String::new(),
                    description,
                    ty,
                    required: required.contains(wire),
                    nullable,
                    recursive: false,
                    flatten: false,
                    read_only: data.read_only,
                    write_only: data.write_only,
                    shares_key: false,
                    limits,
                    default,
                    example,
                },
            );
        }
        // `oneOf`/`anyOf` beside the properties: the common part above, the variant beside. A
        // discriminator property is the variant's to read and write.
        if let SchemaKind::Any(any) = &schema.schema_kind
            && let Some((keyword, members)) = [("oneOf", &any.one_of), ("anyOf", &any.any_of)].into_iter().find(|(_, m)| !m.is_empty())
        {
            let at = format!("{pointer}/{keyword}");
            let ty = match self.hoisted.get(&at) {
                Some(ty) => ty.clone(),
                None => {
                    let ident = self.namespace.claim(naming::type_name(&format!("{owner}Variant")));
                    self.hoisted.insert(at.clone(), TypeRef::Named(ident.clone()));
                    let slot = self.types.len();
                    self.push(ident.clone(), at, None, TypeKind::Alias(TypeRef::Any));
                    let kind = self.union(schema, keyword, members, pointer, &ident)?;
                    self.types[slot].kind = kind;
                    TypeRef::Named(ident)
                }
            };
            if let Some(d) = &schema.schema_data.discriminator {
                out.retain(|f| f.flatten || f.wire_name != d.property_name);
            }
            push_field(out, flattened(keyword, "variant", ty, None));
        }
        // Other keys, when declared (`false`, or nothing, leaves them out).
        if depth == 0 {
            let additional = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
                SchemaKind::Any(a) => a.additional_properties.as_ref(),
                _ => None,
            };
            if matches!(additional, Some(AdditionalProperties::Any(true) | AdditionalProperties::Schema(_))) {
                let ty = self.map_of(additional, pointer, owner)?;
                let ty = if let TypeRef::Map(_) = ty { ty } else { TypeRef::Object };
                push_field(out, flattened("additionalProperties", "additional_properties", ty, Some("Properties beyond the declared ones.")));
            }
        }
        for name in required {
            if let Some(field) = out.iter_mut().find(|f| f.wire_name == *name) {
                field.required = true;
            }
        }
        Ok(())
    }

    /// Aliases that lead back to themselves through aliases only (`A = B`, `B = Vec<A>`; `C = C`)
    /// cannot be written in Rust: the references that close such a cycle become any JSON value,
    /// with a warning at each alias.
    fn break_alias_cycles(&mut self) {
        fn names(ty: &TypeRef, out: &mut Vec<String>) {
            match ty {
                TypeRef::Named(n) => out.push(n.clone()),
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => names(inner, out),
                _ => {}
            }
        }
        fn replace(ty: &mut TypeRef, cyclic: &HashSet<String>) {
            match ty {
                TypeRef::Named(n) if cyclic.contains(n) => *ty = TypeRef::Any,
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => replace(inner, cyclic),
                _ => {}
            }
        }
        let edges: HashMap<&str, Vec<String>> = self
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Alias(target) => {
                    let mut out = Vec::new();
                    names(target, &mut out);
                    Some((t.name.as_str(), out))
                }
                _ => None,
            })
            .collect();
        // An alias is on a cycle when it is reachable from itself through alias edges.
        let mut cyclic = HashSet::new();
        for &start in edges.keys() {
            let mut stack: Vec<&str> = edges[start].iter().map(String::as_str).collect();
            let mut seen = HashSet::new();
            while let Some(next) = stack.pop() {
                if next == start {
                    cyclic.insert(start.to_owned());
                    break;
                }
                if seen.insert(next)
                    && let Some(more) = edges.get(next)
                {
                    stack.extend(more.iter().map(String::as_str));
                }
            }
        }
        if cyclic.is_empty() {
            return;
        }
        let mut warnings = Vec::new();
        for t in &mut self.types {
            if cyclic.contains(&t.name)
                && let TypeKind::Alias(target) = &mut t.kind
            {
                replace(target, &cyclic);
                warnings.push((t.source.clone(), format!("schema {:?} refers back to itself through aliases only; the reference is typed as any JSON value", t.name)));
            }
        }
        for (pointer, message) in warnings {
            self.warn(&pointer, message);
        }
    }

    /// Marks fields that embed their own struct without a list or map in between.
    fn mark_recursive(&mut self) {
        let index: HashMap<String, usize> = self.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
        let direct = |t: &TypeDef| -> Vec<(usize, String)> {
            match &t.kind {
                TypeKind::Struct(fields) => fields
                    .iter()
                    .enumerate()
                    .filter_map(|(i, f)| match &f.ty {
                        TypeRef::Named(n) => Some((i, n.clone())),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Union { variants, .. } => variants
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| match &v.ty {
                        TypeRef::Named(n) => Some((i, n.clone())),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Alias(TypeRef::Named(n)) => vec![(usize::MAX, n.clone())],
                _ => Vec::new(),
            }
        };
        let edges: Vec<Vec<(usize, String)>> = self.types.iter().map(direct).collect();
        for start in 0..self.types.len() {
            for (field, target) in &edges[start] {
                if *field == usize::MAX {
                    continue;
                }
                // Does `target` lead back to `start` through direct embeddings?
                let mut seen = HashSet::new();
                let mut stack = vec![target.clone()];
                let mut cyclic = false;
                while let Some(name) = stack.pop() {
                    let Some(&i) = index.get(&name) else { continue };
                    if i == start {
                        cyclic = true;
                        break;
                    }
                    if seen.insert(i) {
                        stack.extend(edges[i].iter().map(|(_, n)| n.clone()));
                    }
                }
                if cyclic {
                    match &mut self.types[start].kind {
                        TypeKind::Struct(fields) => fields[*field].recursive = true,
                        TypeKind::Union { variants, .. } => variants[*field].recursive = true,
                        _ => {}
                    }
                }
            }
        }
    }

    /// A struct that reaches itself through required, non-null properties only has no finite
    /// value (`Node: {required: [next], properties: {next: $ref Node}}`): nothing could build
    /// or decode it. Such a spec means a chain that ends somewhere, so one property on each such
    /// cycle is read as optional (the first in document order), with a warning.
    fn open_endless_cycles(&mut self) {
        let index: HashMap<String, usize> = self.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
        loop {
            let depths = self.least_depths(&index);
            let finite: Vec<bool> = depths.iter().map(Option::is_some).collect();
            let holds = |ty: &TypeRef| match ty {
                TypeRef::Named(n) => index.get(n).is_none_or(|&i| finite[i]),
                _ => true,
            };
            // The first field to open: on a cycle (`recursive`) if the struct has one.
            let mut pick = None;
            for (t, def) in self.types.iter().enumerate() {
                let TypeKind::Struct(fields) = &def.kind else { continue };
                if finite[t] {
                    continue;
                }
                let endless = |f: &&Field| f.required && !f.nullable && !holds(&f.ty);
                let field = fields.iter().position(|f| f.recursive && endless(&f)).or_else(|| fields.iter().position(|f| endless(&f)));
                if let Some(field) = field {
                    pick = Some((t, field));
                    break;
                }
            }
            let Some((t, field)) = pick else { return };
            let TypeKind::Struct(fields) = &mut self.types[t].kind else { return };
            fields[field].required = false;
            let (wire, name, source) = (fields[field].wire_name.clone(), self.types[t].name.clone(), self.types[t].source.clone());
            self.warn(
                &source,
                format!("required property `{wire}` leads back to `{name}` through required properties only, so no finite value has it; read as optional"),
            );
        }
    }

    /// Marks the properties that a variant of a union flattened beside them also declares (a
    /// common base restated by the variants: `allOf: [Base]` + `oneOf: [Cat, Dog]` where `Cat`
    /// is `allOf: [Base, …]` too).
    fn mark_shared_keys(&mut self) {
        // The type behind aliases and `null`: to compare, and to find what a name stands for.
        fn plain<'t>(builder: &'t Builder<'_>, mut ty: &'t TypeRef) -> &'t TypeRef {
            for _ in 0..64 {
                ty = match ty {
                    TypeRef::Nullable(inner) => inner,
                    TypeRef::Named(n) => match builder.type_def(n).map(|t| &t.kind) {
                        Some(TypeKind::Alias(target)) => target,
                        _ => return ty,
                    },
                    _ => return ty,
                };
            }
            ty
        }
        let through_aliases = |ty| match plain(self, ty) {
            TypeRef::Named(n) => self.type_def(n).map(|t| &t.kind),
            _ => None,
        };
        let mut marks = Vec::new();
        let mut conflicts = Vec::new();
        for (t, def) in self.types.iter().enumerate() {
            let TypeKind::Struct(fields) = &def.kind else { continue };
            let mut keys = HashSet::new();
            for field in fields.iter().filter(|f| f.flatten) {
                let Some(TypeKind::Union { variants, .. }) = through_aliases(&field.ty) else { continue };
                for variant in variants {
                    if let Some(TypeKind::Struct(inner)) = through_aliases(&variant.ty) {
                        keys.extend(inner.iter().filter(|f| !f.flatten).map(|f| f.wire_name.as_str()));
                        let clash = inner.iter().find(|i| {
                            fields.iter().any(|f| !f.flatten && !i.flatten && f.wire_name == i.wire_name && plain(self, &f.ty) != plain(self, &i.ty))
                        });
                        if let Some(clash) = clash {
                            conflicts.push((
                                def.source.clone(),
                                format!(
                                    "property `{}` of `{}` is typed differently by its variant `{}`; no value fits both, so that variant cannot be decoded",
                                    clash.wire_name, def.name, variant.name
                                ),
                            ));
                        }
                    }
                }
            }
            for (i, field) in fields.iter().enumerate() {
                if !field.flatten && keys.contains(field.wire_name.as_str()) {
                    marks.push((t, i));
                }
            }
        }
        for (t, i) in marks {
            if let TypeKind::Struct(fields) = &mut self.types[t].kind {
                fields[i].shares_key = true;
            }
        }
        for (pointer, message) in conflicts {
            self.warn(&pointer, message);
        }
    }

    /// Per type, how deeply its smallest finite value nests named structs and unions (`None`:
    /// no finite value). A least fixed point: a struct is one deeper than its deepest required,
    /// non-null field; a union one deeper than its shallowest variant; an alias its target;
    /// lists, maps and scalars end a value. Depths only fall while iterating, so it ends.
    fn least_depths(&self, index: &HashMap<String, usize>) -> Vec<Option<usize>> {
        let mut depths: Vec<Option<usize>> = vec![None; self.types.len()];
        let mut changed = true;
        while changed {
            changed = false;
            for (t, def) in self.types.iter().enumerate() {
                let of = |ty: &TypeRef| match ty {
                    TypeRef::Named(n) => index.get(n).map_or(Some(0), |&i| depths[i]),
                    _ => Some(0),
                };
                let now = match &def.kind {
                    TypeKind::Struct(fields) => fields
                        .iter()
                        .filter(|f| f.required && !f.nullable)
                        .try_fold(0, |deepest, f| of(&f.ty).map(|d| deepest.max(d)))
                        .map(|d| d + 1),
                    TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| of(&v.ty)).min().map(|d| d + 1),
                    TypeKind::Alias(ty) => of(ty),
                    TypeKind::Enum(_) | TypeKind::NumberEnum { .. } => Some(0),
                };
                if now.is_some_and(|now| depths[t].is_none_or(|d| now < d)) {
                    depths[t] = now;
                    changed = true;
                }
            }
        }
        depths
    }

    fn operations(&mut self) -> Result<Vec<Operation>, Error> {
        let mut operations = Vec::new();
        let mut seen_ids: HashMap<String, String> = HashMap::new();
        let mut method_names = Namespace::with_reserved(naming::CLIENT_METHODS);
        let mut builder_names = Namespace::default();
        for (path, item) in &self.doc.paths.paths {
            let path_pointer = format!("/paths/{}", escape_pointer_segment(path));
            let item = self.path_item(item, &path_pointer)?;
            // `/tags/{arn}#TagKeys` (AWS specs keep such keys apart this way): a URL fragment,
            // which HTTP never sends.
            let path = match path.split_once('#') {
                Some((before, fragment)) => {
                    self.warn(&path_pointer, format!("the `#{fragment}` of path {path:?} is a URL fragment, which HTTP does not send; left out"));
                    before
                }
                None => path.as_str(),
            };
            let methods = [
                ("get", Method::Get, &item.get),
                ("put", Method::Put, &item.put),
                ("post", Method::Post, &item.post),
                ("delete", Method::Delete, &item.delete),
                ("options", Method::Options, &item.options),
                ("head", Method::Head, &item.head),
                ("patch", Method::Patch, &item.patch),
                ("trace", Method::Trace, &item.trace),
            ];
            for (key, method, op) in methods {
                let Some(op) = op else { continue };
                let pointer = format!("{path_pointer}/{key}");
                let mut id = match &op.operation_id {
                    Some(id) => self.one_line(id, &format!("{pointer}/operationId")),
                    None => naming::snake(&format!("{key} {path}")),
                };
                if let Some(first) = seen_ids.get(&id) {
                    // The same operation reached twice (a path item `$ref`), or a copy-paste slip:
                    // both stay callable, the later one under a numbered id.
                    let mut n = 2;
                    while seen_ids.contains_key(&format!("{id}{n}")) {
                        n += 1;
                    }
                    let renamed = format!("{id}{n}");
                    self.warn(
                        &format!("{pointer}/operationId"),
                        format!("duplicate operationId {id:?} (already used at {first}); this operation is called {renamed:?}"),
                    );
                    id = renamed;
                }
                seen_ids.insert(id.clone(), format!("{pointer}/operationId"));
                let name = method_names.claim(naming::snake(&id));
                let builder = builder_names.claim(naming::type_name(&format!("{id}Request")));
                operations.push(self.operation(op, &item.parameters, id, name, builder, &mut builder_names, method, path, pointer)?);
            }
        }
        Ok(operations)
    }

    /// A path item, following `$ref`s to other path items of the document (`#/paths/~1pets`).
    fn path_item(&self, item: &'a ReferenceOr<openapiv3::PathItem>, pointer: &str) -> Result<&'a openapiv3::PathItem, Error> {
        let mut item = item;
        let mut seen = Vec::new();
        loop {
            match item {
                ReferenceOr::Item(item) => return Ok(item),
                ReferenceOr::Reference { reference } => {
                    let target = reference
                        .strip_prefix("#/paths/")
                        .map(|p| p.replace("~1", "/").replace("~0", "~"))
                        .and_then(|p| self.doc.paths.paths.get(&p));
                    let Some(target) = target else {
                        return Err(self.unsupported(
                            &format!("{pointer}/$ref"),
                            format!("unresolved path item `$ref` {reference:?}: expected `#/paths/<path>` of this document"),
                        ));
                    };
                    if seen.contains(&reference) {
                        return Err(self.unsupported(&format!("{pointer}/$ref"), format!("path item `$ref` {reference:?} refers to itself")));
                    }
                    seen.push(reference);
                    item = target;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        id: String,
        name: String,
        builder: String,
        builder_names: &mut Namespace,
        method: Method,
        path: &str,
        pointer: String,
    ) -> Result<Operation, Error> {
        let hint = naming::pascal(&id);
        // Path-level parameters apply unless the operation redefines them.
        // (where it is declared, the parameter, the name of a type hoisted from its schema)
        let mut declared: Vec<(String, &Parameter, String)> = Vec::new();
        let path_pointer = pointer.rsplit_once('/').map(|(p, _)| p.to_owned()).unwrap_or_default();
        let shared_params = shared.iter().enumerate().map(|(i, p)| (format!("{path_pointer}/parameters/{i}"), p));
        let own_params = op.parameters.iter().enumerate().map(|(i, p)| (format!("{pointer}/parameters/{i}"), p));
        for (at, p) in shared_params.chain(own_params) {
            let (param, at, type_hint) = match self.resolve_parameter(p, &at)? {
                // A component parameter is one declaration wherever it is used: one type.
                (param, Some(name)) => (param, format!("/components/parameters/{}", escape_pointer_segment(name)), naming::pascal(name)),
                (param, None) => (param, at, format!("{hint}{}", naming::pascal(&param.parameter_data_ref().name))),
            };
            let key = |p: &Parameter| (p.parameter_data_ref().name.clone(), std::mem::discriminant(p));
            declared.retain(|(_, d, _)| key(d) != key(param));
            declared.push((at, param, type_hint));
        }
        let mut params = Vec::new();
        let mut param_pointers = Vec::new();
        for (at, p, type_hint) in declared {
            if let Parameter::Path { parameter_data, .. } = p
                && !path.contains(&format!("{{{}}}", parameter_data.name))
            {
                self.warn(
                    &format!("{at}/name"),
                    format!("path parameter {:?} does not appear in path {path:?}; it is left out", parameter_data.name),
                );
                continue;
            }
            if let Some(param) = self.param(p, &at, &type_hint)? {
                params.push(param);
                param_pointers.push(at);
            }
        }

        let body = match &op.request_body {
            None => None,
            Some(body) => self.body(body, &format!("{pointer}/requestBody"), &hint)?,
        };
        let mut answers = self.responses(&op.responses, &format!("{pointer}/responses"), &hint)?;
        if !op.callbacks.is_empty() {
            // Callbacks are requests the service sends to the caller's server, not calls to make.
            self.warn(&format!("{pointer}/callbacks"), "callbacks are requests the service sends to you; no client code is generated for them");
        }
        if method == Method::Head {
            // HTTP gives an answer to HEAD no body, whatever the spec declares.
            for answer in answers.success.iter_mut().chain(answers.errors.iter_mut()).filter(|a| a.payload != Payload::Empty) {
                answer.payload = Payload::Empty;
                self.warn(&format!("{pointer}/responses/{}/content", answer.status), "an answer to HEAD has no body; its content is ignored");
            }
        }

        // Setter names: parameters first, then flattened body fields.
        let mut setters = Namespace::with_reserved(naming::BUILDER_MEMBERS);
        for p in &mut params {
            p.name = setters.claim(naming::snake(&p.wire_name));
        }
        let body = match body {
            Some(mut body) => {
                if let TypeRef::Named(type_name) = &body.ty
                    && matches!(body.kind, BodyKind::Json | BodyKind::Form | BodyKind::Multipart)
                    && let Some(fields) = self.struct_fields(type_name)
                    && !fields.is_empty()
                    // Form and multipart fields go one by one: other keys go with the whole value.
                    && (body.kind == BodyKind::Json || !fields.iter().any(|f| f.flatten))
                {
                    let names = fields.iter().map(|f| setters.claim(f.name.clone())).collect();
                    body.flattened = Some(names);
                    // Files of a multipart body cannot go as JSON or form fields.
                    if body.kind == BodyKind::Multipart && fields.iter().any(|f| is_binary(&f.ty) || matches!(&f.ty, TypeRef::Array(item) if is_binary(item))) {
                        body.alternatives.clear();
                    }
                }
                if body.flattened.is_none() {
                    body.setter = setters.claim("body".to_owned());
                }
                for alternative in &mut body.alternatives {
                    alternative.method = setters.claim(alternative.method.clone());
                }
                if !body.alternatives.is_empty() {
                    body.choice = setters.claim("encoding".to_owned());
                }
                Some(body)
            }
            None => None,
        };
        let Answers { mut success, errors, headers: response_headers } = answers;
        // One kind of success answer gives that type; different ones an enum naming the status.
        let mut kinds: Vec<&Payload> = Vec::new();
        for answer in &success {
            if !kinds.contains(&&answer.payload) {
                kinds.push(&answer.payload);
            }
        }
        let response = match kinds.as_slice() {
            [Payload::Json(ty)] => Some(ty.clone()),
            _ => None,
        };
        let answer_enum = if kinds.len() > 1 {
            let names = naming::variant_names(success.iter().map(|a| status_name(a.status)).collect::<Vec<_>>().iter().map(String::as_str), "Self");
            for (answer, name) in success.iter_mut().zip(names) {
                answer.variant = name;
            }
            Some(builder_names.claim(naming::type_name(&format!("{id}Answer"))))
        } else {
            None
        };
        let path_segments = self.path_segments(path, &params, &param_pointers, &pointer)?;
        Ok(Operation {
            id,
            name,
            builder,
            method,
            path: path.to_owned(),
            path_segments,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            response,
            success,
            answer_enum,
            errors,
            response_headers,
            source: pointer,
        })
    }

    /// The type named `name`, defined so far.
    fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.type_index.get(name).map(|&i| &self.types[i])
    }

    fn struct_fields(&self, type_name: &str) -> Option<&[Field]> {
        self.type_def(type_name).and_then(|t| match &t.kind {
            TypeKind::Struct(fields) => Some(fields.as_slice()),
            _ => None,
        })
    }

    /// The parameter `p` declares or refers to, with its component name when it is a `$ref`.
    fn resolve_parameter(&self, p: &'a ReferenceOr<Parameter>, pointer: &str) -> Result<(&'a Parameter, Option<&'a str>), Error> {
        match p {
            ReferenceOr::Item(p) => Ok((p, None)),
            ReferenceOr::Reference { reference } => {
                self.schemas()
                    .and_then(|c| follow(|n| c.parameters.get_key_value(n), "#/components/parameters/", reference))
                    .map(|(n, p)| (p, Some(n)))
                    .ok_or_else(|| {
                        self.unsupported(
                            &format!("{pointer}/$ref"),
                            format!("unresolved parameter `$ref` {reference:?}: expected #/components/parameters/<name>"),
                        )
                    })
            }
        }
    }

    /// A parameter; `None` for one OpenAPI says to ignore (headers `Accept`, `Content-Type`,
    /// `Authorization`). `hint` names a type hoisted from its schema.
    fn param(&mut self, p: &Parameter, pointer: &str, hint: &str) -> Result<Option<Param>, Error> {
        let (data, location, style) = match p {
            Parameter::Query { parameter_data, style, .. } => (
                parameter_data,
                ParamLocation::Query,
                match style {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            Parameter::Path { parameter_data, style } => (
                parameter_data,
                ParamLocation::Path,
                match style {
                    PathStyle::Simple => ParamStyle::Simple,
                    PathStyle::Label => ParamStyle::Label,
                    PathStyle::Matrix => ParamStyle::Matrix,
                },
            ),
            Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header, ParamStyle::Simple),
            Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie, ParamStyle::Form),
        };
        if location == ParamLocation::Header && ["accept", "content-type", "authorization"].contains(&data.name.to_ascii_lowercase().as_str()) {
            let how = if data.name.eq_ignore_ascii_case("authorization") {
                "set it for every call with the client builder's `header()`"
            } else {
                "the client sets it from the media types"
            };
            self.warn(&format!("{pointer}/name"), format!("header parameter {:?} is ignored, as OpenAPI specifies; {how}", data.name));
            return Ok(None);
        }
        let mut explode = data.explode.unwrap_or(style == ParamStyle::Form);
        let (schema, schema_pointer, mut style) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => (Some(schema), format!("{pointer}/schema"), style),
            ParameterSchemaOrContent::Content(content) => {
                if content.len() > 1 {
                    self.warn(&format!("{pointer}/content"), "a parameter's `content` must name one media type; the first is used");
                }
                match content.first() {
                    Some((media, media_type)) => {
                        let at = format!("{pointer}/content/{}/schema", escape_pointer_segment(media));
                        // JSON content: the value's JSON text; any other media type: as text.
                        (media_type.schema.as_ref(), at, if is_json(media) { ParamStyle::Json } else { style })
                    }
                    None => {
                        self.warn(&format!("{pointer}/content"), "a parameter's `content` names no media type; the value is sent as text");
                        (None, format!("{pointer}/content"), style)
                    }
                }
            }
        };
        let ty = match schema {
            Some(schema) => self.ty_of(schema, &schema_pointer, hint)?.non_null(),
            None => TypeRef::String { format: None },
        };
        let ty = match ty {
            // An untyped parameter (`schema: {}`) still travels as text.
            TypeRef::Any => TypeRef::String { format: None },
            ty => ty,
        };
        let list_of_scalars = matches!(&ty, TypeRef::Array(item) if self.is_scalar(item));
        match style {
            ParamStyle::DeepObject if !self.is_object(&ty) => {
                self.warn(&format!("{pointer}/style"), "`deepObject` applies to objects; the value is sent with style `form`");
                style = ParamStyle::Form;
                explode = true;
            }
            ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited if !list_of_scalars && !self.is_object(&ty) => {
                self.warn(&format!("{pointer}/style"), format!("style `{}` applies to arrays of single values and to objects; the value is sent with style `form`", style.spec_name()));
                style = ParamStyle::Form;
            }
            _ => {}
        }
        let (description, limits, default, schema_example) = match schema.map(node) {
            Some(Node::Inline(s)) => (data.description.clone().or_else(|| describe(s)), self::limits(s), s.schema_data.default.clone(), s.schema_data.example.clone()),
            Some(Node::Ref(r)) => {
                let (_, s) = self.resolve_schema(r, &schema_pointer)?;
                (data.description.clone().or_else(|| describe(s)), self::limits(s), s.schema_data.default.clone(), s.schema_data.example.clone())
            }
            None => (data.description.clone(), Limits::default(), None, None),
        };
        if location == ParamLocation::Path && !data.required {
            self.warn(&format!("{pointer}/required"), "path parameters are always required; this one is treated as required");
        }
        Ok(Some(Param {
            wire_name: data.name.clone(),
            name: String::new(),
            location,
            required: data.required || location == ParamLocation::Path,
            description,
            ty,
            style,
            explode,
            limits,
            default,
            example: data.example.clone().or(schema_example),
        }))
    }

    /// A string, number, boolean, or an enum or alias of one.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String { .. } | TypeRef::Integer { .. } | TypeRef::Number { .. } | TypeRef::Boolean => true,
            TypeRef::Named(n) => self.type_def(n).is_some_and(|d| {
                matches!(d.kind, TypeKind::Enum(_) | TypeKind::Alias(TypeRef::String { .. } | TypeRef::Integer { .. } | TypeRef::Number { .. } | TypeRef::Boolean))
            }),
            _ => false,
        }
    }

    /// An object: a struct, a map or a free-form object.
    fn is_object(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Map(_) | TypeRef::Object => true,
            TypeRef::Named(n) => self.type_def(n).is_some_and(|d| matches!(d.kind, TypeKind::Struct(_) | TypeKind::Alias(TypeRef::Map(_) | TypeRef::Object))),
            _ => false,
        }
    }

    fn body(&mut self, body: &ReferenceOr<openapiv3::RequestBody>, pointer: &str, hint: &str) -> Result<Option<Body>, Error> {
        let (body, pointer, hint) = match body {
            ReferenceOr::Item(b) => (b, pointer.to_owned(), format!("{hint}Body")),
            ReferenceOr::Reference { reference } => {
                let (name, body) = self
                    .schemas()
                    .and_then(|c| follow(|n| c.request_bodies.get_key_value(n), "#/components/requestBodies/", reference))
                    .ok_or_else(|| self.unsupported(&format!("{pointer}/$ref"), format!("unresolved request body `$ref` {reference:?}")))?;
                (body, format!("/components/requestBodies/{}", escape_pointer_segment(name)), naming::pascal(name))
            }
        };
        let pointer = pointer.as_str();
        // The first media type of the most structured kind: JSON, form, multipart, text, bytes.
        let kinds: Vec<BodyKind> = body.content.iter().map(|(media, m)| body_kind(media, m.schema.as_ref())).collect();
        let Some(chosen) = kinds.iter().enumerate().min_by_key(|(i, k)| (**k, *i)).map(|(i, _)| i) else {
            self.warn(&format!("{pointer}/content"), "the request body declares no media type; no body is sent");
            return Ok(None);
        };
        let (media, content) = body.content.get_index(chosen).expect("index from the same map");
        let mut kind = kinds[chosen];
        let media_pointer = format!("{pointer}/content/{}", escape_pointer_segment(media));
        let ty = match &content.schema {
            Some(schema) => self.ty_of(schema, &format!("{media_pointer}/schema"), &hint)?,
            None if matches!(kind, BodyKind::Text) => TypeRef::String { format: None },
            None if matches!(kind, BodyKind::Binary) => TypeRef::String { format: Some("binary".to_owned()) },
            None => TypeRef::Any,
        };
        if matches!(kind, BodyKind::Form | BodyKind::Multipart) && !self.is_object(&ty) && ty != TypeRef::Any {
            self.warn(
                &format!("{media_pointer}/schema"),
                format!("a `{media}` body must be an object; this one is sent as given, as text of that media type"),
            );
            kind = BodyKind::Text;
        }
        // `*/*` and other wildcards: JSON goes as `application/json`, bytes as
        // `application/octet-stream`.
        let sent = match (kind, media.contains('*')) {
            (BodyKind::Json, true) => "application/json".to_owned(),
            (BodyKind::Binary, true) => "application/octet-stream".to_owned(),
            (BodyKind::Text, true) => "text/plain".to_owned(),
            _ => media.split(';').next().unwrap_or(media).trim().to_owned(),
        };
        let encodings = self.encodings(content, &ty, kind, &media_pointer);
        let mut alternatives: Vec<Alternative> = Vec::new();
        if matches!(kind, BodyKind::Json | BodyKind::Form | BodyKind::Multipart) {
            let schema = serde_json::to_value(&content.schema).ok();
            for ((other, other_content), other_kind) in body.content.iter().zip(&kinds) {
                let same_schema = serde_json::to_value(&other_content.schema).ok() == schema;
                let usable = matches!(other_kind, BodyKind::Json | BodyKind::Form | BodyKind::Multipart) && *other_kind != kind;
                if usable && same_schema && !alternatives.iter().any(|a| a.kind == *other_kind) {
                    let method = match other_kind {
                        BodyKind::Json => "as_json",
                        BodyKind::Form => "as_form",
                        _ => "as_multipart",
                    };
                    alternatives.push(Alternative { media: other.split(';').next().unwrap_or(other).trim().to_owned(), kind: *other_kind, method: method.to_owned() });
                }
            }
        }
        Ok(Some(Body {
            ty,
            media: sent,
            kind,
            encodings,
            alternatives,
            choice: String::new(),
            required: body.required,
            description: body.description.clone(),
            setter: String::new(),
            flattened: None,
        }))
    }

    /// The `encoding` entries of a form or multipart body; entries naming no property are
    /// reported and dropped.
    fn encodings(&mut self, content: &openapiv3::MediaType, ty: &TypeRef, kind: BodyKind, pointer: &str) -> Vec<PropertyEncoding> {
        let fields: Vec<String> = match ty {
            TypeRef::Named(name) => self.struct_fields(name).map(|f| f.iter().map(|f| f.wire_name.clone()).collect()).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for (property, encoding) in &content.encoding {
            let at = format!("{pointer}/encoding/{}", escape_pointer_segment(property));
            if !matches!(kind, BodyKind::Form | BodyKind::Multipart) {
                self.warn(&at, "`encoding` applies to form and multipart bodies only; ignored");
                continue;
            }
            if !fields.is_empty() && !fields.contains(property) {
                self.warn(&at, format!("`encoding` names {property:?}, which is not a property of the body; ignored"));
                continue;
            }
            let style = match encoding.style {
                None | Some(QueryStyle::Form) => ParamStyle::Form,
                Some(QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                Some(QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                Some(QueryStyle::DeepObject) => ParamStyle::DeepObject,
            };
            out.push(PropertyEncoding {
                property: property.clone(),
                style,
                // openapiv3 reads a missing `explode` as `false`; the default depends on the style.
                explode: match self.spec.raw.pointer(&format!("{at}/explode")) {
                    Some(serde_json::Value::Bool(explode)) => *explode,
                    _ => style == ParamStyle::Form,
                },
                content_type: encoding.content_type.clone().filter(|c| !c.trim().is_empty()),
            });
        }
        out
    }

    /// Every declared answer: successes (2xx, or `default` when none is declared), errors, and
    /// the headers the successes declare.
    fn responses(&mut self, responses: &openapiv3::Responses, pointer: &str, hint: &str) -> Result<Answers, Error> {
        let mut declared: Vec<(StatusKey, &ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let key = match code {
                    StatusCode::Code(c) => StatusKey::Code(*c),
                    StatusCode::Range(r) => StatusKey::Range(*r),
                };
                (key, r)
            })
            .collect();
        let any_success = declared.iter().any(|(k, _)| is_success(*k));
        if let Some(default) = &responses.default {
            declared.push((StatusKey::Default, default));
        }
        // Specific codes before ranges before `default`, so the first matching arm is the most
        // specific one.
        declared.sort_by_key(|(k, _)| match k {
            StatusKey::Code(c) => (0, *c),
            StatusKey::Range(r) => (1, *r),
            StatusKey::Default => (2, 0),
        });
        let mut out = Answers::default();
        for (status, response) in declared {
            let mut at = format!("{pointer}/{status}");
            if matches!(status, StatusKey::Code(c) if !(100..600).contains(&c)) || matches!(status, StatusKey::Range(r) if !(1..6).contains(&r)) {
                self.warn(&at, format!("{status} is not an HTTP status; ignored"));
                continue;
            }
            if matches!(status, StatusKey::Code(100..=199 | 300..=399) | StatusKey::Range(1 | 3)) {
                // Informational and redirect answers are handled by the HTTP client.
                continue;
            }
            let success = is_success(status) || (status == StatusKey::Default && !any_success);
            let mut type_hint = if success { format!("{hint}Response") } else { format!("{hint}Error") };
            let response = match response {
                ReferenceOr::Item(r) => r,
                ReferenceOr::Reference { reference } => {
                    let found = self.schemas().and_then(|c| follow(|n| c.responses.get_key_value(n), "#/components/responses/", reference));
                    let Some((name, response)) = found else {
                        return Err(self.unsupported(&format!("{at}/$ref"), format!("unresolved response `$ref` {reference:?}")));
                    };
                    // A component answer is one declaration wherever it is used: one type.
                    at = format!("/components/responses/{}", escape_pointer_segment(name));
                    type_hint = naming::pascal(name);
                    response
                }
            };
            let payload = self.payload(response, &at, &type_hint, status)?;
            let answer = Answer { status, payload, variant: String::new(), description: Some(response.description.clone()).filter(|d| !d.trim().is_empty()) };
            if success {
                for (name, _) in &response.headers {
                    if !out.headers.iter().any(|h: &ResponseHeader| h.name.eq_ignore_ascii_case(name)) {
                        let description = match &response.headers[name] {
                            ReferenceOr::Item(h) => h.description.clone(),
                            ReferenceOr::Reference { reference } => {
                                self.schemas().and_then(|c| follow(|n| c.headers.get_key_value(n), "#/components/headers/", reference)).and_then(|(_, h)| h.description.clone())
                            }
                        };
                        out.headers.push(ResponseHeader { name: name.clone(), description });
                    }
                }
                out.success.push(answer);
            } else {
                out.errors.push(answer);
            }
        }
        Ok(out)
    }

    /// What an answer's body carries: the first JSON media type's schema, else text, else bytes.
    fn payload(&mut self, response: &openapiv3::Response, at: &str, hint: &str, status: StatusKey) -> Result<Payload, Error> {
        if status == StatusKey::Code(204) || response.content.is_empty() {
            return Ok(Payload::Empty);
        }
        if let Some((media, content)) = response.content.iter().find(|(m, c)| body_kind(m, c.schema.as_ref()) == BodyKind::Json) {
            let ty = match &content.schema {
                Some(schema) => self.ty_of(schema, &format!("{at}/content/{}/schema", escape_pointer_segment(media)), hint)?,
                None => TypeRef::Any,
            };
            return Ok(Payload::Json(ty));
        }
        let text = response.content.iter().all(|(m, c)| body_kind(m, c.schema.as_ref()) == BodyKind::Text);
        Ok(if text { Payload::Text } else { Payload::Binary })
    }

    /// Splits `path` into segments; `param_pointers[i]` is where `params[i]` is declared.
    fn path_segments(&self, path: &str, params: &[Param], param_pointers: &[String], pointer: &str) -> Result<Vec<PathSegment>, Error> {
        let mut used = BTreeSet::new();
        let mut segments = Vec::new();
        for raw in path.split('/').filter(|s| !s.is_empty()) {
            let mut parts = Vec::new();
            let mut rest = raw;
            while let Some(open) = rest.find('{') {
                if open > 0 {
                    parts.push(PathPart::Literal(rest[..open].to_owned()));
                }
                let Some(close) = rest[open..].find('}') else {
                    return Err(self.unsupported(pointer, format!("unbalanced `{{` in path {path:?}")));
                };
                let name = &rest[open + 1..open + close];
                let index = params
                    .iter()
                    .position(|p| p.location == ParamLocation::Path && p.wire_name == name)
                    .ok_or_else(|| self.unsupported(pointer, format!("path {path:?} uses `{{{name}}}` but declares no such path parameter")))?;
                used.insert(index);
                parts.push(PathPart::Param(index));
                rest = &rest[open + close + 1..];
            }
            if !rest.is_empty() {
                parts.push(PathPart::Literal(rest.to_owned()));
            }
            segments.push(PathSegment::Parts(parts));
        }
        if let Some((i, p)) = params.iter().enumerate().find(|(i, p)| p.location == ParamLocation::Path && !used.contains(i)) {
            return Err(self.unsupported(
                &format!("{}/name", param_pointers[i]),
                format!("path parameter {:?} does not appear in path {path:?}; add `{{{}}}` to the path or declare it `in: query`", p.wire_name, p.wire_name),
            ));
        }
        // `/items/` is not `/items` (FastAPI answers the other one with a redirect): the trailing
        // slash is an empty last segment.
        if path.len() > 1 && path.ends_with('/') {
            segments.push(PathSegment::Parts(vec![PathPart::Literal(String::new())]));
        }
        Ok(segments)
    }
}

/// A server's URL with each `{variable}` replaced by its declared default (left as is when the
/// variable is not declared).
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// What the builder sends a body of `media` as.
fn body_kind(media: &str, schema: Option<&ReferenceOr<Schema>>) -> BodyKind {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    // A schema that is a string (or binary) under a wildcard means bytes, not JSON.
    let stringy = matches!(schema, Some(ReferenceOr::Item(s)) if matches!(s.schema_kind, SchemaKind::Type(Type::String(_))));
    if is_json(&essence) || (matches!(essence.as_str(), "*/*" | "application/*") && schema.is_some() && !stringy) {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if essence.starts_with("multipart/") {
        BodyKind::Multipart
    } else if essence.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

/// A string of bytes (`format: binary`): a file to upload.
pub fn is_binary(ty: &TypeRef) -> bool {
    let ty = match ty {
        TypeRef::Nullable(inner) => inner,
        ty => ty,
    };
    matches!(ty, TypeRef::String { format: Some(f) } if f == "binary")
}

/// A 2xx status or range.
fn is_success(status: StatusKey) -> bool {
    matches!(status, StatusKey::Code(200..=299) | StatusKey::Range(2))
}

/// The variant name of a success answer in an operation's answer enum.
fn status_name(status: StatusKey) -> String {
    match status {
        StatusKey::Code(200) => "Ok".to_owned(),
        StatusKey::Code(201) => "Created".to_owned(),
        StatusKey::Code(202) => "Accepted".to_owned(),
        StatusKey::Code(203) => "NonAuthoritative".to_owned(),
        StatusKey::Code(204) => "NoContent".to_owned(),
        StatusKey::Code(205) => "ResetContent".to_owned(),
        StatusKey::Code(206) => "PartialContent".to_owned(),
        StatusKey::Code(c) => format!("Status{c}"),
        StatusKey::Range(_) => "Success".to_owned(),
        StatusKey::Default => "Default".to_owned(),
    }
}

/// An operation's answers, as [`Builder::responses`] reads them.
#[derive(Default)]
struct Answers {
    success: Vec<Answer>,
    errors: Vec<Answer>,
    headers: Vec<ResponseHeader>,
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// The description of a schema, or its title when it has no description.
fn describe(schema: &Schema) -> Option<String> {
    let own = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone()).filter(|d| !d.trim().is_empty());
    // `allOf: [$ref, {description: …}]`: the description is in a member.
    let all_of = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.as_slice(),
        SchemaKind::Any(any) => any.all_of.as_slice(),
        _ => &[],
    };
    own.or_else(|| {
        all_of.iter().find_map(|member| match member {
            ReferenceOr::Item(s) => s.schema_data.description.clone().filter(|d| !d.trim().is_empty()),
            ReferenceOr::Reference { .. } => None,
        })
    })
}

fn limits(schema: &Schema) -> Limits {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(a)) => Limits {
            min_items: a.min_items,
            max_items: a.max_items,
            ..Limits::default()
        },
        SchemaKind::Type(Type::Integer(i)) => Limits {
            minimum: i.minimum.map(|v| v as f64),
            maximum: i.maximum.map(|v| v as f64),
            ..Limits::default()
        },
        SchemaKind::Type(Type::Number(n)) => Limits {
            minimum: n.minimum,
            maximum: n.maximum,
            ..Limits::default()
        },
        _ => Limits::default(),
    }
}

/// A field standing for the object's other keys (see [`Field::flatten`]); `name` is its label.
fn flattened(keyword: &str, name: &str, ty: TypeRef, description: Option<&str>) -> Field {
    Field {
        wire_name: keyword.to_owned(),
        name: name.to_owned(),
        description: description.map(str::to_owned),
        ty,
        required: true,
        nullable: false,
        recursive: false,
        flatten: true,
        read_only: false,
        write_only: false,
        shares_key: false,
        limits: Limits::default(),
        default: None,
        example: None,
    }
}

/// Adds a property; a later `allOf` member may restate one: the last statement wins, required
/// if any says so.
fn push_field(out: &mut Vec<Field>, field: Field) {
    match out.iter_mut().find(|f| f.wire_name == field.wire_name && f.flatten == field.flatten && !f.flatten) {
        Some(existing) => {
            let required = existing.required || field.required;
            *existing = Field { required, ..field };
        }
        None => out.push(field),
    }
}

/// For each component schema with a `discriminator` (and no `oneOf`/`anyOf` of its own): the
/// components that name it as an `allOf` member, and those its mapping names, in document order.
fn subtypes(components: &openapiv3::Components) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let bases: Vec<(&String, &openapiv3::Discriminator)> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            ReferenceOr::Item(s) if union_members(s).is_none() && !has_union(s) => s.schema_data.discriminator.as_ref().map(|d| (name, d)),
            _ => None,
        })
        .collect();
    if bases.is_empty() {
        return out;
    }
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else { continue };
        let all_of = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.as_slice(),
            SchemaKind::Any(a) => a.all_of.as_slice(),
            _ => continue,
        };
        for member in all_of {
            if let ReferenceOr::Reference { reference } = member
                && let Some(base) = reference.strip_prefix(SCHEMA_PREFIX)
                && base != name
                && bases.iter().any(|(b, _)| *b == base)
            {
                let list = out.entry(base.to_owned()).or_default();
                if !list.contains(name) {
                    list.push(name.clone());
                }
            }
        }
    }
    for (base, discriminator) in bases {
        for target in discriminator.mapping.values() {
            let target = target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target);
            if target != base && components.schemas.contains_key(target) {
                let list = out.entry(base.clone()).or_default();
                if !list.iter().any(|n| n == target) {
                    list.push(target.to_owned());
                }
            }
        }
    }
    out
}

/// Whether an "any" schema lists `oneOf`/`anyOf` members beside other keywords.
fn has_union(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if !a.one_of.is_empty() || !a.any_of.is_empty())
}

/// The known values of an enum schema, of one kind.
#[derive(Debug)]
enum EnumValues {
    Strings(Vec<String>),
    /// The values' type and the values.
    Numbers(TypeRef, Vec<serde_json::Number>),
}

/// Variant names a spec gives its enum values (`x-enum-varnames`, `x-enumNames`: common
/// extensions), when there is one per value.
fn enum_names(schema: &Schema, count: usize) -> Option<Vec<String>> {
    ["x-enum-varnames", "x-enumNames"].iter().find_map(|key| {
        let names: Vec<String> = schema.schema_data.extensions.get(*key)?.as_array()?.iter().map(|n| n.as_str().map(str::to_owned)).collect::<Option<_>>()?;
        (names.len() == count).then_some(names)
    })
}

/// Distinct values in order; `null` is not a value of the type (it makes a field nullable).
fn distinct<T: PartialEq>(values: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn integer_format(i: &openapiv3::IntegerType) -> Option<&str> {
    match &i.format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// Whether `null` is among the schema's `enum` values.
fn enum_has_null(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.contains(&None),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.contains(&None),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.contains(&None),
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.contains(&None),
        SchemaKind::Any(a) => a.enumeration.contains(&serde_json::Value::Null),
        _ => false,
    }
}
/// An object with declared properties, or an `allOf` of several members (or of members and
/// properties of its own), or properties beside `oneOf`/`anyOf`: becomes a struct.
/// The members of an `allOf` that constrain the value, with their index: not `{}` or a member
/// that only describes (`{description: …}`).
fn constraining(all_of: &[ReferenceOr<Schema>]) -> impl Iterator<Item = (usize, &ReferenceOr<Schema>)> {
    all_of.iter().enumerate().filter(|(_, member)| !matches!(member, ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())))
}

fn is_struct(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::AllOf { all_of } => constraining(all_of).count() > 1,
        SchemaKind::Any(a) => is_object_like(schema) && (!a.properties.is_empty() || constraining(&a.all_of).count() > 1 || has_union(schema)),
        _ => false,
    }
}

/// Whether the schema's fields can be collected: an object (even without properties), an `allOf`,
/// or properties and/or `allOf` members (beside `oneOf`/`anyOf` too) under `type: object` or no
/// type.
fn is_object_like(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(a) => {
            a.not.is_none() && matches!(a.typ.as_deref(), None | Some("object")) && (!a.properties.is_empty() || !a.all_of.is_empty())
        }
        _ => false,
    }
}

/// The members of a `oneOf`/`anyOf` schema (with the keyword), `None` when it is not one. Beside
/// `properties` or `allOf` they are a struct's variant instead (see `collect_fields`); beside
/// other keywords (`type: object`, `required`, `nullable`) they decide.
fn union_members(schema: &Schema) -> Option<(&'static str, &[ReferenceOr<Schema>])> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => Some(("oneOf", one_of)),
        SchemaKind::AnyOf { any_of } => Some(("anyOf", any_of)),
        SchemaKind::Any(a) if a.properties.is_empty() && a.all_of.is_empty() && a.not.is_none() && matches!(a.typ.as_deref(), None | Some("object")) => {
            if !a.one_of.is_empty() {
                Some(("oneOf", &a.one_of))
            } else if !a.any_of.is_empty() {
                Some(("anyOf", &a.any_of))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A name for an untitled inline object member: its first required property, else its first
/// property (`{required: [email], …}` → `Email`), which is what tells the variants apart.
fn object_label(schema: &Schema) -> Option<String> {
    let (properties, required) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
        SchemaKind::Any(a) => (&a.properties, &a.required),
        _ => return None,
    };
    required.iter().find(|r| properties.contains_key(*r)).or_else(|| properties.keys().next()).cloned()
}

/// A name for an untitled union member, from its type.
fn kind_label(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => "Object",
        _ => "Value",
    }
}
