//! The minimal-diff CA edit: only the value changes, in its own style, and it reads back.
#![allow(clippy::unwrap_used, clippy::panic)]

use base64::Engine as _;
use okd_trust::kubeconfig::EditError;
use okd_trust::{CaBundle, Kubeconfig};
use proptest::prelude::*;

fn served() -> CaBundle {
    CaBundle::from_pem(okd_trust::examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap()
}

fn old_data() -> String {
    let node = Kubeconfig::parse(okd_trust::examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    let cluster = node.current_cluster().unwrap();
    cluster.cluster.certificate_authority_data.clone()
}

/// How a test writes the CA value.
#[derive(Debug, Clone, Copy)]
enum Style {
    Plain,
    DoubleQuoted,
    SingleQuoted,
    Literal { width: usize, strip: bool },
    Folded,
}

fn render_value(style: Style, b64: &str, indent: usize, eol: &str) -> String {
    match style {
        Style::Plain => b64.to_owned(),
        Style::DoubleQuoted => format!("\"{b64}\""),
        Style::SingleQuoted => format!("'{b64}'"),
        Style::Literal { width, strip } => {
            let mut out = String::from(if strip { "|-" } else { "|" });
            for chunk in b64.as_bytes().chunks(width) {
                out.push_str(eol);
                out.push_str(&" ".repeat(indent + 2));
                out.push_str(std::str::from_utf8(chunk).unwrap());
            }
            out
        }
        Style::Folded => format!(">-{eol}{}{b64}", " ".repeat(indent + 2)),
    }
}

fn yaml_kubeconfig(clusters: &[(&str, Style)], b64: &str, eol: &str, comments: bool) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push_str(eol);
    };
    if comments {
        line("# written by the installer; do not edit by hand");
    }
    line("apiVersion: v1");
    line("clusters:");
    for (name, style) in clusters {
        line("- cluster:");
        line(&format!("    certificate-authority-data: {}", render_value(*style, b64, 4, eol)));
        if comments {
            line("    # api-int is the internal load balancer");
        }
        line(&format!("    server: https://api-int.{name}.example.com:6443"));
        line(&format!("  name: {name}"));
    }
    line("contexts:");
    line("- context:");
    line(&format!("    cluster: {}", clusters[0].0));
    line("    user: kubelet");
    line("  name: kubelet");
    line("current-context: kubelet");
    line("kind: Config");
    line("preferences: {}");
    line("users:");
    line("- name: kubelet");
    line("  user:");
    line("    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem");
    line("    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem");
    out
}

/// Edits `cluster` and checks every promise of the edit.
fn assert_minimal_edit(text: &str, cluster: &str, bundle: &CaBundle) -> String {
    let before = Kubeconfig::parse(text.as_bytes()).unwrap();
    let edit = before.with_ca_bundle(cluster, bundle).unwrap();
    assert!(edit.changed);
    let r = edit.replaced.clone();
    assert_eq!(&edit.text[..r.start], &text[..r.start], "bytes before the value changed");
    assert_eq!(&edit.text[edit.text.len() - (text.len() - r.end)..], &text[r.end..], "bytes after the value changed");
    let after = Kubeconfig::parse(edit.text.as_bytes()).unwrap();
    let read_back = after.ca_bundle(cluster).unwrap().unwrap();
    assert_eq!(read_back.len(), bundle.len());
    assert!(read_back.iter().zip(bundle.iter()).all(|(a, b)| a.der() == b.der()));
    for other in before.clusters().iter().filter(|c| c.name != cluster) {
        assert_eq!(after.cluster(&other.name).unwrap(), other, "another cluster changed");
    }
    let again = after.with_ca_bundle(cluster, bundle).unwrap();
    assert!(!again.changed, "a second edit must change nothing");
    assert_eq!(again.text, edit.text);
    edit.text
}

