//! Reading kubeconfigs: the whole client-go model, both syntaxes, validation, and bad input.
#![allow(clippy::unwrap_used, clippy::panic)]

use okd_trust::kubeconfig::{ClusterTrust, Format, KubeconfigError, ValidationError};
use okd_trust::{DocumentError, Kubeconfig, Limits};

const EVERY_FIELD: &str = r#"
apiVersion: v1
kind: Config
preferences:
  colors: true
current-context: admin
clusters:
- name: c1
  cluster:
    server: https://api.c1.example.com:6443
    tls-server-name: api.c1.example.com
    certificate-authority: /etc/ca.crt
    proxy-url: socks5://proxy:1080
    disable-compression: true
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: c1}
    future-field: kept
users:
- name: admin
  user:
    client-certificate: /tmp/a.crt
    client-key: /tmp/a.key
    token: abc
    tokenFile: /run/token
    as: jane
    as-uid: "1234"
    as-groups: [ops, dev]
    as-user-extra: {scopes: [view]}
    username: jane
    password: secret
    auth-provider:
      name: oidc
      config: {idp-issuer-url: "https://sso"}
    exec:
      command: oc
      args: [whoami]
      env: [{name: A, value: b}, {name: "", value: x}]
      apiVersion: client.authentication.k8s.io/v1
      installHint: install oc
      provideClusterInfo: true
      interactiveMode: Sometimes
contexts:
- name: admin
  context: {cluster: c1, user: admin, namespace: Not_A_Label}
- name: dangling
  context: {cluster: nowhere, user: nobody}
extensions:
- name: top
  extension: 42
x-unknown-top: {a: 1}
"#;

#[test]
fn reads_every_client_go_field_and_keeps_unknown_keys() {
    let k = Kubeconfig::parse(EVERY_FIELD.as_bytes()).unwrap();
    let c = k.config();
    assert_eq!((c.api_version.as_str(), c.kind.as_str()), ("v1", "Config"));
    assert!(c.preferences.colors);
    let cluster = &k.cluster("c1").unwrap().cluster;
    assert_eq!(cluster.tls_server_name, "api.c1.example.com");
    assert_eq!(cluster.proxy_url, "socks5://proxy:1080");
    assert!(cluster.disable_compression);
    assert_eq!(cluster.extensions[0].extension["audience"], "c1");
    assert_eq!(cluster.extra["future-field"], "kept");
    let user = &k.user("admin").unwrap().user;
    assert_eq!(user.token_file, "/run/token");
    assert_eq!(user.impersonate, "jane");
    assert_eq!(user.impersonate_uid, "1234");
    assert_eq!(user.impersonate_groups, ["ops", "dev"]);
    assert_eq!(user.impersonate_user_extra["scopes"][0], "view");
    assert_eq!(user.auth_provider.as_ref().unwrap().config["idp-issuer-url"], "https://sso");
    let exec = user.exec.as_ref().unwrap();
    assert_eq!((exec.command.as_str(), exec.args.as_slice()), ("oc", &["whoami".to_owned()][..]));
    assert!(exec.provide_cluster_info);
    assert_eq!(c.extensions[0].extension, 42);
    assert_eq!(c.extra["x-unknown-top"]["a"], 1);
    assert_eq!(k.current_context().unwrap().context.namespace, "Not_A_Label");
    assert_eq!(k.server_name("c1").as_deref(), Some("api.c1.example.com"));
    assert_eq!(k.trust("c1").unwrap(), ClusterTrust::File { path: "/etc/ca.crt".into() });
}

#[test]
fn validation_reports_every_problem_of_what_client_go_uses() {
    let k = Kubeconfig::parse(EVERY_FIELD.as_bytes()).unwrap();
    let errors = k.validate();
    let has = |want: &ValidationError| errors.contains(want);
    let admin = || "admin".to_owned();
    assert!(has(&ValidationError::MultipleAuthMethods { user: admin(), methods: vec!["token", "basicAuth"] }));
    assert!(has(&ValidationError::AuthProviderWithExec { user: admin() }));
    assert!(has(&ValidationError::ExecEnvWithoutName { user: admin() }));
    assert!(has(&ValidationError::ExecInvalidInteractiveMode { user: admin(), mode: "Sometimes".into() }));
    // The dangling context and the namespace are not checked: client-go only checks the current
    // context's user and cluster before it connects.
    assert_eq!(errors.len(), 4, "{errors:#?}");
    let message = ValidationError::CurrentContextNotFound { context: "nope".into() }.to_string();
    assert_eq!(message, "context was not found for specified context: nope", "messages are client-go's words");
}

