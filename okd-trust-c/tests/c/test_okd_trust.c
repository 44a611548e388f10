/*
 * Tests of every function of okd_trust.h, success and error paths, run under valgrind (or
 * AddressSanitizer) by scripts/test-c.sh:
 *
 *   test_okd_trust EXAMPLES_DIR OUT_DIR
 *
 * EXAMPLES_DIR holds the core's built-in incident files (okd-trust-core/src/examples); OUT_DIR
 * receives repaired.yaml (the node kubeconfig after a verified CA repair) for the okd-trust-check runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "okd_trust.h"

/* 2024-05-01T00:00:00Z: inside the validity of every example certificate. */
#define AT INT64_C(1714521600)
/* 2100-01-01T00:00:00Z: after all of them. */
#define LATER INT64_C(4102444800)

static int checks = 0, failures = 0;

#define CHECK(cond)                                                           \
    do {                                                                      \
        checks++;                                                             \
        if (!(cond)) {                                                        \
            failures++;                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                     \
    } while (0)

#define CHECK_STATUS(call, expected)                                                          \
    do {                                                                                      \
        OkdTrustStatus got_ = (call);                                                         \
        checks++;                                                                             \
        if (got_ != (expected)) {                                                             \
            OkdTrustError *e_ = okd_trust_last_error();                                       \
            failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, #call, \
                    okd_trust_status_name(got_), okd_trust_status_name(expected),             \
                    e_ ? okd_trust_error_message(e_) : "no error");                           \
            okd_trust_error_free(e_);                                                         \
        }                                                                                     \
    } while (0)

#define OK(call) CHECK_STATUS(call, OKD_TRUST_STATUS_OK)

static const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