#[test]
fn each_yaml_style_is_kept() {
    let b64 = old_data();
    let cases = [
        (Style::Plain, ": LS0t"),
        (Style::DoubleQuoted, ": \"LS0t"),
        (Style::SingleQuoted, ": 'LS0t"),
        (Style::Literal { width: 64, strip: false }, ": |\n      LS0t"),
        (Style::Literal { width: 76, strip: true }, ": |-\n      LS0t"),
        (Style::Folded, ": >-\n      LS0t"),
    ];
    for (style, marker) in cases {
        let text = yaml_kubeconfig(&[("c1", style)], &b64, "\n", true);
        let out = assert_minimal_edit(&text, "c1", &served());
        assert!(out.contains(&format!("certificate-authority-data{marker}")), "{style:?} not kept:\n{out}");
        if let Style::Literal { width, .. } = style {
            let widths: Vec<usize> = out.lines().filter(|l| l.starts_with("      ")).map(|l| l.trim().len()).collect();
            assert!(widths.len() > 2 && widths[..widths.len() - 1].iter().all(|&w| w == width), "{widths:?}");
        }
    }
}

#[test]
fn crlf_and_comments_survive_and_only_the_named_cluster_changes() {
    let b64 = old_data();
    let text = yaml_kubeconfig(
        &[("c1", Style::Plain), ("c2", Style::Literal { width: 64, strip: false })],
        &b64,
        "\r\n",
        true,
    );
    let out = assert_minimal_edit(&text, "c2", &served());
    assert!(!out.replace("\r\n", "").contains('\n'), "a bare LF was introduced into a CRLF file");
    assert!(out.contains("# api-int is the internal load balancer\r\n"));
}

#[test]
fn json_layout_is_kept_compact_or_pretty() {
    let b64 = old_data();
    let compact = format!(
        "{{\"apiVersion\":\"v1\",\"clusters\":[{{\"cluster\":{{\"certificate-authority-data\":\"{b64}\",\"server\":\"https://api-int.c1.example.com:6443\"}},\"name\":\"local\"}}],\"contexts\":[{{\"context\":{{\"cluster\":\"local\",\"user\":\"kubelet\"}},\"name\":\"kubelet\"}}],\"current-context\":\"kubelet\",\"kind\":\"Config\",\"users\":[{{\"name\":\"kubelet\",\"user\":{{\"client-certificate\":\"/var/lib/kubelet/pki/kubelet-client-current.pem\"}}}}]}}"
    );
    let out = assert_minimal_edit(&compact, "local", &served());
    assert!(!out.contains('\n'));
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["clusters"][0]["name"], "local");

    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&compact).unwrap()).unwrap();
    let out = assert_minimal_edit(&pretty, "local", &served());
    assert_eq!(out.lines().count(), pretty.lines().count());
}

#[test]
fn a_missing_key_is_added_in_the_mapping_style() {
    let block = "clusters:\n- cluster:\n    server: https://api-int.c1.example.com:6443\n  name: c1\n";
    let out = Kubeconfig::parse(block.as_bytes()).unwrap().with_ca_bundle("c1", &served()).unwrap();
    assert!(out.text.starts_with("clusters:\n- cluster:\n    certificate-authority-data: LS0t"), "{}", out.text);
    let flow = "{\"clusters\":[{\"name\":\"c1\",\"cluster\":{\"server\":\"https://x\"}}]}";
    let out = Kubeconfig::parse(flow.as_bytes()).unwrap().with_ca_bundle("c1", &served()).unwrap();
    assert!(out.text.contains("{\"certificate-authority-data\":\"LS0t"), "{}", out.text);
    let null = "clusters:\n- cluster:\n    certificate-authority-data:\n    server: https://x\n  name: c1\n";
    let out = Kubeconfig::parse(null.as_bytes()).unwrap().with_ca_bundle("c1", &served()).unwrap();
    assert!(out.text.contains("certificate-authority-data: LS0t"), "{}", out.text);
}

