//! Who must trust whom in an OpenShift cluster: the one table of relationships the analysis
//! checks. Each row names the bundle a client reads, the certificate it must accept, the name it
//! dials, and where the fact comes from. A row whose bundle or endpoint the input lacks yields no
//! edge, and the report lists it as not seen.

/// Which bundles a relationship reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleSelector {
    /// One key of one ConfigMap or Secret.
    #[non_exhaustive]
    Key {
        /// Namespace.
        namespace: &'static str,
        /// Object name.
        name: &'static str,
        /// Key.
        key: &'static str,
    },
    /// The same ConfigMap key in every namespace.
    #[non_exhaustive]
    EveryNamespace {
        /// ConfigMap name.
        name: &'static str,
        /// Key.
        key: &'static str,
    },
    /// `ca.crt` of every service-account token Secret (what a pod's mounted token trusts).
    ServiceAccountTokens,
    /// `ca.crt` of every Secret whose name starts with this (of revisioned copies `name-N`, the
    /// highest revision per namespace).
    #[non_exhaustive]
    SecretsNamed {
        /// The name's prefix.
        prefix: &'static str,
    },
    /// A CA field of the ControllerConfig.
    #[non_exhaustive]
    ControllerConfig {
        /// The `spec` field.
        field: &'static str,
    },
    /// A file every MachineConfig that carries it writes to the nodes.
    #[non_exhaustive]
    MachineConfigFile {
        /// The path on the node.
        path: &'static str,
    },
    /// The node kubeconfigs given as extra inputs (a must-gather has none).
    NodeKubeconfigs,
}

/// Which certificates a relationship's clients must accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointSelector {
    /// The current `tls.crt` of one Secret (not its revisioned copies).
    #[non_exhaustive]
    Secret {
        /// Namespace.
        namespace: &'static str,
        /// Secret name.
        name: &'static str,
        /// The name clients dial.
        dial: Dial,
    },
    /// Every current client certificate Secret whose name ends with this.
    #[non_exhaustive]
    ClientSecrets {
        /// The name's suffix.
        suffix: &'static str,
    },
    /// The newest certificate per subject issued through CSRs of this signer.
    #[non_exhaustive]
    Csr {
        /// `spec.signerName`.
        signer_name: &'static str,
    },
    /// Every current service serving certificate (a Secret the service CA operator issued for a
    /// Service), dialled as `<service>.<namespace>.svc`.
    ServiceServingCerts,
}

/// The name a client verifies the server certificate against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dial {
    /// api-int's host, from the Infrastructure (or ControllerConfig) `apiServerInternalURI`.
    ApiInt,
    /// api's host, from `apiServerURL`.
    Api,
    /// A fixed name.
    Name(&'static str),
    /// The certificate's first DNS SAN (a kubelet's node name).
    FirstDnsName,
    /// Client certificates: no name is checked.
    None,
}

/// Server or client authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Usage {
    /// The client verifies a server (`ExtKeyUsageServerAuth`).
    Server,
    /// The server verifies a client (`ExtKeyUsageClientAuth`).
    Client,
}

impl Usage {
    /// `server` or `client`.
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Server => "server",
            Usage::Client => "client",
        }
    }
}

/// One row: `bundles` must verify `endpoints` for `client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Relationship {
    /// A stable identifier, e.g. `kube-root-ca→api-int`.
    pub id: &'static str,
    /// Who reads the bundle.
    pub client: &'static str,
    /// The bundles.
    pub bundles: BundleSelector,
    /// The certificates they must accept.
    pub endpoints: EndpointSelector,
    /// Server or client authentication.
    pub usage: Usage,
    /// Where the relationship is documented or observed.
    pub source: &'static str,
}

const API_INT: EndpointSelector =
    EndpointSelector::Secret { namespace: KAS, name: "internal-loadbalancer-serving-certkey", dial: Dial::ApiInt };
const API: EndpointSelector =
    EndpointSelector::Secret { namespace: KAS, name: "external-loadbalancer-serving-certkey", dial: Dial::Api };
const LOCALHOST: EndpointSelector =
    EndpointSelector::Secret { namespace: KAS, name: "localhost-serving-cert-certkey", dial: Dial::Name("localhost") };
