//! The plan's client → `client.rs`: the description of the API the runtime reads, the client
//! type wrapping the runtime's client, its builder, and the header families.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs::lines_to_attrs;
use crate::plan::{AuthPlan, Plan};
use crate::rust::ident;

/// The body of `client.rs`.
pub fn emit(plan: &Plan) -> TokenStream {
    let c = &plan.client;
    let client = ident(&c.name);
    let builder = ident(&c.builder);
    let client_name = &c.name;
    let title = &c.title;

    let default_host = match &c.default_host {
        Some(host) => {
            let doc = format!(" Where requests go unless [`{}::host`] says otherwise.", c.builder);
            (quote!(Some(DEFAULT_HOST)), quote! {
                #[doc = #doc]
                pub const DEFAULT_HOST: &str = #host;
            })
        }
        None => (quote!(None), quote!()),
    };
    let (host_value, host_const) = default_host;
    let base_path = match &c.base_path {
        Some(path) => quote!(Some(#path)),
        None => quote!(None),
    };
    let env_prefix = match &c.env_prefix {
        Some(prefix) => quote!(Some(#prefix)),
        None => quote!(None),
    };
    let envelope = match &c.envelope {
        Some(e) => {
            let (status, success, data, message) = (&e.status_field, e.success, &e.data_field, &e.message_field);
            let api_code = option(e.api_code_field.as_deref());
            let request_id = option(e.request_id_field.as_deref());
            quote! {
                Some(crate::runtime::EnvelopeFormat {
                    status_field: #status,
                    success: #success,
                    data_field: #data,
                    message_field: #message,
                    api_code_field: #api_code,
                    request_id_field: #request_id,
                })
            }
        }
        None => quote!(None),
    };
    let auth = match &c.auth {
        Some(auth) => {
            let description = auth_description(auth);
            quote!(Some(#description))
        }
        None => quote!(None),
    };

    let client_docs = lines_to_attrs(&[
        format!("Client for the {title}."),
        String::new(),
        format!(
            "Cheap to clone: clones share one connection pool{}. Start a call with one of the operation \
             methods (see [`crate::operations`]).",
            if c.auth.is_some() { " and one cached token" } else { "" }
        ),
    ]);
    let new = (c.auth.is_none()).then(|| {
        quote! {
            /// A client for the API at `host` (a base URL such as `https://api.example.com`), with
            /// default settings.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) when `host` is not an http(s) URL.
            pub fn new(host: &str) -> Result<Self, crate::Error> {
                Self::builder().host(host).build()
            }
        }
    });
    let from_env = c.env_prefix.as_ref().map(|prefix| {
        let vars = match &c.auth {
            Some(auth) => format!(
                " `{prefix}_ACCESS_KEY_ID` and `{prefix}_ACCESS_KEY_SECRET` (or `{prefix}_ACCESS_TOKEN`), and optionally \
                 `{prefix}_HOST`, `{prefix}_{}` and `{prefix}_LANG`.",
                auth.tenant_name.to_uppercase()
            ),
            None => format!(" `{prefix}_HOST`."),
        };
        quote! {
            /// A client configured from environment variables:
            #[doc = #vars]
            ///
            /// # Errors
            ///
            /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) when they are missing or invalid,
            /// naming the variables.
            pub fn from_env() -> Result<Self, crate::Error> {
                crate::runtime::Client::from_env(&API).map(|inner| Self { inner })
            }
        }
    });
    let mut host_doc = match &c.default_host {
        Some(host) => format!(" The service's base URL (default `{host}`); private deployments change only this."),
        None => " The service's base URL.".to_owned(),
    };
    if let Some(path) = &c.base_path {
        host_doc.push_str(&format!(" Operation paths go under `{path}` when the URL has no path of its own."));
    }
    let auth_setters = c.auth.as_ref().map(|auth| {
        let tenant = ident(&auth.tenant_name);
        let tenant_doc = format!(" A fixed tenant id (`{}`), sent instead of the one the token names.", auth.tenant_name);
        quote! {
            /// The access key id.
            pub fn access_key_id(self, id: impl Into<String>) -> Self {
                Self { inner: self.inner.access_key_id(id) }
            }

            /// The access key secret. It never appears in `Debug` output, errors or logs.
            pub fn access_key_secret(self, secret: impl Into<String>) -> Self {
                Self { inner: self.inner.access_key_secret(secret) }
            }

            /// A ready-made access token, for callers who manage tokens themselves; it is sent as
            /// is and never refreshed.
            pub fn access_token(self, token: impl Into<String>) -> Self {
                Self { inner: self.inner.access_token(token) }
            }

            #[doc = #tenant_doc]
            pub fn #tenant(self, id: impl Into<String>) -> Self {
                Self { inner: self.inner.tenant(id) }
            }

            /// The language of the service's messages (`zh-CN`, `en-US`, …).
            pub fn lang(self, lang: impl Into<String>) -> Self {
                Self { inner: self.inner.lang(lang) }
            }

            /// Which header names to send (default: the family the host expects).
            pub fn header_family(self, family: HeaderFamily) -> Self {
                Self { inner: self.inner.header_family(family.prefix()) }
            }
        }
    });
    let build_errors = if c.auth.is_some() {
        " [`Error::InvalidConfig`](crate::Error::InvalidConfig) when the host is missing or not an http(s) URL, a header is \
         invalid, or no credentials (an access key id and secret, or an access token) are set."
    } else {
        " [`Error::InvalidConfig`](crate::Error::InvalidConfig) when the host is missing or not an http(s) URL, or a header \
         is invalid."
    };
    let builder_doc = format!(" Configures a [`{}`].", c.name);
    let krate = &plan.krate.ident;
    let payload = if c.envelope.is_some() { "its payload (the envelope's data)" } else { "its JSON body" };
    let request_docs = lines_to_attrs(&[
        "Calls an endpoint this crate does not type (yet): `method` on `path`, with query, headers and a JSON body".to_owned(),
        format!(
            "set on the returned request, sent like every typed call (credentials, retries, errors) and {payload} decoded into the type the caller names (`serde_json::Value` for anything)."
        ),
        String::new(),
        "Each `/`-separated segment of `path` is percent-encoded as given. Only GET, HEAD and OPTIONS are repeated after a failed attempt unless `.read_only(true)` says the request only reads. Errors name the operation `request`."
            .to_owned(),
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# async fn example(client: &{krate}::{}) -> Result<(), {krate}::Error> {{", c.name),
        format!("use {krate}::runtime::Method;"),
        String::new(),
        "let answer: serde_json::Value = client".to_owned(),
        "    .request(Method::POST, \"/endpoint/not/typed/yet\")".to_owned(),
        "    .query(\"dryRun\", true)".to_owned(),
        "    .json(&serde_json::json!({ \"name\": \"example\" }))".to_owned(),
        "    .send()".to_owned(),
        "    .await?;".to_owned(),
        "# let _ = answer;".to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ]);
    let families = c.auth.as_ref().map(header_families);

    quote! {
        //! The client: what this crate tells the runtime about the API, and the client type.

        /// The API as the runtime sees it.
        pub(crate) static API: crate::runtime::ApiDescription = crate::runtime::ApiDescription {
            client_name: #client_name,
            default_host: #host_value,
            base_path: #base_path,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            version: env!("CARGO_PKG_VERSION"),
            env_prefix: #env_prefix,
            envelope: #envelope,
            auth: #auth,
        };

        #host_const

        #client_docs
        #[derive(Clone)]
        pub struct #client {
            pub(crate) inner: crate::runtime::Client,
        }

        impl std::fmt::Debug for #client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.inner, f)
            }
        }

        impl #client {
            #new

            /// Starts configuring a client.
            pub fn builder() -> #builder {
                #builder { inner: crate::runtime::ClientBuilder::new(&API) }
            }

            #from_env

            /// The URL requests are sent under.
            pub fn base_url(&self) -> &crate::runtime::reqwest::Url {
                self.inner.base_url()
            }

            /// The HTTP client requests go through.
            pub fn http_client(&self) -> &crate::runtime::reqwest::Client {
                self.inner.http_client()
            }

            #request_docs
            pub fn request(&self, method: crate::runtime::Method, path: &str) -> crate::runtime::RawRequest {
                self.inner.raw(method, path)
            }
        }

        #[doc = #builder_doc]
        #[must_use]
        pub struct #builder {
            pub(crate) inner: crate::runtime::ClientBuilder,
        }

        impl std::fmt::Debug for #builder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.inner, f)
            }
        }

        impl #builder {
            #[doc = #host_doc]
            pub fn host(self, host: impl Into<String>) -> Self {
                Self { inner: self.inner.host(host) }
            }

            /// Sends requests through this HTTP client instead of a new one (its own connect timeout
            /// and TLS settings then apply; [`Self::timeout`] still limits each request).
            pub fn http_client(self, http: crate::runtime::reqwest::Client) -> Self {
                Self { inner: self.inner.http_client(http) }
            }

            /// Adds a header sent with every request.
            pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
                Self { inner: self.inner.header(name, value) }
            }

            /// Limit for each attempt of a request, connection to last byte (default 10 s).
            pub fn timeout(self, timeout: std::time::Duration) -> Self {
                Self { inner: self.inner.timeout(timeout) }
            }

            /// Limit for establishing a connection (default 5 s).
            pub fn connect_timeout(self, timeout: std::time::Duration) -> Self {
                Self { inner: self.inner.connect_timeout(timeout) }
            }

            /// When failed attempts are repeated (default: [`RetryPolicy::default`](crate::RetryPolicy::default)).
            pub fn retry_policy(self, policy: crate::RetryPolicy) -> Self {
                Self { inner: self.inner.retry_policy(policy) }
            }

            #auth_setters

            /// Builds the client.
            ///
            /// # Errors
            ///
            #[doc = #build_errors]
            pub fn build(self) -> Result<#client, crate::Error> {
                self.inner.build().map(|inner| #client { inner })
            }
        }

        #families
    }
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

