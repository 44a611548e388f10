//! The kubeconfig as client-go's `k8s.io/client-go/tools/clientcmd/api/v1` types, field by field.
//!
//! Field names are the serialized names client-go uses, matched case-sensitively as client-go's
//! decoder matches them. Strings that client-go leaves empty when unset are plain `String`s here
//! (empty = unset), as in Go. Each field is read with the rules of Go's `encoding/json` for its Go
//! type, so a value kubelet cannot load (`namespace: 2019`, `insecure-skip-tls-verify: "false"`,
//! bad base64 in a `*-data` field) fails the parse here too. Every struct keeps the keys it does
//! not know in `extra`, so nothing a newer client wrote is lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::document::go_json;

/// The whole file: `kind: Config`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Config {
    /// `kind` (normally `Config`).
    #[serde(default, deserialize_with = "go_json::string", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// `apiVersion` (normally `v1`).
    #[serde(
        rename = "apiVersion",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub api_version: String,
    /// `preferences` (legacy; unused by client-go).
    #[serde(default, deserialize_with = "go_json::or_default", skip_serializing_if = "Preferences::is_empty")]
    pub preferences: Preferences,
    /// `clusters`: where the API servers are and how to trust them.
    #[serde(default, deserialize_with = "go_json::list")]
    pub clusters: Vec<NamedCluster>,
    /// `users`: how to authenticate.
    #[serde(default, deserialize_with = "go_json::list")]
    pub users: Vec<NamedAuthInfo>,
    /// `contexts`: cluster + user (+ namespace) triples.
    #[serde(default, deserialize_with = "go_json::list")]
    pub contexts: Vec<NamedContext>,
    /// `current-context`: the context used when none is chosen.
    #[serde(rename = "current-context", default, deserialize_with = "go_json::string")]
    pub current_context: String,
    /// `extensions`.
    #[serde(default, deserialize_with = "go_json::list", skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<NamedExtension>,
    /// Keys client-go does not define, kept as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `preferences`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Preferences {
    /// `colors`.
    #[serde(default, deserialize_with = "go_json::boolean", skip_serializing_if = "std::ops::Not::not")]
    pub colors: bool,
    /// `extensions`.
    #[serde(default, deserialize_with = "go_json::list", skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<NamedExtension>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Preferences {
    fn is_empty(&self) -> bool {
        !self.colors && self.extensions.is_empty() && self.extra.is_empty()
    }
}