const SERVICE_NETWORK: EndpointSelector = EndpointSelector::Secret {
    namespace: KAS,
    name: "service-network-serving-certkey",
    dial: Dial::Name("kubernetes.default.svc"),
};
const LOCALHOST_RECOVERY: EndpointSelector = EndpointSelector::Secret {
    namespace: KAS,
    name: "localhost-recovery-serving-certkey",
    dial: Dial::Name("localhost-recovery"),
};
const KAS: &str = "openshift-kube-apiserver";
const SERVER_CA: BundleSelector = BundleSelector::Key {
    namespace: "openshift-config-managed",
    name: "kube-apiserver-server-ca",
    key: "ca-bundle.crt",
};
const LB_CA: BundleSelector = BundleSelector::Key {
    namespace: "openshift-kube-apiserver-operator",
    name: "loadbalancer-serving-ca",
    key: "ca-bundle.crt",
};
const ROOT_CA: BundleSelector = BundleSelector::EveryNamespace { name: "kube-root-ca.crt", key: "ca.crt" };
const BRIEF: &str = "okd-trust incident brief (okd-project/okd#1881, OCPBUGS-30119)";
const KAS_OPERATOR: &str = "cluster-kube-apiserver-operator: the signers and the bundles it publishes";
const KCM_ROOT_CA: &str = "kube-controller-manager publishes serviceaccount-ca as kube-root-ca.crt and token ca.crt";