fn auth_description(auth: &AuthPlan) -> TokenStream {
    let AuthPlan {
        operation,
        method,
        path,
        key_id_field,
        key_secret_field,
        token_field,
        expires_in_field,
        header,
        scheme,
        invalid_token_status,
        tenant_claim,
        tenant_name,
        tenant_header,
        lang_header,
        sdk_version_header,
        families,
    } = auth;
    let tenant_claim = option(tenant_claim.as_deref());
    let families = families.iter().map(|f| {
        let (name, prefix, host) = (&f.name, &f.prefix, &f.host);
        quote!(crate::runtime::HeaderFamily { name: #name, prefix: #prefix, host: #host })
    });
    quote! {
        crate::runtime::TokenAuth {
            operation: #operation,
            method: #method,
            path: #path,
            key_id_field: #key_id_field,
            key_secret_field: #key_secret_field,
            token_field: #token_field,
            expires_in_field: #expires_in_field,
            header: #header,
            scheme: #scheme,
            invalid_token_status: #invalid_token_status,
            tenant_claim: #tenant_claim,
            tenant_name: #tenant_name,
            tenant_header: #tenant_header,
            lang_header: #lang_header,
            sdk_version_header: #sdk_version_header,
            families: &[#(#families),*],
        }
    }
}

/// `HeaderFamily`: one variant per configured family.
fn header_families(auth: &AuthPlan) -> TokenStream {
    let variants: Vec<_> = auth.families.iter().map(|f| ident(&f.name)).collect();
    let docs = auth.families.iter().map(|f| format!(" `{}-*` headers, as `{}` expects.", f.prefix, f.host));
    let prefixes = auth.families.iter().map(|f| &f.prefix);
    let hosts = auth.families.iter().map(|f| &f.host);
    let first = &variants[0];
    let for_host_doc = format!(" The family a host expects: its own, or the default one ({}).", auth.families[0].name);
    quote! {
        /// Which header names the service expects; the host decides unless set explicitly.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum HeaderFamily {
            #(#[doc = #docs] #variants,)*
        }

        impl HeaderFamily {
            /// The prefix of every header name of this family.
            pub fn prefix(self) -> &'static str {
                match self {
                    #(HeaderFamily::#variants => #prefixes,)*
                }
            }

            #[doc = #for_host_doc]
            pub fn for_host(host: &str) -> Self {
                match host {
                    #(#hosts => HeaderFamily::#variants,)*
                    _ => HeaderFamily::#first,
                }
            }
        }
    }
}