static char *read_file(const char *dir, const char *name, size_t *len) {
    char path[4096];
    FILE *f;
    long size;
    char *data;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) exit(2);
    data[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* The last error must exist, have `status`, and its message must contain `needle` (NULL: any). */
static void expect_error(int line, OkdTrustStatus status, const char *needle) {
    OkdTrustError *e = okd_trust_last_error();
    checks++;
    if (!e || okd_trust_error_status(e) != status ||
        (needle && !strstr(okd_trust_error_message(e), needle))) {
        failures++;
        fprintf(stderr, "line %d: expected error %s containing \"%s\", got %s: %s\n", line,
                okd_trust_status_name(status), needle ? needle : "", e ? okd_trust_status_name(okd_trust_error_status(e)) : "none",
                e ? okd_trust_error_message(e) : "");
    }
    okd_trust_error_free(e);
}
#define EXPECT_ERROR(status, needle) expect_error(__LINE__, status, needle)

static void test_basics(void) {
    CHECK(okd_trust_abi_version() == OKD_TRUST_ABI_VERSION);
    CHECK(okd_trust_version() != NULL && strlen(okd_trust_version()) > 0);
    CHECK(strcmp(okd_trust_status_name(OKD_TRUST_STATUS_OK), "ok") == 0);
    CHECK(strcmp(okd_trust_status_name(OKD_TRUST_STATUS_PANIC), "panic") == 0);
    CHECK(strcmp(okd_trust_status_name(42), "unknown") == 0);
    CHECK(strcmp(okd_trust_status_name(-1), "unknown") == 0);
    /* NULL is accepted by every release function and by the error accessors. */
    okd_trust_string_free(NULL);
    okd_trust_error_free(NULL);
    okd_trust_bundle_free(NULL);
    okd_trust_kubeconfig_free(NULL);
    okd_trust_verdict_free(NULL);
    okd_trust_diagnosis_free(NULL);
    CHECK(okd_trust_error_status(NULL) == OKD_TRUST_STATUS_NULL_POINTER);
    CHECK(okd_trust_error_message(NULL) == NULL);
    CHECK(!okd_trust_error_position(NULL, NULL, NULL, NULL));
}

static void test_bundle(const char *examples) {
    size_t len, line = 0, column = 0, offset = 99;
    char *pem = read_file(examples, "kube-apiserver-server-ca.pem", &len);
    char *text = NULL, *again_pem = NULL;
    OkdTrustBundle *bundle = NULL, *other = NULL, *u = NULL, *pruned = NULL, *again = NULL;
    int64_t t = 0;
    bool is_ca = false;
    OkdTrustError *e;

    OK(okd_trust_bundle_from_pem(u8(pem), len, &bundle));
    CHECK(okd_trust_last_error() == NULL); /* success clears the last error */
    CHECK(okd_trust_bundle_len(bundle) == 5);
    CHECK(okd_trust_bundle_warning_count(bundle) == 0);

    OK(okd_trust_bundle_cert_subject(bundle, 0, &text));
    CHECK(text && strstr(text, "CN=") != NULL);
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_bundle_cert_issuer(bundle, 0, &text));
    CHECK(text && strstr(text, "CN=") != NULL);
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_bundle_cert_sha256(bundle, 4, &text));
    CHECK(text && strlen(text) == 95 && text[2] == ':');
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_bundle_cert_not_before(bundle, 0, &t));
    CHECK(t > 0 && t <= AT);
    OK(okd_trust_bundle_cert_not_after(bundle, 0, &t));
    CHECK(t > AT);
    OK(okd_trust_bundle_cert_expires_in(bundle, 0, AT, &t));
    CHECK(t > 0);
    OK(okd_trust_bundle_cert_expires_in(bundle, 0, 0, &t)); /* 0 = now */
    OK(okd_trust_bundle_cert_is_ca(bundle, 0, &is_ca));
    CHECK(is_ca);

    /* Index past the end, NULL handle, NULL out. */
    CHECK_STATUS(okd_trust_bundle_cert_subject(bundle, 5, &text), OKD_TRUST_STATUS_NOT_FOUND);
    EXPECT_ERROR(OKD_TRUST_STATUS_NOT_FOUND, "index 5");
    CHECK(text == NULL); /* untouched on failure */
    CHECK_STATUS(okd_trust_bundle_cert_issuer(NULL, 0, &text), OKD_TRUST_STATUS_NULL_POINTER);
    EXPECT_ERROR(OKD_TRUST_STATUS_NULL_POINTER, "bundle is NULL");
    CHECK_STATUS(okd_trust_bundle_cert_sha256(bundle, 0, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_cert_not_after(bundle, 9, &t), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK_STATUS(okd_trust_bundle_cert_not_before(NULL, 0, &t), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_cert_expires_in(bundle, 0, AT, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_cert_is_ca(bundle, 7, &is_ca), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK(okd_trust_bundle_len(NULL) == 0);
    EXPECT_ERROR(OKD_TRUST_STATUS_NULL_POINTER, "bundle");
    CHECK(okd_trust_bundle_warning_count(NULL) == 0);

    /* Constructor errors: NULL data, NULL out, empty, garbage, truncated PEM. */
    CHECK_STATUS(okd_trust_bundle_from_pem(NULL, 0, &other), OKD_TRUST_STATUS_NULL_POINTER);
    EXPECT_ERROR(OKD_TRUST_STATUS_NULL_POINTER, "data is NULL");
    CHECK_STATUS(okd_trust_bundle_from_pem(u8(pem), len, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_from_pem(u8(""), 0, &other), OKD_TRUST_STATUS_INVALID_INPUT);
    EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "no certificates");
    CHECK_STATUS(okd_trust_bundle_from_pem(u8("\xff\xfe garbage \x00\x01"), 14, &other), OKD_TRUST_STATUS_INVALID_INPUT);
    CHECK_STATUS(okd_trust_bundle_from_pem(u8(pem), len / 10, &other), OKD_TRUST_STATUS_INVALID_INPUT);
    e = okd_trust_last_error();
    CHECK(e != NULL && okd_trust_error_status(e) == OKD_TRUST_STATUS_INVALID_INPUT);
    CHECK(okd_trust_error_position(e, &line, &column, &offset));
    CHECK(line == 1 && column == 1 && offset == 0); /* the truncated block starts at the top */
    CHECK(okd_trust_error_position(e, NULL, NULL, NULL));
    okd_trust_error_free(e);
    CHECK(other == NULL);

    /* A skipped block is a warning, with its position. */
    {
        const char *key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        size_t key_len = strlen(key);
        char *mixed = malloc(key_len + len + 1);
        memcpy(mixed, key, key_len);
        memcpy(mixed + key_len, pem, len + 1);
        OK(okd_trust_bundle_from_pem(u8(mixed), key_len + len, &other));
        CHECK(okd_trust_bundle_warning_count(other) == 1);
        OK(okd_trust_bundle_warning(other, 0, &text));
        CHECK(text && strstr(text, "line 1, column 1") && strstr(text, "PRIVATE KEY"));
        okd_trust_string_free(text), text = NULL;
        CHECK_STATUS(okd_trust_bundle_warning(other, 1, &text), OKD_TRUST_STATUS_NOT_FOUND);
        CHECK_STATUS(okd_trust_bundle_warning(NULL, 0, &text), OKD_TRUST_STATUS_NULL_POINTER);
        CHECK_STATUS(okd_trust_bundle_warning(other, 0, NULL), OKD_TRUST_STATUS_NULL_POINTER);
        free(mixed);
    }

    /* Union, pruning, PEM round trip. */
    OK(okd_trust_bundle_union(bundle, other, &u));
    CHECK(okd_trust_bundle_len(u) == 5);
    CHECK_STATUS(okd_trust_bundle_union(bundle, NULL, &u), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_union(NULL, bundle, &u), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_union(bundle, bundle, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    OK(okd_trust_bundle_without_expired(bundle, LATER, &pruned));
    CHECK(okd_trust_bundle_len(pruned) == 0);
    CHECK_STATUS(okd_trust_bundle_without_expired(NULL, AT, &pruned), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_without_expired(bundle, AT, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    okd_trust_bundle_free(pruned), pruned = NULL;
    OK(okd_trust_bundle_without_expired(bundle, AT, &pruned));
    CHECK(okd_trust_bundle_len(pruned) == 5);
    {
        /* The repair policy: what the file trusted, then what it lacks (or the wanted CAs alone);
         * nothing left once the expired go is refused, never an empty bundle. */
        OkdTrustBundle *repaired = NULL;
        char *first = NULL, *kept_first = NULL;
        OK(okd_trust_bundle_repaired(other, bundle, false, true, AT, &repaired));
        CHECK(okd_trust_bundle_len(repaired) == 5);
        OK(okd_trust_bundle_cert_subject(repaired, 0, &first));
        OK(okd_trust_bundle_cert_subject(other, 0, &kept_first));
        CHECK(first && kept_first && strcmp(first, kept_first) == 0);
        okd_trust_string_free(first);
        okd_trust_string_free(kept_first);
        okd_trust_bundle_free(repaired), repaired = NULL;
        OK(okd_trust_bundle_repaired(other, bundle, true, false, 0, &repaired));
        CHECK(okd_trust_bundle_len(repaired) == okd_trust_bundle_len(bundle));
        okd_trust_bundle_free(repaired), repaired = NULL;
        OK(okd_trust_bundle_repaired(NULL, bundle, false, false, 0, &repaired));
        CHECK(okd_trust_bundle_len(repaired) == okd_trust_bundle_len(bundle));
        okd_trust_bundle_free(repaired), repaired = NULL;
        CHECK_STATUS(okd_trust_bundle_repaired(other, bundle, false, true, LATER, &repaired),
                     OKD_TRUST_STATUS_EDIT_REFUSED);
        EXPECT_ERROR(OKD_TRUST_STATUS_EDIT_REFUSED, "empty CA bundle");
        CHECK(repaired == NULL);
        CHECK_STATUS(okd_trust_bundle_repaired(other, NULL, false, false, 0, &repaired), OKD_TRUST_STATUS_NULL_POINTER);
        CHECK_STATUS(okd_trust_bundle_repaired(other, bundle, false, false, 0, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    }
    OK(okd_trust_bundle_to_pem(u, &again_pem));
    OK(okd_trust_bundle_from_pem(u8(again_pem), strlen(again_pem), &again));
    CHECK(okd_trust_bundle_len(again) == 5);
    CHECK_STATUS(okd_trust_bundle_to_pem(NULL, &text), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_bundle_to_pem(u, NULL), OKD_TRUST_STATUS_NULL_POINTER);

    okd_trust_string_free(again_pem);
    okd_trust_bundle_free(again);
    okd_trust_bundle_free(pruned);
    okd_trust_bundle_free(u);
    okd_trust_bundle_free(other);
    okd_trust_bundle_free(bundle);
    free(pem);
}

static void test_kubeconfig_and_verify(const char *examples, const char *out_dir) {
    size_t kc_len, chain_len, ca_len, line = 0, column = 0, offset = 0;
    char *kc_text = read_file(examples, "var-lib-kubelet-kubeconfig.yaml", &kc_len);
    char *chain_pem = read_file(examples, "api-int-serving-chain.pem", &chain_len);
    char *ca_pem = read_file(examples, "kube-apiserver-server-ca.pem", &ca_len);
    OkdTrustKubeconfig *kc = NULL, *other = NULL, *repaired = NULL;
    OkdTrustBundle *node = NULL, *cluster = NULL, *chain = NULL, *wanted = NULL, *u = NULL, *empty = NULL;
    OkdTrustVerdict *verdict = NULL;
    char *text = NULL, *new_text = NULL;
    bool changed = true;
    OkdTrustError *e;

    OK(okd_trust_kubeconfig_parse(u8(kc_text), kc_len, &kc));
    OK(okd_trust_chain_from_pem(u8(chain_pem), chain_len, &chain));
    OK(okd_trust_bundle_from_pem(u8(ca_pem), ca_len, &cluster));
    CHECK(okd_trust_bundle_len(chain) == 2);

    /* Parse errors: NULL, garbage YAML with a position, invalid UTF-8, truncated. */
    CHECK_STATUS(okd_trust_kubeconfig_parse(NULL, 3, &other), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_kubeconfig_parse(u8(kc_text), kc_len, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    {
        const char *broken = "clusters:\n- name: a\n  cluster: [\n";
        CHECK_STATUS(okd_trust_kubeconfig_parse(u8(broken), strlen(broken), &other), OKD_TRUST_STATUS_INVALID_INPUT);
    }
    e = okd_trust_last_error();
    CHECK(okd_trust_error_position(e, &line, &column, &offset));
    CHECK(line >= 3);
    okd_trust_error_free(e);
    CHECK_STATUS(okd_trust_kubeconfig_parse(u8("kind: Config\nclusters: \xc3\x28\n"), 25, &other),
                 OKD_TRUST_STATUS_INVALID_INPUT);
    EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "UTF-8");
    CHECK_STATUS(okd_trust_kubeconfig_parse(u8("- just\n- a list\n"), 16, &other), OKD_TRUST_STATUS_INVALID_INPUT);
    CHECK_STATUS(okd_trust_kubeconfig_parse(u8("clusters:\n- name: \"unterminated\n"), 32, &other),
                 OKD_TRUST_STATUS_INVALID_INPUT);
    CHECK(other == NULL);
    /* Truncated in the middle of the CA data: client-go cannot load it (the base64 is cut short). */
    CHECK_STATUS(okd_trust_kubeconfig_parse(u8(kc_text), kc_len / 2, &other), OKD_TRUST_STATUS_INVALID_INPUT);
    e = okd_trust_last_error();
    CHECK(e && strstr(okd_trust_error_message(e), "illegal base64 data") != NULL);
    okd_trust_error_free(e);
    CHECK(other == NULL);
    /* An empty file is an empty kubeconfig (as in client-go): it parses, and names no cluster. */
    OK(okd_trust_kubeconfig_parse(u8(""), 0, &other));
    CHECK_STATUS(okd_trust_kubeconfig_current_cluster(other, &text), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK_STATUS(okd_trust_kubeconfig_ca_bundle(other, NULL, &node), OKD_TRUST_STATUS_NOT_FOUND);
    okd_trust_kubeconfig_free(other), other = NULL;

    /* The CA file client-go reads, resolved against the kubeconfig's directory. */
    {
        static const char with_file[] =
            "clusters:\n- name: c\n  cluster: {server: \"https://x\", certificate-authority: ../pki/ca.crt}\n"
            "contexts:\n- name: k\n  context: {cluster: c}\ncurrent-context: k\n";
        OK(okd_trust_kubeconfig_parse(u8(with_file), strlen(with_file), &other));
        OK(okd_trust_kubeconfig_ca_file(other, "/etc/kubernetes/kubelet", &text));
        CHECK(text && strcmp(text, "/etc/kubernetes/pki/ca.crt") == 0);
        okd_trust_string_free(text), text = NULL;
        CHECK_STATUS(okd_trust_kubeconfig_ca_file(other, NULL, &text), OKD_TRUST_STATUS_NULL_POINTER);
        okd_trust_kubeconfig_free(other), other = NULL;
        CHECK_STATUS(okd_trust_kubeconfig_ca_file(kc, "/etc", &text), OKD_TRUST_STATUS_NOT_FOUND);
    }

    /* Facts. */
    OK(okd_trust_kubeconfig_current_cluster(kc, &text));
    CHECK(text && strcmp(text, "local") == 0);
    okd_trust_string_free(text), text = NULL;
    CHECK_STATUS(okd_trust_kubeconfig_current_cluster(NULL, &text), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_kubeconfig_current_cluster(kc, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    OK(okd_trust_kubeconfig_server_name(kc, NULL, &text));
    CHECK(text && strncmp(text, "api-int.", 8) == 0);
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_kubeconfig_server_name(kc, "local", &text));
    okd_trust_string_free(text), text = NULL;
    CHECK_STATUS(okd_trust_kubeconfig_server_name(kc, "nope", &text), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK_STATUS(okd_trust_kubeconfig_server_name(kc, "\xff\xfe", &text), OKD_TRUST_STATUS_INVALID_UTF8);
    EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_UTF8, "cluster is not valid UTF-8");
    CHECK_STATUS(okd_trust_kubeconfig_server_name(NULL, NULL, &text), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_kubeconfig_server_name(kc, NULL, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    OK(okd_trust_kubeconfig_ca_bundle(kc, NULL, &node));
    CHECK(okd_trust_bundle_len(node) >= 1);
    CHECK_STATUS(okd_trust_kubeconfig_ca_bundle(kc, "nope", &u), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK_STATUS(okd_trust_kubeconfig_ca_bundle(kc, "\xc3", &u), OKD_TRUST_STATUS_INVALID_UTF8);
    CHECK_STATUS(okd_trust_kubeconfig_ca_bundle(NULL, NULL, &u), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_kubeconfig_ca_bundle(kc, NULL, NULL), OKD_TRUST_STATUS_NULL_POINTER);

    /* The incident: the node trusts only the old signer. */
    OK(okd_trust_verify(node, chain, "api-int.ocp.example.com", AT, OKD_TRUST_PROFILE_KUBELET, &verdict));
    CHECK(!okd_trust_verdict_is_trusted(verdict));
    CHECK(okd_trust_verdict_chain_len(verdict) == 0);
    OK(okd_trust_verdict_reason(verdict, &text));
    CHECK(text && strstr(text, "unknown authority"));
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_verdict_text(verdict, &text));
    CHECK(text && strncmp(text, "untrusted", 9) == 0);
    okd_trust_string_free(text), text = NULL;
    okd_trust_verdict_free(verdict), verdict = NULL;

    /* The union trusts it. */
    OK(okd_trust_bundle_union(node, cluster, &u));
    OK(okd_trust_bundle_without_expired(u, AT, &wanted));
    OK(okd_trust_verify(wanted, chain, NULL, AT, OKD_TRUST_PROFILE_STRICT, &verdict));
    okd_trust_verdict_free(verdict), verdict = NULL;
    OK(okd_trust_verify(wanted, chain, "api-int.ocp.example.com", AT, OKD_TRUST_PROFILE_KUBELET, &verdict));
    CHECK(okd_trust_verdict_is_trusted(verdict));
    CHECK(okd_trust_verdict_chain_len(verdict) == 2);
    OK(okd_trust_verdict_reason(verdict, &text));
    CHECK(text && text[0] == '\0');
    okd_trust_string_free(text), text = NULL;
    okd_trust_verdict_free(verdict), verdict = NULL;
    /* Wrong name, and the clock read by the library (0 = now: the example certificates have expired). */
    OK(okd_trust_verify(wanted, chain, "evil.example.com", AT, OKD_TRUST_PROFILE_KUBELET, &verdict));
    CHECK(!okd_trust_verdict_is_trusted(verdict));
    okd_trust_verdict_free(verdict), verdict = NULL;
    OK(okd_trust_verify(wanted, chain, NULL, 0, OKD_TRUST_PROFILE_KUBELET, &verdict));
    CHECK(!okd_trust_verdict_is_trusted(verdict));
    okd_trust_verdict_free(verdict), verdict = NULL;

    /* Verify errors. */
    CHECK_STATUS(okd_trust_verify(NULL, chain, NULL, AT, 0, &verdict), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_verify(wanted, NULL, NULL, AT, 0, &verdict), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_verify(wanted, chain, NULL, AT, 0, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_verify(wanted, chain, NULL, AT, 7, &verdict), OKD_TRUST_STATUS_INVALID_INPUT);
    EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "unknown profile 7");
    CHECK_STATUS(okd_trust_verify(wanted, chain, "\x80", AT, 0, &verdict), OKD_TRUST_STATUS_INVALID_UTF8);
    OK(okd_trust_bundle_without_expired(chain, LATER, &empty));
    CHECK_STATUS(okd_trust_verify(wanted, empty, NULL, AT, 0, &verdict), OKD_TRUST_STATUS_INVALID_INPUT);
    EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "no CERTIFICATE block");
    {
        /* A damaged leaf: the strict reader refuses it with its line; a bundle that skipped the
         * leaf when it was loaded is refused as a chain, never judged as the intermediate alone. */
        char *damaged = malloc(chain_len + 1);
        OkdTrustBundle *lenient = NULL, *strict = NULL;
        char *body;
        CHECK(damaged != NULL);
        memcpy(damaged, chain_pem, chain_len);
        damaged[chain_len] = '\0';
        body = strstr(damaged, "MII");
        CHECK(body != NULL);
        body[1] = '!';
        CHECK_STATUS(okd_trust_chain_from_pem(u8(damaged), strlen(damaged), &strict), OKD_TRUST_STATUS_INVALID_INPUT);
        EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "damaged PEM block");
        CHECK(strict == NULL);
        OK(okd_trust_bundle_from_pem(u8(damaged), strlen(damaged), &lenient));
        CHECK(okd_trust_bundle_len(lenient) == 1);
        CHECK_STATUS(okd_trust_verify(wanted, lenient, NULL, AT, 0, &verdict), OKD_TRUST_STATUS_INVALID_INPUT);
        EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "skipped 1 block(s)");
        CHECK(verdict == NULL);
        CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, NULL, wanted, lenient, NULL, AT, &text, NULL),
                     OKD_TRUST_STATUS_INVALID_INPUT);
        CHECK(text == NULL);
        okd_trust_bundle_free(lenient);
        free(damaged);
    }
    CHECK(verdict == NULL);
    CHECK(!okd_trust_verdict_is_trusted(NULL));
    EXPECT_ERROR(OKD_TRUST_STATUS_NULL_POINTER, "verdict");
    CHECK(okd_trust_verdict_chain_len(NULL) == 0);
    CHECK_STATUS(okd_trust_verdict_reason(NULL, &text), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_verdict_text(NULL, &text), OKD_TRUST_STATUS_NULL_POINTER);

    /* The verified edit. */
    OK(okd_trust_kubeconfig_set_ca(kc, NULL, wanted, chain, NULL, AT, &new_text, &changed));
    CHECK(changed);
    CHECK(new_text && strlen(new_text) > kc_len);
    {
        char path[4096];
        FILE *f;
        snprintf(path, sizeof path, "%s/repaired.yaml", out_dir);
        f = fopen(path, "wb");
        CHECK(f != NULL);
        if (f) {
            fputs(new_text, f);
            fclose(f);
        }
    }
    OK(okd_trust_kubeconfig_parse(u8(new_text), strlen(new_text), &repaired));
    /* Idempotent: the repaired file already holds the bundle. */
    OK(okd_trust_kubeconfig_set_ca(repaired, "local", wanted, chain, "api-int.ocp.example.com", AT, &text, &changed));
    CHECK(!changed);
    CHECK(text && strcmp(text, new_text) == 0);
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_kubeconfig_set_ca(repaired, NULL, wanted, NULL, NULL, AT, &text, NULL));
    okd_trust_string_free(text), text = NULL;
    /* Verify before write: the old bundle does not verify what api-int serves, so no text. */
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(repaired, NULL, node, chain, NULL, AT, &text, &changed),
                 OKD_TRUST_STATUS_EDIT_REFUSED);
    EXPECT_ERROR(OKD_TRUST_STATUS_EDIT_REFUSED, "does not verify");
    CHECK(text == NULL);
    /* Nor does it at a time when everything has expired. */
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, NULL, wanted, chain, NULL, LATER, &text, NULL),
                 OKD_TRUST_STATUS_EDIT_REFUSED);
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, "nope", wanted, NULL, NULL, AT, &text, NULL), OKD_TRUST_STATUS_NOT_FOUND);
    EXPECT_ERROR(OKD_TRUST_STATUS_NOT_FOUND, "no cluster named");
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, NULL, empty, NULL, NULL, AT, &text, NULL), OKD_TRUST_STATUS_EDIT_REFUSED);
    EXPECT_ERROR(OKD_TRUST_STATUS_EDIT_REFUSED, "empty CA bundle");
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(NULL, NULL, wanted, NULL, NULL, AT, &text, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, NULL, NULL, NULL, NULL, AT, &text, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, NULL, wanted, NULL, NULL, AT, NULL, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, "\xff", wanted, NULL, NULL, AT, &text, NULL), OKD_TRUST_STATUS_INVALID_UTF8);
    CHECK_STATUS(okd_trust_kubeconfig_set_ca(kc, NULL, wanted, NULL, "\xff", AT, &text, NULL), OKD_TRUST_STATUS_INVALID_UTF8);
    /* insecure-skip-tls-verify: refused, with the reason. */
    {
        const char *insecure =
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://api-int.x:6443\n"
            "    insecure-skip-tls-verify: true\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n"
            "current-context: x\nusers:\n- name: u\n  user: {}\n";
        OK(okd_trust_kubeconfig_parse(u8(insecure), strlen(insecure), &other));
        CHECK_STATUS(okd_trust_kubeconfig_ca_bundle(other, NULL, &u), OKD_TRUST_STATUS_NOT_FOUND);
        CHECK_STATUS(okd_trust_kubeconfig_set_ca(other, NULL, wanted, NULL, NULL, AT, &text, NULL),
                     OKD_TRUST_STATUS_EDIT_REFUSED);
        EXPECT_ERROR(OKD_TRUST_STATUS_EDIT_REFUSED, "insecure-skip-tls-verify");
        okd_trust_kubeconfig_free(other), other = NULL;
    }

    okd_trust_string_free(new_text);
    okd_trust_kubeconfig_free(repaired);
    okd_trust_bundle_free(empty);
    okd_trust_bundle_free(wanted);
    okd_trust_bundle_free(u);
    okd_trust_bundle_free(node);
    okd_trust_bundle_free(cluster);
    okd_trust_bundle_free(chain);
    okd_trust_kubeconfig_free(kc);
    free(kc_text);
    free(chain_pem);
    free(ca_pem);
}

