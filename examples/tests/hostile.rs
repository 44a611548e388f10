//! The command attacked as a hostile input or a hostile machine would attack it: look-alike file
//! names, alias bombs, concurrent repairs, edits under a repair, a full disk, endless and blocking
//! inputs, a server that trickles bytes, damaged chains. Each test reproduces one attack and
//! asserts that nothing the user owns is lost, exposed or left half-written.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;
use common::node::*;
use okd_trust::{CaBundle, Kubeconfig};
use okd_trust_testkit::{CertBuilder, Issued, Key, days};

fn okd_trust() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okd-trust"))
}

/// Runs `command`, failing the test (instead of hanging it) if it is still running after 30 s.
fn run_bounded(mut command: Command) -> std::process::Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("still running after 30 s: {command:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A new CA no kubeconfig trusts yet.
fn new_signer(name: &str, key: Key, serial: u64) -> Issued {
    CertBuilder::ca(name).key(key).serial(serial).validity(AT_UNIX - days(10), AT_UNIX + days(3650)).self_signed()
}

/// The SHA-256 fingerprints of the CAs the kubeconfig at `path` trusts.
fn trusted(path: &Path) -> Vec<[u8; 32]> {
    let config = Kubeconfig::parse(&std::fs::read(path).unwrap()).unwrap();
    config.ca_bundle("local").unwrap().unwrap().iter().map(|c| c.sha256_fingerprint()).collect()
}

fn fingerprint(cert: &Issued) -> [u8; 32] {
    CaBundle::from_pem(cert.pem().as_bytes()).unwrap().iter().next().unwrap().sha256_fingerprint()
}

#[test]
fn look_alike_names_each_get_their_own_repair() {
    let dir = TempDir::new("hostile", "names");
    // Two names that differ only in invalid UTF-8, so both display as "kube\u{FFFD}config".
    let yaml = dir.0.join(OsStr::from_bytes(b"kube\xffconfig"));
    let json = dir.0.join(OsStr::from_bytes(b"kube\xfeconfig"));
    std::fs::write(&yaml, kubeconfig_trusting(&old_pem())).unwrap();
    std::fs::write(&json, json_kubeconfig_trusting(&old_pem())).unwrap();
    assert_eq!(yaml.display().to_string(), json.display().to_string());
    let (cluster, chain, _) = rotated_cluster(&dir);
    let out = okd_trust()
        .args(["doctor", "--at", AT, "--format", "json", "--fix", "--kubeconfig"])
        .arg(&yaml)
        .arg("--kubeconfig")
        .arg(&json)
        .args(["--cluster-ca", p(&cluster), "--serving-chain", p(&chain)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (yaml_after, json_after) = (std::fs::read_to_string(&yaml).unwrap(), std::fs::read_to_string(&json).unwrap());
    assert!(!yaml_after.trim_start().starts_with('{'), "the YAML file received another file's text:\n{yaml_after}");
    assert!(json_after.trim_start().starts_with('{'), "the JSON file received another file's text:\n{json_after}");
    let signer = fingerprint(&okd_trust_testkit::okd::rotated_lb_signer());
    for path in [&yaml, &json] {
        assert!(trusted(path).contains(&signer), "{} not repaired", path.display());
    }
}

#[test]
fn an_alias_bomb_of_bytes_is_refused_before_it_grows() {
    let dir = TempDir::new("hostile", "aliases");
    let big = "A".repeat(2 << 20);
    let aliases = "  - *big\n".repeat(999);
    let text = format!("{}x-padding: &big \"{big}\"\nx-copies:\n{aliases}", kubeconfig_trusting(&old_pem()));
    let bomb = dir.write("kubeconfig", &text);
    let out = run_bounded({
        let mut c = okd_trust();
        c.args(["doctor", "--kubeconfig", p(&bomb)]);
        c
    });
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("aliases expand to more than"), "{}", stderr(&out));
}

#[test]
fn concurrent_repairs_lose_no_ca() {
    let dir = TempDir::new("hostile", "concurrent");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let (x, y) = (new_signer("signer-x", Key::RsaB, 0x3001), new_signer("signer-y", Key::RsaC, 0x3002));
    let with_x = dir.write("with-x.pem", &format!("{}{}", old_pem(), x.pem()));
    let with_y = dir.write("with-y.pem", &format!("{}{}", old_pem(), y.pem()));
    for round in 0..8 {
        std::fs::write(&kubeconfig, kubeconfig_trusting(&old_pem())).unwrap();
        let spawn = |cluster: &Path| {
            okd_trust()
                .args(["doctor", "--at", AT, "--format", "json", "--fix", "--kubeconfig", p(&kubeconfig)])
                .args(["--cluster-ca", p(cluster)])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(&with_x), spawn(&with_y));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        // Each run either wrote (and exits 0) or failed clearly (exit 2); none may claim a write that was lost.
        for out in [&a, &b] {
            assert!(matches!(out.status.code(), Some(0 | 2)), "round {round}: {}", stderr(out));
        }
        let now = trusted(&kubeconfig);
        let wrote = |out: &std::process::Output| stderr(out).contains("--fix: wrote");
        assert!(wrote(&a) || wrote(&b), "round {round}: neither run wrote\n{}\n{}", stderr(&a), stderr(&b));
        for (run, signer) in [(&a, &x), (&b, &y)] {
            if stderr(run).contains("--fix: wrote") {
                assert!(now.contains(&fingerprint(signer)), "round {round}: a written CA was lost\n{}", stderr(run));
            }
        }
    }
}

#[test]
fn backup_and_replacement_keep_mode_owner_and_xattrs() {
    let dir = TempDir::new("hostile", "modes");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    std::fs::set_permissions(&kubeconfig, std::fs::Permissions::from_mode(0o600)).unwrap();
    let labelled = xattr::set(&kubeconfig, "user.okd-trust-test", b"system_u:object_r:kubelet_t").is_ok();
    let (cluster, chain, _) = rotated_cluster(&dir);
    let before = std::fs::metadata(&kubeconfig).unwrap();
    // A permissive umask must not widen anything the run creates.
    let out = fix_with_backup_under("umask 000", &kubeconfig, &cluster, &chain);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let backup = backups(&dir.0);
    assert_eq!(backup.len(), 1);
    for path in [&kubeconfig, &backup[0]] {
        let meta = std::fs::metadata(path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o7777, 0o600, "{}", path.display());
        assert_eq!((meta.uid(), meta.gid()), (before.uid(), before.gid()), "{}", path.display());
        if labelled {
            let label = xattr::get(path, "user.okd-trust-test").unwrap();
            assert_eq!(label.as_deref(), Some(&b"system_u:object_r:kubelet_t"[..]), "{}", path.display());
        }
    }
    if !labelled {
        eprintln!("*** this filesystem refuses user extended attributes: their copy was NOT checked ***");
    }
}

/// `doctor --fix --backup` of `kubeconfig`, run by a shell that first runs `setup` (a umask, a limit).
fn fix_with_backup_under(setup: &str, kubeconfig: &Path, cluster: &Path, chain: &Path) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("{setup}; exec \"$@\""))
        .arg("okd-trust")
        .arg(env!("CARGO_BIN_EXE_okd-trust"))
        .args(["doctor", "--at", AT, "--fix", "--backup", "--kubeconfig", p(kubeconfig)])
        .args(["--cluster-ca", p(cluster), "--serving-chain", p(chain)])
        .output()
        .unwrap()
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".okd-trust-backup-"))
        .collect()
}