#[test]
fn unsafe_edits_are_refused_with_reasons() {
    let b64 = old_data();
    let bundle = served();
    let refuse = |text: String| Kubeconfig::parse(text.as_bytes()).unwrap().with_ca_bundle("c1", &bundle).unwrap_err();

    let err = refuse(format!(
        "x: &ca {b64}\nclusters:\n- name: c1\n  cluster:\n    server: https://x\n    certificate-authority-data: *ca\n"
    ));
    assert!(matches!(err, EditError::Shared { via: "alias", .. }), "{err:?}");
    let err = refuse(format!(
        "clusters:\n- name: c1\n  cluster:\n    server: https://x\n    certificate-authority-data: &ca {b64}\n"
    ));
    assert!(matches!(err, EditError::Shared { via: "anchor", .. }), "{err:?}");
    let err = refuse(format!(
        "base: &b {{certificate-authority-data: {b64}}}\nclusters:\n- name: c1\n  cluster:\n    <<: *b\n    server: https://x\n"
    ));
    assert!(matches!(err, EditError::Shared { via: "merge key (<<)", .. }), "{err:?}");
    // `!!binary` is decoded by YAML and then again as base64 by client-go: the value must be the
    // base64 of the base64 text to load at all.
    let twice = base64::engine::general_purpose::STANDARD.encode(&b64);
    let err = refuse(format!(
        "clusters:\n- name: c1\n  cluster:\n    server: https://x\n    certificate-authority-data: !!binary {twice}\n"
    ));
    assert!(
        matches!(&err, EditError::Tagged { tag, position, .. } if tag == "!!binary" && position.line == 5),
        "{err:?}"
    );
    let err = refuse(format!(
        "clusters:\n- name: c1\n  cluster:\n    certificate-authority: /etc/ca.crt\n    certificate-authority-data: {b64}\n"
    ));
    assert!(matches!(err, EditError::CaPathAlsoSet { .. }), "{err:?}");
    let err =
        refuse("clusters:\n- name: c1\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: true\n".into());
    assert!(matches!(err, EditError::InsecureSkipTlsVerify { .. }), "{err:?}");
    let err = refuse("clusters:\n- name: c2\n  cluster: {server: x}\n".into());
    assert!(matches!(err, EditError::NoSuchCluster { .. }), "{err:?}");
    let empty = CaBundle::from_certificates(Vec::new());
    let err = Kubeconfig::parse(okd_trust::examples::NODE_KUBECONFIG.as_bytes())
        .unwrap()
        .with_ca_bundle("local", &empty)
        .unwrap_err();
    assert!(matches!(err, EditError::EmptyBundle { .. }), "{err:?}");
}

