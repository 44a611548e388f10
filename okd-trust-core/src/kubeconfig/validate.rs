//! What client-go checks before it connects with a kubeconfig (`DirectClientConfig.ConfirmUsable`,
//! which kubelet runs): the current context exists, and its user and cluster are usable — every
//! problem at once. Entries the current context does not use are not checked, as client-go does
//! not check them. Checks that need files (a CA file that cannot be opened) are the caller's: the
//! doctor takes the file's contents and judges them.

use super::{Cluster, Kubeconfig};

/// One problem client-go would report about a kubeconfig. The messages are client-go's own words,
/// so they match what an operator sees from `kubectl` or in the kubelet log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The file defines nothing at all.
    #[error("invalid configuration: no configuration has been provided")]
    EmptyConfig,
    /// `current-context` names a context that does not exist.
    #[error("context was not found for specified context: {context}")]
    CurrentContextNotFound {
        /// The name in `current-context`.
        context: String,
    },
    /// The current context names no cluster that exists (or names none).
    #[error("cluster has no server defined")]
    EmptyCluster {
        /// The cluster name the current context gives (possibly empty).
        cluster: String,
    },
    /// The cluster entry has no `server`.
    #[error("{}", if cluster.is_empty() { "default cluster has no server defined".to_owned() } else { format!("no server found for cluster {cluster:?}") })]
    NoServer {
        /// The cluster entry.
        cluster: String,
    },
    /// `proxy-url` is not an http, https or socks5 URL.
    #[error("invalid 'proxy-url' {url:?} for cluster {cluster:?}: unsupported scheme, must be http, https, or socks5")]
    InvalidProxyUrl {
        /// The cluster entry.
        cluster: String,
        /// The value given.
        url: String,
    },
    /// Both `certificate-authority` and `certificate-authority-data` are set; the data wins.
    #[error(
        "certificate-authority-data and certificate-authority are both specified for {cluster}. certificate-authority-data will override."
    )]
    CaPathAndData {
        /// The cluster entry.
        cluster: String,
    },
    /// `insecure-skip-tls-verify: true` together with a CA; client-go refuses to connect.
    #[error("cluster {cluster:?}: specifying a root certificates file with the insecure flag is not allowed")]
    InsecureWithCa {
        /// The cluster entry.
        cluster: String,
    },
    /// Both `client-certificate` and `client-certificate-data` are set.
    #[error("client-cert-data and client-cert are both specified for {user}. client-cert-data will override.")]
    ClientCertPathAndData {
        /// The user entry.
        user: String,
    },
    /// Both `client-key` and `client-key-data` are set.
    #[error("client-key-data and client-key are both specified for {user}; client-key-data will override")]
    ClientKeyPathAndData {
        /// The user entry.
        user: String,
    },
    /// A client certificate without a key.
    #[error("client-key-data or client-key must be specified for {user} to use the clientCert authentication method.")]
    ClientKeyMissing {
        /// The user entry.
        user: String,
    },
    /// Token and basic authentication together.
    #[error("more than one authentication method found for {user}; found {methods:?}, only one is allowed")]
    MultipleAuthMethods {
        /// The user entry.
        user: String,
        /// The methods found.
        methods: Vec<&'static str>,
    },
    /// `auth-provider` and `exec` together.
    #[error("authProvider cannot be provided in combination with an exec plugin for {user}")]
    AuthProviderWithExec {
        /// The user entry.
        user: String,
    },
    /// `exec` without `command`.
    #[error("command must be specified for {user} to use exec authentication plugin")]
    ExecWithoutCommand {
        /// The user entry.
        user: String,
    },
    /// `exec` without `apiVersion`.
    #[error("apiVersion must be specified for {user} to use exec authentication plugin")]
    ExecWithoutApiVersion {
        /// The user entry.
        user: String,
    },
    /// An `exec.env` entry without a name.
    #[error("env variable name must be specified for {user} to use exec authentication plugin")]
    ExecEnvWithoutName {
        /// The user entry.
        user: String,
    },
    /// `exec.interactiveMode` is not `Never`, `IfAvailable` or `Always`.
    #[error("invalid interactiveMode for {user}: {mode:?}")]
    ExecInvalidInteractiveMode {
        /// The user entry.
        user: String,
        /// The value given.
        mode: String,
    },
    /// `as-uid`, `as-groups` or `as-user-extra` without `as`.
    #[error("requesting uid, groups or user-extra for {user} without impersonating a user")]
    ImpersonationWithoutUser {
        /// The user entry.
        user: String,
    },
}