/// The problems client-go reports for a file whose current context uses `cluster` and `user`.
fn problems(cluster: &str, user: &str) -> Vec<String> {
    let text = format!(
        "clusters:\n- name: c\n  cluster: {cluster}\nusers:\n- name: u\n  user: {user}\ncontexts:\n- name: ctx\n  context: {{cluster: c, user: u}}\ncurrent-context: ctx\n"
    );
    Kubeconfig::parse(text.as_bytes()).unwrap().validate().iter().map(ToString::to_string).collect()
}

#[test]
fn validation_covers_clusters_certificates_and_impersonation() {
    let fine = r#"{server: "https://a"}"#;
    let both = r#"{server: "https://a", certificate-authority: /x, certificate-authority-data: "TFMwdA==", insecure-skip-tls-verify: true}"#;
    assert_eq!(
        problems(both, "{}"),
        [
            "certificate-authority-data and certificate-authority are both specified for c. certificate-authority-data will override.",
            "cluster \"c\": specifying a root certificates file with the insecure flag is not allowed"
        ]
    );
    assert_eq!(problems("{certificate-authority: /x}", "{}"), ["no server found for cluster \"c\""]);
    assert_eq!(problems("{}", "{}"), ["no server found for cluster \"c\""]);
    assert_eq!(
        problems(r#"{server: "https://b", proxy-url: "ftp://p"}"#, "{}"),
        ["invalid 'proxy-url' \"ftp://p\" for cluster \"c\": unsupported scheme, must be http, https, or socks5"]
    );
    let user = r#"{client-certificate-data: "QQ==", client-certificate: /c, as-groups: [g], exec: {}}"#;
    assert_eq!(
        problems(fine, user),
        [
            "client-cert-data and client-cert are both specified for u. client-cert-data will override.",
            "client-key-data or client-key must be specified for u to use the clientCert authentication method.",
            "command must be specified for u to use exec authentication plugin",
            "apiVersion must be specified for u to use exec authentication plugin",
            "requesting uid, groups or user-extra for u without impersonating a user",
        ]
    );
    assert!(problems(fine, "{}").is_empty());
}

#[test]
fn no_current_context_means_no_cluster_and_no_fallback() {
    let one_cluster = "clusters:\n- name: only\n  cluster: {server: \"https://x\"}\n";
    // Empty current-context: client-go does not pick the file's only cluster.
    let k = Kubeconfig::parse(one_cluster.as_bytes()).unwrap();
    assert!(k.current_cluster().is_none());
    assert_eq!(k.validate(), vec![ValidationError::EmptyConfig]);
    // A current-context that names no context.
    let k = Kubeconfig::parse(format!("{one_cluster}current-context: nope\n").as_bytes()).unwrap();
    assert!(k.current_cluster().is_none());
    let messages: Vec<String> = k.validate().iter().map(ToString::to_string).collect();
    assert_eq!(messages, ["context was not found for specified context: nope", "cluster has no server defined"]);
    // A context whose user does not exist is usable (the request goes out without credentials).
    let text =
        format!("{one_cluster}contexts:\n- name: k\n  context: {{cluster: only, user: nobody}}\ncurrent-context: k\n");
    let k = Kubeconfig::parse(text.as_bytes()).unwrap();
    assert_eq!(k.current_cluster().unwrap().name, "only");
    assert!(k.validate().is_empty());
}

#[test]
fn an_empty_file_is_an_empty_configuration() {
    let k = Kubeconfig::parse(b"").unwrap();
    assert_eq!(k.validate(), vec![ValidationError::EmptyConfig]);
    assert!(k.current_cluster().is_none());
}

#[test]
fn json_with_a_byte_order_mark_reads_like_yaml() {
    let json = "\u{feff}{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"clusters\":[{\"name\":\"local\",\"cluster\":{\"server\":\"https://api-int.c1.example.com:6443\",\"insecure-skip-tls-verify\":true}}],\"contexts\":[{\"name\":\"k\",\"context\":{\"cluster\":\"local\",\"user\":\"kubelet\"}}],\"current-context\":\"k\",\"users\":[{\"name\":\"kubelet\",\"user\":{}}]}";
    let k = Kubeconfig::parse(json.as_bytes()).unwrap();
    assert_eq!(k.format(), Format::Json);
    assert_eq!(k.current_cluster().unwrap().name, "local");
    assert_eq!(k.trust("local").unwrap(), ClusterTrust::Insecure);
    assert!(k.validate().is_empty());
}

#[test]
fn a_wrong_shape_names_the_field_and_its_place() {
    let k = Kubeconfig::parse(b"contexts:\n- name: \"1\"\n  context: {namespace: \"123\", cluster: ~}\n- ~\n").unwrap();
    assert_eq!(k.config().contexts[0].name, "1");
    assert_eq!(k.config().contexts[0].context.namespace, "123");
    assert_eq!(k.config().contexts[1].name, "", "a null item is an empty entry, as Go decodes it");
    let err = Kubeconfig::parse(b"clusters:\n- name: a\n  cluster:\n    server: [x]\n").unwrap_err();
    match &err {
        KubeconfigError::Field { position, path, .. } => {
            assert_eq!(path, "clusters[0].cluster.server");
            assert_eq!((position.line, position.column), (4, 13));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_names_are_refused_like_client_go() {
    let err = Kubeconfig::parse(b"clusters:\n- name: a\n  cluster: {server: x}\n- name: a\n  cluster: {server: z}\n")
        .unwrap_err();
    assert!(
        matches!(&err, KubeconfigError::DuplicateName { list: "clusters", name, position: Some(p) } if name == "a" && p.line == 4),
        "{err:?}"
    );
}

#[test]
fn only_the_first_document_counts_like_client_go() {
    // client-go (yaml.v2 `Unmarshal`) reads the first document and never looks at the rest,
    // even when it is broken.
    let k = Kubeconfig::parse(b"kind: Config\ncurrent-context: first\n---\ncurrent-context: second\n").unwrap();
    assert_eq!(k.config().current_context, "first");
    let k = Kubeconfig::parse(b"current-context: first\n---\n[unclosed: {\n").unwrap();
    assert_eq!(k.config().current_context, "first");
    // An empty first document is an empty configuration.
    let k = Kubeconfig::parse(b"---\n---\ncurrent-context: second\n").unwrap();
    assert_eq!(k.config().current_context, "");
}

#[test]
fn aliases_of_a_large_string_are_budgeted_in_bytes() {
    // 999 aliases stay under the alias count, but each copies 2 MiB: 2 GB once expanded.
    let bomb = format!("x: &big \"{}\"\ny:\n{}", "A".repeat(2 << 20), "  - *big\n".repeat(999));
    let limit = Limits::default().max_alias_bytes;
    let err = Kubeconfig::parse(bomb.as_bytes()).unwrap_err();
    let KubeconfigError::Document(DocumentError::TooMuchAliasText { position, limit: reported }) = &err else {
        panic!("{err:?}")
    };
    // The aliases start on line 3; the one that crosses the budget is refused.
    assert_eq!((reported, position.line), (&limit, 3 + limit / (2 << 20)));
    assert!(err.to_string().contains("aliases expand to more than"), "{err}");
    // Every reader of YAML shares the budget: manifests and input detection too.
    let manifest = format!("kind: ConfigMap\nmetadata: {{name: n}}\n{bomb}");
    assert!(okd_trust::manifest::parse(manifest.as_bytes()).is_err());
    let detected = okd_trust::input::detect("bomb", manifest.as_bytes()).unwrap_err();
    assert!(detected.to_string().contains("aliases expand to more than"), "{detected}");
    // A few copies of a small anchor are fine.
    let small = format!("{}x: &a \"{}\"\ny: [*a, *a, *a]\n", okd_trust::examples::NODE_KUBECONFIG, "A".repeat(1000));
    Kubeconfig::parse(small.as_bytes()).unwrap();
}

#[test]
fn hostile_inputs_fail_fast_with_typed_errors() {
    let mut laughs = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"].windows(2).map(|w| (w[0], w[1])) {
        laughs.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
    }
    let err = Kubeconfig::parse(laughs.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            KubeconfigError::Document(DocumentError::TooManyNodes { .. } | DocumentError::TooManyAliases { .. })
        ),
        "{err:?}"
    );

    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let err = Kubeconfig::parse(deep.as_bytes()).unwrap_err();
    assert!(matches!(err, KubeconfigError::Document(DocumentError::TooDeep { limit: 64, .. })), "{err:?}");

    // Aliases of aliases: each anchor nests the previous one 60 levels deeper, so no single
    // place in the text is deep, but the copies would be thousands deep (and every walk over
    // them would recurse that far).
    let mut stacked = String::new();
    for i in 0..90 {
        let inner = if i == 0 { "x".to_owned() } else { format!("*a{}", i - 1) };
        stacked.push_str(&format!("k{i}: &a{i} {}{inner}{}\n", "[".repeat(60), "]".repeat(60)));
    }
    let err = Kubeconfig::parse(stacked.as_bytes()).unwrap_err();
    assert!(matches!(err, KubeconfigError::Document(DocumentError::TooDeep { limit: 64, .. })), "{err:?}");

    let deep_map = (0..10_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect::<String>();
    assert!(Kubeconfig::parse(deep_map.as_bytes()).is_err());

    let err = Kubeconfig::parse(b"clusters:\n- name: \xff\n").unwrap_err();
    assert!(
        matches!(err, KubeconfigError::Document(DocumentError::NotUtf8 { position }) if position.line == 2),
        "{err:?}"
    );

    let err = Kubeconfig::parse(b"clusters: [\n  {name: a\n").unwrap_err();
    assert!(matches!(err, KubeconfigError::Document(DocumentError::Syntax { .. })), "{err:?}");

    let mut tight = Limits::default();
    tight.max_input_bytes = 8;
    let err = Kubeconfig::parse_with_limits(b"kind: Config\n", &tight).unwrap_err();
    assert!(matches!(err, KubeconfigError::Document(DocumentError::TooLarge { size: 13, limit: 8 })));

    assert!(matches!(Kubeconfig::parse(b"- a\n- b\n"), Err(KubeconfigError::NotAMapping { .. })));
}

#[test]
fn a_repeated_key_keeps_its_last_value_like_client_go() {
    let k = Kubeconfig::parse(b"current-context: a\ncurrent-context: b\n").unwrap();
    assert_eq!(k.config().current_context, "b");
    let text = "clusters:\n- name: c\n  cluster:\n    server: https://first\n    server: https://last\n";
    assert_eq!(Kubeconfig::parse(text.as_bytes()).unwrap().cluster("c").unwrap().cluster.server, "https://last");
    // 100,000 keys in one mapping, one repeated: read in linear time, the last value kept.
    let mut wide: String = (0..100_000).map(|i| format!("key{i}: v{i}\n")).collect();
    wide.push_str("key99999: again\n");
    let k = Kubeconfig::parse(wide.as_bytes()).unwrap();
    assert_eq!(k.config().extra["key99999"], "again");
}

#[test]
fn values_are_typed_like_client_go() {
    let with = |field: &str| format!("contexts:\n- name: c\n  context:\n    cluster: x\n    {field}\n");
    // Numbers and YAML 1.1 booleans where a string belongs fail the load, naming the field.
    for bad in ["namespace: 2019", "namespace: yes", "namespace: 0x1F", "namespace: 1.5", "namespace: on"] {
        let err = Kubeconfig::parse(with(bad).as_bytes()).unwrap_err();
        let KubeconfigError::Field { path, position, .. } = &err else { panic!("{bad}: {err:?}") };
        assert_eq!((path.as_str(), position.line), ("contexts[0].context.namespace", 5), "{bad}");
    }
    for good in ["namespace: \"2019\"", "namespace: !!str 2019", "namespace: 2019-01-01", "namespace: ~", "namespace:"]
    {
        Kubeconfig::parse(with(good).as_bytes()).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    let cluster = |field: &str| format!("clusters:\n- name: c\n  cluster:\n    {field}\n");
    for (spelling, value) in
        [("yes", true), ("On", true), ("y", true), ("TRUE", true), ("no", false), ("off", false), ("~", false)]
    {
        let k = Kubeconfig::parse(cluster(&format!("insecure-skip-tls-verify: {spelling}")).as_bytes()).unwrap();
        assert_eq!(k.cluster("c").unwrap().cluster.insecure_skip_tls_verify, value, "{spelling}");
    }
    for bad in ["insecure-skip-tls-verify: \"false\"", "insecure-skip-tls-verify: tRue", "insecure-skip-tls-verify: 1"]
    {
        assert!(matches!(Kubeconfig::parse(cluster(bad).as_bytes()), Err(KubeconfigError::Field { .. })), "{bad}");
    }
    assert!(Kubeconfig::parse(cluster("server: 123").as_bytes()).is_err());
    // NaN anywhere, even in a field client-go does not know, has no JSON form.
    assert!(Kubeconfig::parse(b"x-unknown: .nan\n").is_err());
    // Keys match case-sensitively: `Server` is an unknown field, not the server.
    let k = Kubeconfig::parse(cluster("Server: https://x").as_bytes()).unwrap();
    assert_eq!(k.cluster("c").unwrap().cluster.server, "");
    // apiVersion and kind: case-insensitive, defaulted, and nothing but v1 Config.
    for bad in ["apiVersion: v2\n", "APIVERSION: v2\n", "kind: Pod\n", "apiVersion: 1\n", "apiVersion: a/b/c\n"] {
        assert!(matches!(Kubeconfig::parse(bad.as_bytes()), Err(KubeconfigError::NotAConfig { .. })), "{bad}");
    }
    for good in ["apiVersion: v1\nkind: Config\n", "kind: Config\n", "apiVersion: \"\"\n"] {
        Kubeconfig::parse(good.as_bytes()).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

#[test]
fn ca_data_is_decoded_like_go_and_errors_point_at_the_value() {
    // Bad base64 in a `*-data` field fails the whole load, as Go's JSON decoder fails it.
    let text = "clusters:\n- name: a\n  cluster:\n    server: https://x\n    certificate-authority-data: TFMw dA==\n";
    let err = Kubeconfig::parse(text.as_bytes()).unwrap_err();
    let KubeconfigError::Field { position, message, .. } = &err else { panic!("{err:?}") };
    assert_eq!(position.line, 5);
    assert!(message.contains("illegal base64 data at input byte 4"), "{err}");

    let folded = "clusters:\n- name: a\n  cluster:\n    certificate-authority-data: TFMw\n      dA==\n";
    let err = Kubeconfig::parse(folded.as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("illegal base64"),
        "a wrapped plain scalar folds into spaces, which Go rejects: {err}"
    );
    let literal = "clusters:\n- name: a\n  cluster:\n    certificate-authority-data: |\n      TFMw\n      dA==\n";
    Kubeconfig::parse(literal.as_bytes()).unwrap();
    let user = "users:\n- name: u\n  user:\n    client-key-data: not base64!\n";
    assert!(Kubeconfig::parse(user.as_bytes()).is_err(), "every []byte field is decoded at load");

    let not_pem = "clusters:\n- name: a\n  cluster:\n    certificate-authority-data: aGVsbG8=\n";
    let err = Kubeconfig::parse(not_pem.as_bytes()).unwrap().ca_bundle("a").unwrap_err();
    assert!(err.to_string().contains("decodes, but"), "{err}");
    assert!(matches!(
        Kubeconfig::parse(not_pem.as_bytes()).unwrap().ca_bundle("zzz"),
        Err(KubeconfigError::NoSuchCluster { .. })
    ));
}

#[test]
fn merge_keys_and_aliases_resolve_like_yaml_1_1() {
    let text = "base: &base {server: https://shared, insecure-skip-tls-verify: yes}\nclusters:\n- name: a\n  cluster:\n    <<: *base\n    server: https://own\n- name: b\n  cluster: *base\n";
    let k = Kubeconfig::parse(text.as_bytes()).unwrap();
    assert_eq!(k.cluster("a").unwrap().cluster.server, "https://own");
    assert!(k.cluster("a").unwrap().cluster.insecure_skip_tls_verify);
    assert_eq!(k.cluster("b").unwrap().cluster.server, "https://shared");
    // yaml.v2 applies a merge in place: it overrides keys written before it (not the YAML spec's
    // reading), and in a list of merges the earlier ones win.
    let before = "base: &base {server: https://merged}\nclusters:\n- name: a\n  cluster:\n    server: https://own\n    <<: *base\n";
    assert_eq!(Kubeconfig::parse(before.as_bytes()).unwrap().cluster("a").unwrap().cluster.server, "https://merged");
    let list =
        "x: &x {server: https://x}\ny: &y {server: https://y}\nclusters:\n- name: a\n  cluster:\n    <<: [*x, *y]\n";
    assert_eq!(Kubeconfig::parse(list.as_bytes()).unwrap().cluster("a").unwrap().cluster.server, "https://x");
    // A quoted "<<" is an ordinary key.
    let quoted = "base: &base {server: https://merged}\nclusters:\n- name: a\n  cluster:\n    \"<<\": *base\n";
    assert_eq!(Kubeconfig::parse(quoted.as_bytes()).unwrap().cluster("a").unwrap().cluster.server, "");
}

/// yaml.v2 decodes a value that a repeated key later replaces, and sigs.k8s.io/yaml converts only
/// what is left: a null key inside the replaced value cannot fail the file (kubectl loads it; found
/// by the kubectl differential), while a tag the replaced value cannot hold still does.
#[test]
fn a_replaced_duplicate_is_decoded_but_never_converted() {
    let text = "clusters:\n- name: old\n  cluster:\n    server: https://old\n    ~: [1, 2]\n\
                clusters:\n- name: new\n  cluster:\n    server: https://new\n";
    let config = Kubeconfig::parse(text.as_bytes()).unwrap();
    let names: Vec<&str> = config.clusters().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["new"]);
    let kept = "clusters:\n- name: old\n  cluster:\n    server: https://old\n    ~: [1, 2]\n";
    assert!(Kubeconfig::parse(kept.as_bytes()).is_err(), "a null key in what is kept fails, as in client-go");
    let bad_tag = "clusters:\n- name: !!int old\n  cluster: {}\nclusters: []\n";
    assert!(Kubeconfig::parse(bad_tag.as_bytes()).is_err(), "decoding the replaced value still fails");
    // The same holds for a value a merge brought in: kubectl loads the first file, refuses the second.
    let merged = "clusters:\n- name: a\n  cluster:\n    <<: {x-extra: .nan}\n    server: https://a\n    x-extra: 1\n";
    let config = Kubeconfig::parse(merged.as_bytes()).unwrap();
    assert_eq!(config.cluster("a").unwrap().cluster.extra["x-extra"], serde_json::json!(1));
    let kept = merged.replace("    x-extra: 1\n", "");
    assert!(matches!(Kubeconfig::parse(kept.as_bytes()), Err(KubeconfigError::Document(_))));
}

/// Go's yaml.v2 scans `,`, `[` and `]` as part of a tag and wants a blank after it; YAML 1.2 ends
/// the tag before a flow indicator. kubectl refuses the first two files and loads the last two
/// (found by the kubectl differential: `"cluster": !!str,` in a JSON-style kubeconfig).
#[test]
fn a_tag_is_scanned_as_yaml_1_1_scans_it() {
    let file = |context: &str| {
        format!(
            "{{\"apiVersion\": \"v1\", \"kind\": \"Config\", \"contexts\": [{{\"name\": \"a\", \"context\": {context}}}]}}"
        )
    };
    for refused in [r#"{"cluster": !!str, "user": "u"}"#, r#"{"cluster": !!str}"#] {
        let err = Kubeconfig::parse(file(refused).as_bytes()).unwrap_err();
        assert!(matches!(err, KubeconfigError::Document(DocumentError::Syntax { .. })), "{refused}: {err}");
    }
    for loaded in [r#"{"cluster": !!str "x", "user": "u"}"#, "{\"cluster\": !!str\n}"] {
        assert!(Kubeconfig::parse(file(loaded).as_bytes()).is_ok(), "{loaded}");
    }
}