/// The relationships checked, in report order.
pub const RELATIONSHIPS: &[Relationship] = &[
    Relationship {
        id: "node-kubeconfig→api-int",
        client: "kubelet (and the node's other clients of /etc/kubernetes/kubeconfig)",
        bundles: BundleSelector::NodeKubeconfigs,
        endpoints: API_INT,
        usage: Usage::Server,
        source: BRIEF,
    },
    Relationship {
        id: "kubeconfig-data→api-int",
        client: "machine-config-daemon, which copies it into the node kubeconfigs (4.15.10 and later)",
        bundles: BundleSelector::Key {
            namespace: "openshift-machine-config-operator",
            name: "kubeconfig-data",
            key: "ca-bundle.crt",
        },
        endpoints: API_INT,
        usage: Usage::Server,
        source: BRIEF,
    },
    Relationship {
        id: "kube-apiserver-server-ca→api-int",
        client: "node kubeconfigs are built from it",
        bundles: SERVER_CA,
        endpoints: API_INT,
        usage: Usage::Server,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "kube-apiserver-server-ca→api",
        client: "clients of the external load balancer",
        bundles: SERVER_CA,
        endpoints: API,
        usage: Usage::Server,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "kube-apiserver-server-ca→localhost",
        client: "control-plane clients of localhost:6443",
        bundles: SERVER_CA,
        endpoints: LOCALHOST,
        usage: Usage::Server,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "kube-apiserver-server-ca→service-network",
        client: "in-cluster clients of kubernetes.default.svc",
        bundles: SERVER_CA,
        endpoints: SERVICE_NETWORK,
        usage: Usage::Server,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "loadbalancer-serving-ca→api-int",
        client: "the union published in kube-apiserver-server-ca",
        bundles: LB_CA,
        endpoints: API_INT,
        usage: Usage::Server,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "loadbalancer-serving-ca→api",
        client: "the union published in kube-apiserver-server-ca",
        bundles: LB_CA,
        endpoints: API,
        usage: Usage::Server,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "kube-root-ca→api-int",
        client: "every pod of the namespace",
        bundles: ROOT_CA,
        endpoints: API_INT,
        usage: Usage::Server,
        source: KCM_ROOT_CA,
    },
    Relationship {
        id: "kube-root-ca→service-network",
        client: "every pod of the namespace",
        bundles: ROOT_CA,
        endpoints: SERVICE_NETWORK,
        usage: Usage::Server,
        source: KCM_ROOT_CA,
    },
    Relationship {
        id: "kube-root-ca→localhost",
        client: "host-network pods of the namespace",
        bundles: ROOT_CA,
        endpoints: LOCALHOST,
        usage: Usage::Server,
        source: KCM_ROOT_CA,
    },
    Relationship {
        id: "service-account-ca→api-int",
        client: "pods mounting the service-account token",
        bundles: BundleSelector::ServiceAccountTokens,
        endpoints: API_INT,
        usage: Usage::Server,
        source: KCM_ROOT_CA,
    },
    Relationship {
        id: "service-account-ca→service-network",
        client: "pods mounting the service-account token",
        bundles: BundleSelector::ServiceAccountTokens,
        endpoints: SERVICE_NETWORK,
        usage: Usage::Server,
        source: KCM_ROOT_CA,
    },
    Relationship {
        id: "service-account-ca→localhost",
        client: "host-network pods mounting the service-account token",
        bundles: BundleSelector::ServiceAccountTokens,
        endpoints: LOCALHOST,
        usage: Usage::Server,
        source: KCM_ROOT_CA,
    },
    Relationship {
        id: "localhost-recovery-token→localhost-recovery",
        client: "control-plane operators' recovery clients",
        bundles: BundleSelector::SecretsNamed { prefix: "localhost-recovery-client-token" },
        endpoints: LOCALHOST_RECOVERY,
        usage: Usage::Server,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "kubelet-serving-ca→kubelet",
        client: "kube-apiserver and monitoring, dialling each kubelet",
        bundles: BundleSelector::Key {
            namespace: "openshift-config-managed",
            name: "kubelet-serving-ca",
            key: "ca-bundle.crt",
        },
        endpoints: EndpointSelector::Csr { signer_name: "kubernetes.io/kubelet-serving" },
        usage: Usage::Server,
        source: "kube-controller-manager-operator: kubelet serving certificates are issued through CSRs",
    },
    Relationship {
        id: "kube-apiserver-client-ca→control-plane-clients",
        client: "kube-apiserver, authenticating control-plane client certificates",
        bundles: BundleSelector::Key {
            namespace: "openshift-config-managed",
            name: "kube-apiserver-client-ca",
            key: "ca-bundle.crt",
        },
        endpoints: EndpointSelector::ClientSecrets { suffix: "-client-cert-key" },
        usage: Usage::Client,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "kube-apiserver-client-ca→kubelet-clients",
        client: "kube-apiserver, authenticating kubelets",
        bundles: BundleSelector::Key {
            namespace: "openshift-config-managed",
            name: "kube-apiserver-client-ca",
            key: "ca-bundle.crt",
        },
        endpoints: EndpointSelector::Csr { signer_name: "kubernetes.io/kube-apiserver-client-kubelet" },
        usage: Usage::Client,
        source: "kubelet client certificates are issued through CSRs",
    },
    Relationship {
        id: "aggregator-client-ca→aggregator-client",
        client: "aggregated API servers, authenticating kube-apiserver",
        bundles: BundleSelector::Key {
            namespace: "openshift-config-managed",
            name: "kube-apiserver-aggregator-client-ca",
            key: "ca-bundle.crt",
        },
        endpoints: EndpointSelector::Secret { namespace: KAS, name: "aggregator-client", dial: Dial::None },
        usage: Usage::Client,
        source: KAS_OPERATOR,
    },
    Relationship {
        id: "kubelet-ca.crt→kubelet-client",
        client: "kubelet, authenticating kube-apiserver (/etc/kubernetes/kubelet-ca.crt)",
        bundles: BundleSelector::MachineConfigFile { path: "/etc/kubernetes/kubelet-ca.crt" },
        endpoints: EndpointSelector::Secret { namespace: KAS, name: "kubelet-client", dial: Dial::None },
        usage: Usage::Client,
        source: "machine-config-operator writes the ControllerConfig's kubeAPIServerServingCAData there",
    },
    Relationship {
        id: "controllerconfig→kubelet-client",
        client: "kubelet on nodes the machine-config operator renders next",
        bundles: BundleSelector::ControllerConfig { field: "kubeAPIServerServingCAData" },
        endpoints: EndpointSelector::Secret { namespace: KAS, name: "kubelet-client", dial: Dial::None },
        usage: Usage::Client,
        source: "machine-config-operator writes the ControllerConfig's kubeAPIServerServingCAData there",
    },
    Relationship {
        id: "service-ca→service-serving-certs",
        client: "in-cluster clients of services with serving certificates",
        bundles: BundleSelector::Key {
            namespace: "openshift-config-managed",
            name: "service-ca",
            key: "ca-bundle.crt",
        },
        endpoints: EndpointSelector::ServiceServingCerts,
        usage: Usage::Server,
        source: "service-ca-operator: service serving certificates and the CA bundle it injects",
    },
];

/// Clients worth naming that read the bundles of a namespace, beyond "every pod of the namespace":
/// the ones whose failure takes more than their namespace down.
const NAMESPACE_READERS: [(&str, &str); 5] = [
    ("openshift-multus", "multus, the CNI plugin every pod's network goes through"),
    ("openshift-sdn", "openshift-sdn, the cluster network plugin"),
    ("openshift-ovn-kubernetes", "ovn-kubernetes, the cluster network plugin"),
    ("openshift-machine-config-operator", "the machine-config daemon on every node"),
    ("openshift-dns", "the cluster DNS"),
];

/// The notable client of a bundle read in `namespace`, if there is one.
pub(crate) fn namespace_reader(namespace: &str) -> Option<&'static str> {
    NAMESPACE_READERS.iter().find(|(ns, _)| *ns == namespace).map(|(_, reader)| *reader)
}