#[test]
fn the_built_in_node_kubeconfig_takes_the_union() {
    let node = Kubeconfig::parse(okd_trust::examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    let trusted = node.ca_bundle("local").unwrap().unwrap();
    let union = trusted.union(&served());
    assert!(union.len() > trusted.len());
    assert_minimal_edit(okd_trust::examples::NODE_KUBECONFIG, "local", &union);
}

fn style_strategy() -> impl Strategy<Value = Style> {
    prop_oneof![
        Just(Style::Plain),
        Just(Style::DoubleQuoted),
        Just(Style::SingleQuoted),
        (16usize..100, any::<bool>()).prop_map(|(width, strip)| Style::Literal { width, strip }),
        Just(Style::Folded),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn edit_reparses_to_the_new_bundle_and_keeps_every_other_byte(
        styles in proptest::collection::vec(style_strategy(), 1..4),
        target in 0usize..4,
        crlf in any::<bool>(),
        comments in any::<bool>(),
        picks in proptest::collection::vec(0usize..8, 1..6),
    ) {
        let names = ["alpha", "beta", "gamma", "delta"];
        let clusters: Vec<(&str, Style)> = styles.iter().enumerate().map(|(i, s)| (names[i], *s)).collect();
        let text = yaml_kubeconfig(&clusters, &old_data(), if crlf { "\r\n" } else { "\n" }, comments);
        let all = served().union(&Kubeconfig::parse(text.as_bytes()).unwrap().ca_bundle("alpha").unwrap().unwrap());
        let certs: Vec<_> = all.iter().cloned().collect();
        let bundle = CaBundle::from_certificates(picks.iter().map(|&i| certs[i % certs.len()].clone()));
        let cluster = clusters[target % clusters.len()].0;
        let current = Kubeconfig::parse(text.as_bytes()).unwrap().ca_bundle(cluster).unwrap().unwrap();
        let same = current.len() == bundle.len() && current.iter().zip(bundle.iter()).all(|(a, b)| a.der() == b.der());
        if same {
            let edit = Kubeconfig::parse(text.as_bytes()).unwrap().with_ca_bundle(cluster, &bundle).unwrap();
            prop_assert!(!edit.changed);
            prop_assert_eq!(edit.text, text);
        } else {
            assert_minimal_edit(&text, cluster, &bundle);
        }
    }
}

/// A kubeconfig as JSON, the way the machine-config daemon and other tools lay it out: compact or
/// indented by `indent` spaces, keys in either order, with `\n` or `\r\n`.
fn json_kubeconfig(names: &[&str], b64: &str, indent: Option<usize>, data_first: bool, crlf: bool) -> String {
    let clusters: Vec<serde_json::Value> = names
        .iter()
        .map(|name| {
            let server = serde_json::json!(format!("https://api-int.{name}.example.com:6443"));
            let mut cluster = serde_json::Map::new();
            if data_first {
                cluster.insert("certificate-authority-data".into(), b64.into());
                cluster.insert("server".into(), server);
            } else {
                cluster.insert("server".into(), server);
                cluster.insert("certificate-authority-data".into(), b64.into());
            }
            serde_json::json!({"name": name, "cluster": cluster})
        })
        .collect();
    let config = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": clusters,
        "contexts": [{"name": "ctx", "context": {"cluster": names[0], "user": "u"}}],
        "current-context": "ctx",
        "users": [{"name": "u", "user": {"token": "t"}}],
    });
    let text = match indent {
        None => serde_json::to_string(&config).unwrap(),
        Some(width) => {
            let indent = " ".repeat(width);
            let mut out = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
            let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
            serde::Serialize::serialize(&config, &mut serializer).unwrap();
            String::from_utf8(out).unwrap()
        }
    } + "\n";
    if crlf { text.replace('\n', "\r\n") } else { text }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn json_edit_reparses_to_the_new_bundle_and_keeps_every_other_byte(
        count in 1usize..4,
        target in 0usize..4,
        indent in prop_oneof![Just(None), (1usize..5).prop_map(Some)],
        data_first in any::<bool>(),
        crlf in any::<bool>(),
        picks in proptest::collection::vec(0usize..8, 1..6),
    ) {
        let names = &["alpha", "beta", "gamma", "delta"][..count];
        let text = json_kubeconfig(names, &old_data(), indent, data_first, crlf);
        let certs: Vec<_> = served().iter().cloned().collect();
        let bundle = CaBundle::from_certificates(picks.iter().map(|&i| certs[i % certs.len()].clone()));
        let cluster = names[target % names.len()];
        let current = Kubeconfig::parse(text.as_bytes()).unwrap().ca_bundle(cluster).unwrap().unwrap();
        prop_assume!(current.iter().map(|c| c.der()).ne(bundle.iter().map(|c| c.der())), "already the same bundle");
        let edited = assert_minimal_edit(&text, cluster, &bundle);
        prop_assert!(serde_json::from_str::<serde_json::Value>(&edited).is_ok(), "still JSON");
    }
}

#[test]
fn a_byte_order_mark_is_kept() {
    let text = format!("\u{feff}{}", okd_trust::examples::NODE_KUBECONFIG);
    let node = Kubeconfig::parse(text.as_bytes()).unwrap();
    let edit = node.with_ca_bundle("local", &served()).unwrap();
    assert!(edit.text.starts_with('\u{feff}'));
    assert_eq!(&edit.text[..edit.replaced.start], &text[..edit.replaced.start]);
    assert_eq!(&edit.text[edit.text.len() - (text.len() - edit.replaced.end)..], &text[edit.replaced.end..]);
}