/// An entry of `clusters`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NamedCluster {
    /// `name`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub name: String,
    /// `cluster`.
    #[serde(default, deserialize_with = "go_json::or_default")]
    pub cluster: Cluster,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `cluster`: how to reach and trust one API server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cluster {
    /// `server`: `https://host:port`.
    #[serde(default, deserialize_with = "go_json::string", skip_serializing_if = "String::is_empty")]
    pub server: String,
    /// `tls-server-name`: the name checked in the server's certificate instead of the `server` host.
    #[serde(
        rename = "tls-server-name",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub tls_server_name: String,
    /// `insecure-skip-tls-verify`: trust any server certificate.
    #[serde(
        rename = "insecure-skip-tls-verify",
        default,
        deserialize_with = "go_json::boolean",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub insecure_skip_tls_verify: bool,
    /// `certificate-authority`: path to a PEM bundle (resolved by the caller, never by the core).
    #[serde(
        rename = "certificate-authority",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub certificate_authority: String,
    /// `certificate-authority-data`: the PEM bundle, base64-encoded, exactly as written in the file.
    #[serde(
        rename = "certificate-authority-data",
        default,
        deserialize_with = "go_json::base64",
        skip_serializing_if = "String::is_empty"
    )]
    pub certificate_authority_data: String,
    /// `proxy-url`.
    #[serde(
        rename = "proxy-url",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub proxy_url: String,
    /// `disable-compression`.
    #[serde(
        rename = "disable-compression",
        default,
        deserialize_with = "go_json::boolean",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub disable_compression: bool,
    /// `extensions`.
    #[serde(default, deserialize_with = "go_json::list", skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<NamedExtension>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An entry of `users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NamedAuthInfo {
    /// `name`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub name: String,
    /// `user`.
    #[serde(default, deserialize_with = "go_json::or_default")]
    pub user: AuthInfo,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `user`: how to authenticate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthInfo {
    /// `client-certificate`: path to a PEM certificate.
    #[serde(
        rename = "client-certificate",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub client_certificate: String,
    /// `client-certificate-data`: base64 PEM certificate.
    #[serde(
        rename = "client-certificate-data",
        default,
        deserialize_with = "go_json::base64",
        skip_serializing_if = "String::is_empty"
    )]
    pub client_certificate_data: String,
    /// `client-key`: path to a PEM key.
    #[serde(
        rename = "client-key",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub client_key: String,
    /// `client-key-data`: base64 PEM key.
    #[serde(
        rename = "client-key-data",
        default,
        deserialize_with = "go_json::base64",
        skip_serializing_if = "String::is_empty"
    )]
    pub client_key_data: String,
    /// `token`: a bearer token.
    #[serde(default, deserialize_with = "go_json::string", skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// `tokenFile`: path to a bearer token.
    #[serde(
        rename = "tokenFile",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub token_file: String,
    /// `as`: the user to impersonate.
    #[serde(rename = "as", default, deserialize_with = "go_json::string", skip_serializing_if = "String::is_empty")]
    pub impersonate: String,
    /// `as-uid`: the UID to impersonate.
    #[serde(
        rename = "as-uid",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub impersonate_uid: String,
    /// `as-groups`: the groups to impersonate.
    #[serde(
        rename = "as-groups",
        default,
        deserialize_with = "go_json::strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub impersonate_groups: Vec<String>,
    /// `as-user-extra`: extra fields of the impersonated user.
    #[serde(
        rename = "as-user-extra",
        default,
        deserialize_with = "go_json::strings_map",
        skip_serializing_if = "Map::is_empty"
    )]
    pub impersonate_user_extra: Map<String, Value>,
    /// `username` for basic authentication.
    #[serde(default, deserialize_with = "go_json::string", skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// `password` for basic authentication.
    #[serde(default, deserialize_with = "go_json::string", skip_serializing_if = "String::is_empty")]
    pub password: String,
    /// `auth-provider`: a legacy authentication plugin.
    #[serde(rename = "auth-provider", default, skip_serializing_if = "Option::is_none")]
    pub auth_provider: Option<AuthProviderConfig>,
    /// `exec`: a credential plugin command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecConfig>,
    /// `extensions`.
    #[serde(default, deserialize_with = "go_json::list", skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<NamedExtension>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `auth-provider`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthProviderConfig {
    /// `name` of the provider (`oidc`, ...).
    #[serde(default, deserialize_with = "go_json::string")]
    pub name: String,
    /// `config`: provider settings.
    #[serde(default, deserialize_with = "go_json::string_map", skip_serializing_if = "Map::is_empty")]
    pub config: Map<String, Value>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `exec`: a client-go credential plugin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExecConfig {
    /// `command` to run.
    #[serde(default, deserialize_with = "go_json::string")]
    pub command: String,
    /// `args`.
    #[serde(default, deserialize_with = "go_json::strings", skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// `env`.
    #[serde(default, deserialize_with = "go_json::list", skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<ExecEnvVar>,
    /// `apiVersion` of the ExecCredential exchanged.
    #[serde(rename = "apiVersion", default, deserialize_with = "go_json::string")]
    pub api_version: String,
    /// `installHint` shown when the command is missing.
    #[serde(
        rename = "installHint",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub install_hint: String,
    /// `provideClusterInfo`.
    #[serde(
        rename = "provideClusterInfo",
        default,
        deserialize_with = "go_json::boolean",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub provide_cluster_info: bool,
    /// `interactiveMode`: `Never`, `IfAvailable` or `Always` (client-go defaults an empty value to `IfAvailable`).
    #[serde(
        rename = "interactiveMode",
        default,
        deserialize_with = "go_json::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub interactive_mode: String,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An entry of `exec.env`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExecEnvVar {
    /// `name`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub name: String,
    /// `value`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub value: String,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An entry of `contexts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NamedContext {
    /// `name`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub name: String,
    /// `context`.
    #[serde(default, deserialize_with = "go_json::or_default")]
    pub context: Context,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `context`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Context {
    /// `cluster`: name of an entry of `clusters`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub cluster: String,
    /// `user`: name of an entry of `users`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub user: String,
    /// `namespace`.
    #[serde(default, deserialize_with = "go_json::string", skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// `extensions`.
    #[serde(default, deserialize_with = "go_json::list", skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<NamedExtension>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An entry of an `extensions` list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NamedExtension {
    /// `name`.
    #[serde(default, deserialize_with = "go_json::string")]
    pub name: String,
    /// `extension`: any object.
    #[serde(default)]
    pub extension: Value,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
