//! client-go's `clientcmd.Validate`, reporting every problem at once.

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
    /// A cluster entry sets nothing.
    #[error("cluster has no server defined")]
    EmptyCluster {
        /// The cluster entry.
        cluster: String,
    },
    /// A cluster entry has no `server`.
    #[error("no server found for cluster {cluster:?}")]
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
    /// A context without `user`.
    #[error("user was not specified for context {context:?}")]
    ContextWithoutUser {
        /// The context entry.
        context: String,
    },
    /// A context whose `user` does not exist.
    #[error("user {user:?} was not found for context {context:?}")]
    ContextUserNotFound {
        /// The context entry.
        context: String,
        /// The missing user.
        user: String,
    },
    /// A context without `cluster`.
    #[error("cluster was not specified for context {context:?}")]
    ContextWithoutCluster {
        /// The context entry.
        context: String,
    },
    /// A context whose `cluster` does not exist.
    #[error("cluster {cluster:?} was not found for context {context:?}")]
    ContextClusterNotFound {
        /// The context entry.
        context: String,
        /// The missing cluster.
        cluster: String,
    },
    /// A namespace that is not a DNS-1123 label.
    #[error("namespace {namespace:?} for context {context:?} does not conform to the kubernetes DNS_LABEL rules")]
    InvalidNamespace {
        /// The context entry.
        context: String,
        /// The value given.
        namespace: String,
    },
}

pub(super) fn validate(kubeconfig: &Kubeconfig) -> Vec<ValidationError> {
    let config = kubeconfig.config();
    if config.clusters.is_empty()
        && config.users.is_empty()
        && config.contexts.is_empty()
        && config.current_context.is_empty()
    {
        return vec![ValidationError::EmptyConfig];
    }
    let mut errors = Vec::new();
    if !config.current_context.is_empty() && kubeconfig.context(&config.current_context).is_none() {
        errors.push(ValidationError::CurrentContextNotFound { context: config.current_context.clone() });
    }
    for named in &config.contexts {
        let (name, context) = (&named.name, &named.context);
        if context.user.is_empty() {
            errors.push(ValidationError::ContextWithoutUser { context: name.clone() });
        } else if kubeconfig.user(&context.user).is_none() {
            errors.push(ValidationError::ContextUserNotFound { context: name.clone(), user: context.user.clone() });
        }
        if context.cluster.is_empty() {
            errors.push(ValidationError::ContextWithoutCluster { context: name.clone() });
        } else if kubeconfig.cluster(&context.cluster).is_none() {
            errors.push(ValidationError::ContextClusterNotFound {
                context: name.clone(),
                cluster: context.cluster.clone(),
            });
        }
        if !context.namespace.is_empty() && !is_dns1123_label(&context.namespace) {
            errors.push(ValidationError::InvalidNamespace {
                context: name.clone(),
                namespace: context.namespace.clone(),
            });
        }
    }
    for named in &config.users {
        validate_user(&named.name, &named.user, &mut errors);
    }
    for named in &config.clusters {
        validate_cluster(&named.name, &named.cluster, &mut errors);
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
    if *cluster == Cluster::default() {
        errors.push(ValidationError::EmptyCluster { cluster: name() });
        return;
    }
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

/// Kubernetes' `IsDNS1123Label`: 1–63 of `[a-z0-9-]`, alphanumeric at both ends.
fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    let end = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (1..=63).contains(&b.len()) && b.iter().all(inner) && end(b.first()) && end(b.last())
}
