//! The runtime of clients generated from OpenAPI 3.0 documents by this repository's generator.
//!
//! A generated crate holds what its spec varies (types, operations and their request builders,
//! paging helpers, typed filters, mock helpers) and one [`ApiDescription`]; this crate does the
//! rest, the same for every API:
//!
//! - [`Client`] / [`ClientBuilder`]: base URL, headers, timeouts, [`RetryPolicy`], token
//!   authentication (fetch, cache, refresh ahead of expiry, one fetch for concurrent callers,
//!   one refresh and repeat on the API's "token invalid" answer), and [`Client::execute`], the
//!   one place requests are sent, inside a `tracing` span `api_call`;
//! - requests ([`Request`]): parameters in every OpenAPI [`Style`], cookies, and bodies as
//!   JSON, text, forms, multipart forms or [`Blob`]s (in memory or streamed);
//! - answers ([`Answer`]): each status decoded as the operation declares it, into payloads,
//!   [`Response`]s with status and headers, response envelopes ([`ApiResponse`]), documented
//!   errors ([`Error::Response`]) or [`Download`]s read on demand; JSON is decoded with the path
//!   to the first value that does not fit;
//! - [`Error`], the one error type of every call;
//! - [`RawRequest`] ([`Client::raw`]): calls of endpoints a crate does not type yet, sent the
//!   same way;
//! - [`checks`]: declared bounds checked before sending;
//! - [`filters`]: [`filters::Timestamp`] and the JSON of typed search conditions;
//! - `mock` (feature `mock`): a loopback server that answers a generated crate's operations,
//!   for tests.
//!
//! Nothing here knows any one API: what differs between APIs is data in [`ApiDescription`].

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod answer;
mod api;
mod auth;
mod body;
pub mod checks;
mod client;
mod decode;
mod error;
pub mod filters;
#[cfg(feature = "mock")]
pub mod mock;
mod raw;
mod retry;
mod style;
pub mod union;

pub use answer::{Answer, ByteStream, Download, Response};
pub use api::{ApiDescription, EnvelopeFormat, HeaderFamily, TokenAuth};
pub use body::Blob;
pub use bytes::Bytes;
pub use checks::join;
pub use client::{Call, Client, ClientBuilder, Interpret, Request};
pub use decode::{locate, ApiResponse};
pub use error::{Error, ErrorDetails};
pub use reqwest;
pub use reqwest::Method;
pub use raw::{RawRequest, RAW_OPERATION};
pub use retry::RetryPolicy;
pub use style::{label_text, matrix_text, style_text, Style};