#[test]
fn a_backup_that_cannot_be_finished_is_removed_and_nothing_written() {
    let dir = TempDir::new("hostile", "full");
    // Larger than the file-size limit below, so the backup's write fails part way (EFBIG, as a full
    // disk fails with ENOSPC).
    let padding: String =
        (0..200).map(|i| format!("# padding line {i:03} to make the file larger than the limit\n")).collect();
    let original = format!("{}{padding}", kubeconfig_trusting(&old_pem()));
    let kubeconfig = dir.write("kubeconfig", &original);
    let (cluster, chain, _) = rotated_cluster(&dir);
    let out = fix_with_backup_under("trap '' XFSZ; ulimit -f 8", &kubeconfig, &cluster, &chain);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("the partial backup was removed"), "{}", stderr(&out));
    assert!(backups(&dir.0).is_empty(), "a truncated backup was left behind");
    assert_eq!(std::fs::read_to_string(&kubeconfig).unwrap(), original);
}

#[test]
fn the_same_file_twice_is_refused() {
    let dir = TempDir::new("hostile", "twice");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let link = dir.0.join("link");
    std::fs::hard_link(&kubeconfig, &link).unwrap();
    let (cluster, _, _) = rotated_cluster(&dir);
    let out = run_bounded({
        let mut c = okd_trust();
        c.args([
            "doctor",
            "--fix",
            "--kubeconfig",
            p(&kubeconfig),
            "--kubeconfig",
            p(&link),
            "--cluster-ca",
            p(&cluster),
        ]);
        c
    });
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("are the same file"), "{}", stderr(&out));
}

