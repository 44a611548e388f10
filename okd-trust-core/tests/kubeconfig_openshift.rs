//! Kubeconfigs in the forms OpenShift nodes actually carry.
#![allow(clippy::unwrap_used, clippy::panic)]

use okd_trust::kubeconfig::{ClusterTrust, Format};
use okd_trust::{Kubeconfig, Timestamp, examples};

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2024-05-01T00:00:00Z").unwrap()
}

#[test]
fn the_node_kubeconfigs_read_and_trust_the_four_original_signers() {
    for text in [examples::NODE_KUBECONFIG, examples::BOOTSTRAP_KUBECONFIG] {
        let k = Kubeconfig::parse(text.as_bytes()).unwrap();
        assert!(k.validate().is_empty(), "{:?}", k.validate());
        let cluster = k.current_cluster().unwrap();
        assert_eq!(cluster.name, "local");
        assert_eq!(k.server_name("local").as_deref(), Some("api-int.ocp.example.com"));
        let ClusterTrust::Bundle(bundle) = k.trust("local").unwrap() else { panic!("expected embedded CA data") };
        let subjects: Vec<String> = bundle.iter().map(|c| c.subject()).collect();
        assert_eq!(subjects.len(), 4, "{subjects:?}");
        assert!(subjects[0].contains("kube-apiserver-lb-signer"));
        assert!(bundle.iter().all(|c| c.is_valid_at(at())));
    }
    let bootstrap = Kubeconfig::parse(examples::BOOTSTRAP_KUBECONFIG.as_bytes()).unwrap();
    assert_eq!(bootstrap.current_user().unwrap().user.token, "example-node-bootstrapper-token");
}

#[test]
fn the_machine_config_daemon_json_form_with_wrapped_crlf_data_reads_the_same() {
    let yaml = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    let data = &yaml.cluster("local").unwrap().cluster.certificate_authority_data;
    // Go's base64 reader ignores CR and LF anywhere in the value.
    let wrapped: String =
        data.as_bytes().chunks(76).map(|c| format!("{}\\r\\n", std::str::from_utf8(c).unwrap())).collect();
    let json = format!(
        "{{\"kind\":\"Config\",\"apiVersion\":\"v1\",\"preferences\":{{}},\"clusters\":[{{\"name\":\"local\",\"cluster\":{{\"server\":\"https://api-int.ocp.example.com:6443\",\"certificate-authority-data\":\"{wrapped}\"}}}}],\"users\":[{{\"name\":\"kubelet\",\"user\":{{\"client-certificate\":\"/var/lib/kubelet/pki/kubelet-client-current.pem\",\"client-key\":\"/var/lib/kubelet/pki/kubelet-client-current.pem\"}}}}],\"contexts\":[{{\"name\":\"kubelet\",\"context\":{{\"cluster\":\"local\",\"user\":\"kubelet\"}}}}],\"current-context\":\"kubelet\"}}\r\n"
    );
    let k = Kubeconfig::parse(json.as_bytes()).unwrap();
    assert_eq!(k.format(), Format::Json);
    assert_eq!(k.ca_bundle("local").unwrap(), yaml.ca_bundle("local").unwrap());

    let literal = examples::NODE_KUBECONFIG.replace(
        &format!("certificate-authority-data: {data}"),
        &format!(
            "certificate-authority-data: |\r\n{}",
            data.as_bytes()
                .chunks(64)
                .map(|c| format!("      {}\r\n", std::str::from_utf8(c).unwrap()))
                .collect::<String>()
        ),
    );
    let crlf = literal.replace("\r\n", "\n").replace('\n', "\r\n");
    let k = Kubeconfig::parse(crlf.as_bytes()).unwrap();
    assert_eq!(k.ca_bundle("local").unwrap(), yaml.ca_bundle("local").unwrap());
}

#[test]
fn positions_point_into_the_file() {
    let k = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    let p = k.position_of(&["clusters", "local", "cluster", "server"]).unwrap();
    assert_eq!((p.line, p.column), (5, 13));
    assert!(k.position_of(&["clusters", "nope"]).is_none());
}