static void test_diagnose(const char *examples) {
    size_t a_len, b_len, chain_len, ca_len, i;
    char *a = read_file(examples, "var-lib-kubelet-kubeconfig.yaml", &a_len);
    char *b = read_file(examples, "etc-kubernetes-kubeconfig.yaml", &b_len);
    char *chain_pem = read_file(examples, "api-int-serving-chain.pem", &chain_len);
    char *ca_pem = read_file(examples, "kube-apiserver-server-ca.pem", &ca_len);
    OkdTrustKubeconfig *kcs[2] = {NULL, NULL};
    const OkdTrustKubeconfig *ckcs[2];
    const char *labels[2] = {"/var/lib/kubelet/kubeconfig", "/etc/kubernetes/kubeconfig"};
    const char *bad_labels[2] = {"/var/lib/kubelet/kubeconfig", NULL};
    OkdTrustBundle *chain = NULL, *cluster = NULL;
    OkdTrustDiagnosis *d = NULL, *none = NULL;
    OkdTrustHealth health = OKD_TRUST_HEALTH_HEALTHY;
    OkdTrustSeverity severity = OKD_TRUST_SEVERITY_INFO;
    char *text = NULL;
    int saw_untrusted = 0;

    OK(okd_trust_kubeconfig_parse(u8(a), a_len, &kcs[0]));
    OK(okd_trust_kubeconfig_parse(u8(b), b_len, &kcs[1]));
    ckcs[0] = kcs[0];
    ckcs[1] = kcs[1];
    OK(okd_trust_chain_from_pem(u8(chain_pem), chain_len, &chain));
    OK(okd_trust_bundle_from_pem(u8(ca_pem), ca_len, &cluster));

    OK(okd_trust_diagnose(ckcs, labels, 2, cluster, chain, NULL, AT, &d));
    OK(okd_trust_diagnosis_health(d, &health));
    CHECK(health == OKD_TRUST_HEALTH_BROKEN);
    CHECK(okd_trust_diagnosis_finding_count(d) > 0);
    for (i = 0; i < okd_trust_diagnosis_finding_count(d); i++) {
        OK(okd_trust_diagnosis_finding_code(d, i, &text));
        if (text && strcmp(text, "kubeconfig-untrusted-serving-chain") == 0) saw_untrusted = 1;
        okd_trust_string_free(text), text = NULL;
        OK(okd_trust_diagnosis_finding_message(d, i, &text));
        CHECK(text && strlen(text) > 0);
        okd_trust_string_free(text), text = NULL;
        OK(okd_trust_diagnosis_finding_severity(d, i, &severity));
        if (i == 0) CHECK(severity == OKD_TRUST_SEVERITY_ERROR); /* most severe first */
    }
    CHECK(saw_untrusted);
    i = okd_trust_diagnosis_finding_count(d);
    CHECK_STATUS(okd_trust_diagnosis_finding_code(d, i, &text), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK_STATUS(okd_trust_diagnosis_finding_message(d, i, &text), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK_STATUS(okd_trust_diagnosis_finding_severity(d, i, &severity), OKD_TRUST_STATUS_NOT_FOUND);
    CHECK_STATUS(okd_trust_diagnosis_finding_code(NULL, 0, &text), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnosis_finding_message(d, 0, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnosis_finding_severity(d, 0, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK(okd_trust_diagnosis_finding_count(NULL) == 0);

    {
        /* The ends of the time range are judged, never a panic (an overflow in the rotation check once was). */
        const int64_t ends[2] = {INT64_MIN, INT64_MAX};
        size_t e;
        for (e = 0; e < 2; e++) {
            OkdTrustDiagnosis *edge = NULL;
            OK(okd_trust_diagnose(ckcs, labels, 2, cluster, chain, NULL, ends[e], &edge));
            OK(okd_trust_diagnosis_json(edge, &text));
            CHECK(text && strstr(text, "\"schema_version\""));
            okd_trust_string_free(text), text = NULL;
            okd_trust_diagnosis_free(edge);
        }
    }

    OK(okd_trust_diagnosis_json(d, &text));
    CHECK(text && strstr(text, "\"schema_version\"") && strstr(text, "broken") && strstr(text, "\"verified\": true"));
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_diagnosis_prometheus(d, &text));
    CHECK(text && strstr(text, "okd_trust_verdict{verdict=\"broken\"} 1"));
    okd_trust_string_free(text), text = NULL;
    OK(okd_trust_diagnosis_text(d, &text));
    CHECK(text && strncmp(text, "BROKEN", 6) == 0);
    okd_trust_string_free(text), text = NULL;
    CHECK_STATUS(okd_trust_diagnosis_json(NULL, &text), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnosis_prometheus(d, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnosis_text(NULL, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnosis_health(NULL, &health), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnosis_health(d, NULL), OKD_TRUST_STATUS_NULL_POINTER);

    /* No inputs at all is a valid (empty) question; bad arrays are errors. */
    OK(okd_trust_diagnose(NULL, NULL, 0, NULL, NULL, NULL, AT, &none));
    CHECK(okd_trust_diagnosis_finding_count(none) == 0);
    CHECK_STATUS(okd_trust_diagnose(NULL, labels, 1, NULL, NULL, NULL, AT, &none), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnose(ckcs, NULL, 1, NULL, NULL, NULL, AT, &none), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_diagnose(ckcs, bad_labels, 2, NULL, NULL, NULL, AT, &none), OKD_TRUST_STATUS_NULL_POINTER);
    EXPECT_ERROR(OKD_TRUST_STATUS_NULL_POINTER, "labels[1]");
    CHECK_STATUS(okd_trust_diagnose(ckcs, labels, 2, NULL, NULL, "\xfe", AT, &none), OKD_TRUST_STATUS_INVALID_UTF8);
    CHECK_STATUS(okd_trust_diagnose(ckcs, labels, 2, NULL, NULL, NULL, AT, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    {
        const OkdTrustKubeconfig *with_null[2] = {kcs[0], NULL};
        CHECK_STATUS(okd_trust_diagnose(with_null, labels, 2, NULL, NULL, NULL, AT, &none), OKD_TRUST_STATUS_NULL_POINTER);
        EXPECT_ERROR(OKD_TRUST_STATUS_NULL_POINTER, "kubeconfigs[1]");
    }

    okd_trust_diagnosis_free(none);
    okd_trust_diagnosis_free(d);
    okd_trust_bundle_free(chain);
    okd_trust_bundle_free(cluster);
    okd_trust_kubeconfig_free(kcs[0]);
    okd_trust_kubeconfig_free(kcs[1]);
    free(a);
    free(b);
    free(chain_pem);
    free(ca_pem);
}

/* Whether diagnosis `d` holds a finding with `code`. */
static int has_finding(const OkdTrustDiagnosis *d, const char *code) {
    char *text = NULL;
    size_t i;
    int found = 0;
    for (i = 0; i < okd_trust_diagnosis_finding_count(d); i++) {
        OK(okd_trust_diagnosis_finding_code(d, i, &text));
        if (text && strcmp(text, code) == 0) found = 1;
        okd_trust_string_free(text), text = NULL;
    }
    return found;
}

/* A kubeconfig naming no CA: kubelet then trusts the system roots, which the caller may name. */
static int untrusted_with_roots(const OkdTrustKubeconfig *kc, const OkdTrustBundle *chain,
                                const OkdTrustBundle *roots) {
    const OkdTrustKubeconfig *kcs[1] = {kc};
    const char *labels[1] = {"no-ca-kubeconfig"};
    OkdTrustDiagnosis *d = NULL;
    int untrusted;
    OK(okd_trust_diagnose_with_system_roots(kcs, labels, 1, NULL, chain, NULL, roots, AT, &d));
    untrusted = has_finding(d, "kubeconfig-untrusted-serving-chain");
    okd_trust_diagnosis_free(d);
    return untrusted;
}

static void test_diagnose_with_system_roots(const char *examples) {
    static const char no_ca[] =
        "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n"
        "    server: https://api-int.ocp.example.com:6443\n"
        "contexts:\n- name: kubelet\n  context:\n    cluster: local\n    user: kubelet\n"
        "current-context: kubelet\nusers:\n- name: kubelet\n  user: {}\n";
    size_t chain_len, ca_len, stale_len;
    char *chain_pem = read_file(examples, "api-int-serving-chain.pem", &chain_len);
    char *ca_pem = read_file(examples, "kube-apiserver-server-ca.pem", &ca_len);
    char *stale_kc = read_file(examples, "var-lib-kubelet-kubeconfig.yaml", &stale_len);
    OkdTrustKubeconfig *kc = NULL, *stale = NULL;
    OkdTrustBundle *chain = NULL, *cluster = NULL, *stale_roots = NULL;

    OK(okd_trust_kubeconfig_parse(u8(no_ca), strlen(no_ca), &kc));
    OK(okd_trust_kubeconfig_parse(u8(stale_kc), stale_len, &stale));
    OK(okd_trust_kubeconfig_ca_bundle(stale, NULL, &stale_roots));
    OK(okd_trust_chain_from_pem(u8(chain_pem), chain_len, &chain));
    OK(okd_trust_bundle_from_pem(u8(ca_pem), ca_len, &cluster));
    CHECK(!untrusted_with_roots(kc, chain, cluster));   /* roots that hold the rotated signer */
    CHECK(untrusted_with_roots(kc, chain, stale_roots)); /* roots that hold only the old one */
    CHECK_STATUS(okd_trust_diagnose_with_system_roots(NULL, NULL, 0, NULL, NULL, NULL, NULL, AT, NULL),
                 OKD_TRUST_STATUS_NULL_POINTER);

    okd_trust_bundle_free(chain);
    okd_trust_bundle_free(cluster);
    okd_trust_bundle_free(stale_roots);
    okd_trust_kubeconfig_free(kc);
    okd_trust_kubeconfig_free(stale);
    free(chain_pem);
    free(ca_pem);
    free(stale_kc);
}

/* The whole doctor input through the versioned options struct: several cluster CAs, multus' CA,
 * the signer Secret, and the struct's size checks. */
static void test_diagnose_with_options(const char *examples) {
    static const char legacy_secret[] =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: loadbalancer-serving-signer\n"
        "  namespace: openshift-kube-apiserver-operator\ntype: SecretTypeTLS\ndata: {}\n";
    size_t a_len, chain_len, ca_len;
    char *a = read_file(examples, "var-lib-kubelet-kubeconfig.yaml", &a_len);
    char *chain_pem = read_file(examples, "api-int-serving-chain.pem", &chain_len);
    char *ca_pem = read_file(examples, "kube-apiserver-server-ca.pem", &ca_len);
    OkdTrustKubeconfig *kc = NULL;
    OkdTrustBundle *chain = NULL, *cluster = NULL, *stale = NULL;
    OkdTrustDiagnosis *d = NULL, *none = NULL;
    OkdTrustDoctorOptions options;
    const OkdTrustKubeconfig *kcs[1];
    const char *labels[1] = {"/var/lib/kubelet/kubeconfig"};
    const OkdTrustBundle *cluster_cas[2];
    const char *cluster_ca_labels[2] = {"loadbalancer-serving-ca", "kube-apiserver-server-ca"};
    char *json = NULL;

    OK(okd_trust_kubeconfig_parse(u8(a), a_len, &kc));
    kcs[0] = kc;
    OK(okd_trust_kubeconfig_ca_bundle(kc, NULL, &stale));
    OK(okd_trust_chain_from_pem(u8(chain_pem), chain_len, &chain));
    OK(okd_trust_bundle_from_pem(u8(ca_pem), ca_len, &cluster));
    cluster_cas[0] = stale;
    cluster_cas[1] = cluster;

    OK(okd_trust_doctor_options_init(&options, sizeof options));
    CHECK(options.struct_size == sizeof options && options.warn_days == 30 && options.at == 0);
    options.at = AT;
    options.cluster_cas = cluster_cas;
    options.cluster_ca_labels = cluster_ca_labels;
    options.cluster_ca_count = 2;
    options.serving_chain = chain;
    options.multus_ca = stale; /* multus still holds only the old signer */
    options.signer_secret = u8(legacy_secret);
    options.signer_secret_len = strlen(legacy_secret);
    OK(okd_trust_diagnose_with_options(kcs, labels, 1, &options, &d));
    CHECK(has_finding(d, "kubeconfig-untrusted-serving-chain"));
    CHECK(has_finding(d, "multus-ca-untrusted-serving-chain"));
    CHECK(has_finding(d, "signer-secret-legacy-type"));
    OK(okd_trust_diagnosis_json(d, &json));
    /* Each cluster CA keeps its label, and the plan patches multus. */
    CHECK(json && strstr(json, "\"multus_patch\": {") && strstr(json, "openshift-multus/kube-root-ca.crt"));
    okd_trust_string_free(json), json = NULL;
    okd_trust_diagnosis_free(d), d = NULL;

    /* NULL options: every default (judged now, no cluster input), still a diagnosis. */
    OK(okd_trust_diagnose_with_options(kcs, labels, 1, NULL, &d));
    CHECK(!has_finding(d, "multus-ca-untrusted-serving-chain"));
    okd_trust_diagnosis_free(d), d = NULL;

    /* A Secret that is not one, a struct from no version, and options of a newer library. */
    options.signer_secret = u8(ca_pem);
    options.signer_secret_len = ca_len;
    CHECK_STATUS(okd_trust_diagnose_with_options(kcs, labels, 1, &options, &none), OKD_TRUST_STATUS_INVALID_INPUT);
    EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "holds no Secret");
    options.signer_secret = NULL;
    options.struct_size = sizeof(size_t);
    CHECK_STATUS(okd_trust_diagnose_with_options(kcs, labels, 1, &options, &none), OKD_TRUST_STATUS_INVALID_INPUT);
    EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "struct_size");
    {
        struct {
            OkdTrustDoctorOptions known;
            uint64_t future_option;
        } newer;
        memset(&newer, 0xAB, sizeof newer);
        OK(okd_trust_doctor_options_init(&newer.known, sizeof newer)); /* a caller built with a newer header */
        CHECK(newer.known.struct_size == sizeof newer && newer.future_option == 0 && newer.known.warn_days == 30);
        newer.known.at = AT;
        OK(okd_trust_diagnose_with_options(kcs, labels, 1, &newer.known, &d)); /* unset: accepted */
        okd_trust_diagnosis_free(d), d = NULL;
        newer.future_option = 1;
        CHECK_STATUS(okd_trust_diagnose_with_options(kcs, labels, 1, &newer.known, &none), OKD_TRUST_STATUS_INVALID_INPUT);
        EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "newer okd-trust");
    }
    CHECK(none == NULL);
    CHECK_STATUS(okd_trust_doctor_options_init(NULL, sizeof options), OKD_TRUST_STATUS_NULL_POINTER);
    {
        /* init writes no byte past the size it is given (the guard after the struct stays). */
        struct {
            size_t struct_size;
            unsigned char rest[sizeof(OkdTrustDoctorOptions) - sizeof(size_t)];
            unsigned char guard[16];
        } older;
        size_t g;
        int guard_kept = 1;
        memset(&older, 0xCD, sizeof older);
        CHECK_STATUS(okd_trust_doctor_options_init((OkdTrustDoctorOptions *)(void *)&older, sizeof(size_t)),
                     OKD_TRUST_STATUS_INVALID_INPUT); /* smaller than any version */
        EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "smaller than any version");
        OK(okd_trust_doctor_options_init((OkdTrustDoctorOptions *)(void *)&older, sizeof(OkdTrustDoctorOptions)));
        for (g = 0; g < sizeof older.guard; g++) guard_kept &= older.guard[g] == 0xCD;
        CHECK(guard_kept && older.struct_size == sizeof(OkdTrustDoctorOptions));
        /* Garbage where the size should be: refused before anything past it is read. */
        older.struct_size = (size_t)-1;
        CHECK_STATUS(okd_trust_diagnose_with_options(kcs, labels, 1, (const OkdTrustDoctorOptions *)(const void *)&older, &none),
                     OKD_TRUST_STATUS_INVALID_INPUT);
        EXPECT_ERROR(OKD_TRUST_STATUS_INVALID_INPUT, "not a size");
    }
    CHECK_STATUS(okd_trust_diagnose_with_options(kcs, labels, 1, NULL, NULL), OKD_TRUST_STATUS_NULL_POINTER);

    okd_trust_bundle_free(chain);
    okd_trust_bundle_free(cluster);
    okd_trust_bundle_free(stale);
    okd_trust_kubeconfig_free(kc);
    free(a);
    free(chain_pem);
    free(ca_pem);
}

/* Writes `text` to OUT_DIR/name, indenting every line after the first by `indent` spaces. */
static void write_indented(FILE *f, const char *text, int indent) {
    for (; *text; text++) {
        fputc(*text, f);
        if (*text == '\n' && text[1]) fprintf(f, "%*s", indent, "");
    }
}

static void test_cluster(const char *examples, const char *out_dir) {
    size_t len;
    char *ca_pem = read_file(examples, "kube-apiserver-server-ca.pem", &len);
    char *chain_pem = read_file(examples, "api-int-serving-chain.pem", &len);
    char dump[4096], missing[4096];
    FILE *f;
    OkdTrustClusterReport *report = NULL;
    OkdTrustHealth health = OKD_TRUST_HEALTH_BROKEN;
    char *json = NULL, *text = NULL;
    const char *paths[1];

    /* An `oc get -o yaml` dump: what the cluster serves and api-int's serving certificate. */
    snprintf(dump, sizeof dump, "%s/cluster-dump.yaml", out_dir);
    f = fopen(dump, "w");
    if (!f) exit(2);
    fputs("kind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: kube-apiserver-server-ca, "
          "namespace: openshift-config-managed}\n  data:\n    ca-bundle.crt: |\n      ", f);
    write_indented(f, ca_pem, 6);
    fputs("- kind: Secret\n  type: kubernetes.io/tls\n  metadata: {name: internal-loadbalancer-serving-certkey, "
          "namespace: openshift-kube-apiserver}\n  stringData:\n    tls.crt: |\n      ", f);
    write_indented(f, chain_pem, 6);
    fclose(f);

    paths[0] = dump;
    OK(okd_trust_cluster_analyze(paths, 1, NULL, 0, AT, &report));
    CHECK(report != NULL);
    OK(okd_trust_cluster_report_health(report, &health));
    OK(okd_trust_cluster_report_json(report, &json));
    CHECK(json && strstr(json, "\"schema_version\": 1"));
    CHECK(json && strstr(json, "\"relationship\": \"kube-apiserver-server-ca\u2192api-int\""));
    CHECK(json && strstr(json, "\"trusted\": true"));
    CHECK(json && strstr(json, "\"at\": \"2024-05-01T00:00:00Z\""));
    OK(okd_trust_cluster_report_text(report, &text));
    CHECK(text && (strncmp(text, "HEALTHY", 7) == 0 || strncmp(text, "AT RISK", 7) == 0));
    CHECK(health != OKD_TRUST_HEALTH_BROKEN);
    okd_trust_string_free(json);
    okd_trust_string_free(text);
    okd_trust_cluster_report_free(report);

    /* A path that is not there, and a NULL out: errors with the same discipline as the rest. */
    snprintf(missing, sizeof missing, "%s/missing.tar.xz", out_dir);
    paths[0] = missing;
    report = NULL;
    CHECK_STATUS(okd_trust_cluster_analyze(paths, 1, NULL, 0, AT, &report), OKD_TRUST_STATUS_NOT_FOUND);
    EXPECT_ERROR(OKD_TRUST_STATUS_NOT_FOUND, "missing.tar.xz");
    CHECK(report == NULL);
    CHECK_STATUS(okd_trust_cluster_analyze(paths, 1, NULL, 0, AT, NULL), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_cluster_analyze(NULL, 1, NULL, 0, AT, &report), OKD_TRUST_STATUS_NULL_POINTER);
    CHECK_STATUS(okd_trust_cluster_report_json(NULL, &json), OKD_TRUST_STATUS_NULL_POINTER);
    okd_trust_cluster_report_free(NULL);
    free(ca_pem);
    free(chain_pem);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s EXAMPLES_DIR OUT_DIR\n", argv[0]);
        return 2;
    }
    test_basics();
    test_bundle(argv[1]);
    test_kubeconfig_and_verify(argv[1], argv[2]);
    test_diagnose(argv[1]);
    test_diagnose_with_system_roots(argv[1]);
    test_diagnose_with_options(argv[1]);
    test_cluster(argv[1], argv[2]);
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