#[test]
fn temporary_files_of_an_interrupted_run_are_reported_and_kept() {
    let dir = TempDir::new("hostile", "leftover");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let leftover = dir.write(".kubeconfig.okd-trust-4242-0.tmp", "half a kubeconfig");
    let (cluster, chain, _) = rotated_cluster(&dir);
    let out = okd_trust()
        .args(["doctor", "--at", AT, "--fix", "--kubeconfig", p(&kubeconfig)])
        .args(["--cluster-ca", p(&cluster), "--serving-chain", p(&chain)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("left by an interrupted run"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&leftover).unwrap(), "half a kubeconfig");
}

#[test]
fn devices_fifos_and_endless_stdin_are_refused_without_hanging() {
    let dir = TempDir::new("hostile", "reads");
    let fifo = dir.0.join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for (path, expected) in
        [(Path::new("/dev/zero"), "a device"), (fifo.as_path(), "a FIFO"), (dir.0.as_path(), "a directory")]
    {
        let out = run_bounded({
            let mut c = okd_trust();
            c.arg("inspect").arg(path);
            c
        });
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
    let out = run_bounded({
        let mut c = okd_trust();
        c.args(["inspect", "-"]).stdin(std::fs::File::open("/dev/zero").unwrap());
        c
    });
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("bytes, the input limit"), "{}", stderr(&out));
}

#[test]
fn stdin_is_given_to_one_option_only() {
    let out = okd_trust().args(["verify", "--roots", "-", "--chain", "-"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input can be read once"), "{}", stderr(&out));
}

#[test]
fn a_damaged_leaf_block_is_an_error_not_a_shorter_chain() {
    let dir = TempDir::new("hostile", "leaf");
    let (_, chain_pem) = chain_from(&okd_trust_testkit::okd::lb_signer(), okd_trust_testkit::okd::DOMAIN);
    let roots = dir.write("roots.pem", &old_pem());
    let mut lines: Vec<String> = chain_pem.lines().map(str::to_owned).collect();
    let damaged = [
        // A NUL byte inside the leaf's base64.
        {
            let mut l = lines.clone();
            l[3].insert(10, '\0');
            l.join("\n")
        },
        // The leaf's END line missing: its BEGIN line runs into the CA's block.
        {
            let end = lines.iter().position(|l| l.starts_with("-----END")).unwrap();
            lines.remove(end);
            lines.join("\n")
        },
    ];
    for (case, text) in damaged.iter().enumerate() {
        let chain = dir.write("chain.pem", text);
        let out = okd_trust()
            .args(["verify", "--at", AT, "--roots", p(&roots), "--chain", p(&chain), "--dns-name", API_INT])
            .output()
            .unwrap();
        let shown = format!("case {case}: {}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(out.status.code(), Some(2), "{shown}");
        assert!(stderr(&out).contains("damaged PEM block"), "{shown}");
    }
}

#[test]
fn a_server_that_trickles_bytes_times_out() {
    use std::io::Write as _;
    use std::net::TcpListener;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let target = listener.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        // A TLS handshake record that promises 16 KiB, then one byte every 100 ms: each read
        // returns before a per-read timeout would fire. Stops by itself after 20 s at most.
        let _ = socket.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00]);
        for _ in 0..200 {
            std::thread::sleep(Duration::from_millis(100));
            if socket.write_all(&[0]).is_err() {
                break;
            }
        }
    });
    let dir = TempDir::new("hostile", "trickle");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let out = run_bounded({
        let mut c = okd_trust();
        c.args(["doctor", "--kubeconfig", p(&kubeconfig), "--connect", &target, "--server-name", API_INT]);
        c.args(["--timeout", "1"]);
        c
    });
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("timed out after 1s"), "{}", stderr(&out));
    drop(server);
}