pub(super) fn validate(kubeconfig: &Kubeconfig) -> Vec<ValidationError> {
    let config = kubeconfig.config();
    let mut errors = Vec::new();
    // No fallback: an empty or unknown current context means the empty context, whose cluster and
    // user are "" (client-go then finds no server, and says there is no configuration).
    let context = kubeconfig.current_context();
    if !config.current_context.is_empty() && context.is_none() {
        errors.push(ValidationError::CurrentContextNotFound { context: config.current_context.clone() });
    }
    let (user_name, cluster_name) = context.map_or(("", ""), |c| (c.context.user.as_str(), c.context.cluster.as_str()));
    // A missing user is no error: the request goes out without credentials.
    if let Some(user) = kubeconfig.user(user_name) {
        validate_user(&user.name, &user.user, &mut errors);
    }
    match kubeconfig.cluster(cluster_name) {
        Some(cluster) => validate_cluster(&cluster.name, &cluster.cluster, &mut errors),
        None => errors.push(ValidationError::EmptyCluster { cluster: cluster_name.to_owned() }),
    }
    // client-go reports a lone empty cluster as "no configuration".
    if matches!(errors.as_slice(), [ValidationError::EmptyCluster { .. }]) {
        return vec![ValidationError::EmptyConfig];
    }
    errors
}

fn validate_user(user: &str, auth: &super::AuthInfo, errors: &mut Vec<ValidationError>) {
    let user = || user.to_owned();
    let mut methods = Vec::new();
    if !auth.token.is_empty() {
        methods.push("token");
    }
    if !auth.username.is_empty() || !auth.password.is_empty() {
        methods.push("basicAuth");
    }
    if !auth.client_certificate.is_empty() || !auth.client_certificate_data.is_empty() {
        if !auth.client_certificate.is_empty() && !auth.client_certificate_data.is_empty() {
            errors.push(ValidationError::ClientCertPathAndData { user: user() });
        }
        if !auth.client_key.is_empty() && !auth.client_key_data.is_empty() {
            errors.push(ValidationError::ClientKeyPathAndData { user: user() });
        }
        if auth.client_key.is_empty() && auth.client_key_data.is_empty() {
            errors.push(ValidationError::ClientKeyMissing { user: user() });
        }
    }
    if let Some(exec) = &auth.exec {
        if auth.auth_provider.is_some() {
            errors.push(ValidationError::AuthProviderWithExec { user: user() });
        }
        if exec.command.is_empty() {
            errors.push(ValidationError::ExecWithoutCommand { user: user() });
        }
        if exec.api_version.is_empty() {
            errors.push(ValidationError::ExecWithoutApiVersion { user: user() });
        }
        if exec.env.iter().any(|v| v.name.is_empty()) {
            errors.push(ValidationError::ExecEnvWithoutName { user: user() });
        }
        // client-go's v1 defaulting turns an empty mode into IfAvailable before validating.
        if !matches!(exec.interactive_mode.as_str(), "" | "Never" | "IfAvailable" | "Always") {
            errors.push(ValidationError::ExecInvalidInteractiveMode {
                user: user(),
                mode: exec.interactive_mode.clone(),
            });
        }
    }
    if methods.len() > 1 {
        errors.push(ValidationError::MultipleAuthMethods { user: user(), methods });
    }
    let impersonates_more = !auth.impersonate_uid.is_empty()
        || !auth.impersonate_groups.is_empty()
        || !auth.impersonate_user_extra.is_empty();
    if impersonates_more && auth.impersonate.is_empty() {
        errors.push(ValidationError::ImpersonationWithoutUser { user: user() });
    }
}

fn validate_cluster(name: &str, cluster: &Cluster, errors: &mut Vec<ValidationError>) {
    let name = || name.to_owned();
    // An entry read from a file is never "empty" to client-go (it remembers where it came from),
    // so an entry without a server is reported as such.
    if cluster.server.is_empty() {
        errors.push(ValidationError::NoServer { cluster: name() });
    }
    if !cluster.proxy_url.is_empty() {
        let scheme = cluster.proxy_url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if !matches!(scheme.as_deref(), Some("http" | "https" | "socks5")) {
            errors.push(ValidationError::InvalidProxyUrl { cluster: name(), url: cluster.proxy_url.clone() });
        }
    }
    let has_path = !cluster.certificate_authority.is_empty();
    let has_data = !cluster.certificate_authority_data.is_empty();
    if has_path && has_data {
        errors.push(ValidationError::CaPathAndData { cluster: name() });
    }
    if cluster.insecure_skip_tls_verify && (has_path || has_data) {
        errors.push(ValidationError::InsecureWithCa { cluster: name() });
    }
}
