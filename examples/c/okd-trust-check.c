/*
 * okd-trust-check: does this kubeconfig trust what api-int serves?
 *
 *   okd-trust-check [--at UNIX_SECONDS] KUBECONFIG SERVING_CHAIN.pem [SERVER_NAME]
 *
 * Prints whether the kubeconfig's current cluster trusts the served chain (as kubelet, i.e. Go's
 * crypto/x509, would), the reason when it does not, and how many days each of its CAs has left.
 * SERVER_NAME defaults to the host the kubeconfig dials; --at to now.
 * Exit codes, as the okd-trust command: 0 trusted, 1 untrusted, 2 bad input or usage.
 *
 * Build: cc -std=c99 okd-trust-check.c $(pkg-config --cflags --libs okd_trust)
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "okd_trust.h"

static const char *program = "okd-trust-check";

/* Prints the library's last error for `what` and returns 2 (the bad-input exit code). */
static int fail(const char *what) {
    /* The message already names the line and column when the problem has a place. */
    OkdTrustError *error = okd_trust_last_error();
    fprintf(stderr, "%s: %s: %s\n", program, what, error ? okd_trust_error_message(error) : "unknown error");
    okd_trust_error_free(error);
    return 2;
}

/* Reads a whole file; NULL (with a message) on failure. The caller frees the buffer. */
static unsigned char *read_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t size = 0, capacity = 0, n;
    if (!file) {
        fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
        return NULL;
    }
    do {
        if (size == capacity) {
            unsigned char *grown = realloc(data, capacity = capacity ? capacity * 2 : 65536);
            if (!grown) {
                free(data);
                fclose(file);
                fprintf(stderr, "%s: %s: out of memory\n", program, path);
                return NULL;
            }
            data = grown;
        }
        n = fread(data + size, 1, capacity - size, file);
        size += n;
    } while (n > 0);
    if (ferror(file)) {
        fprintf(stderr, "%s: %s: read error\n", program, path);
        free(data);
        data = NULL;
    }
    fclose(file);
    *len = size;
    return data;
}

static void print_date(int64_t unix_seconds) {
    time_t t = (time_t)unix_seconds;
    struct tm tm;
    char text[32];
    if (gmtime_r(&t, &tm) && strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        fputs(text, stdout);
    } else {
        printf("%lld", (long long)unix_seconds);
    }
}

int main(int argc, char **argv) {
    int64_t at = 0; /* 0: now */
    int arg = 1, exit_code = 2;
    const char *kubeconfig_path, *chain_path, *server_name = NULL;
    unsigned char *kubeconfig_data = NULL, *chain_data = NULL;
    size_t kubeconfig_len = 0, chain_len = 0, i;
    OkdTrustKubeconfig *kubeconfig = NULL;
    OkdTrustBundle *roots = NULL, *chain = NULL;
    OkdTrustVerdict *verdict = NULL;
    char *cluster = NULL, *default_name = NULL, *reason = NULL;

    if (argc > 2 && strcmp(argv[1], "--at") == 0) {
        char *end = NULL;
        at = strtoll(argv[2], &end, 10);
        if (!*argv[2] || *end || at == 0) {
            fprintf(stderr, "%s: --at wants Unix seconds, not %s\n", program, argv[2]);
            return 2;
        }
        arg = 3;
    }
    if (argc - arg < 2 || argc - arg > 3) {
        fprintf(stderr, "usage: %s [--at UNIX_SECONDS] KUBECONFIG SERVING_CHAIN.pem [SERVER_NAME]\n", program);
        return 2;
    }
    if (okd_trust_abi_version() != OKD_TRUST_ABI_VERSION) {
        fprintf(stderr, "%s: libokd_trust ABI %u, built for %u\n", program, okd_trust_abi_version(),
                (unsigned)OKD_TRUST_ABI_VERSION);
        return 2;
    }
    kubeconfig_path = argv[arg];
    chain_path = argv[arg + 1];
    if (argc - arg == 3) server_name = argv[arg + 2];

    if (!(kubeconfig_data = read_file(kubeconfig_path, &kubeconfig_len))) goto done;
    if (!(chain_data = read_file(chain_path, &chain_len))) goto done;
    if (okd_trust_kubeconfig_parse(kubeconfig_data, kubeconfig_len, &kubeconfig) != OKD_TRUST_STATUS_OK) {
        exit_code = fail(kubeconfig_path);
        goto done;
    }
    if (okd_trust_chain_from_pem(chain_data, chain_len, &chain) != OKD_TRUST_STATUS_OK) {
        exit_code = fail(chain_path);
        goto done;
    }
    if (okd_trust_kubeconfig_current_cluster(kubeconfig, &cluster) != OKD_TRUST_STATUS_OK ||
        okd_trust_kubeconfig_ca_bundle(kubeconfig, cluster, &roots) != OKD_TRUST_STATUS_OK) {
        exit_code = fail(kubeconfig_path);
        goto done;
    }
    if (!server_name) {
        if (okd_trust_kubeconfig_server_name(kubeconfig, cluster, &default_name) != OKD_TRUST_STATUS_OK) {
            exit_code = fail(kubeconfig_path);
            goto done;
        }
        server_name = default_name;
    }
    if (okd_trust_verify(roots, chain, server_name, at, OKD_TRUST_PROFILE_KUBELET, &verdict) != OKD_TRUST_STATUS_OK ||
        okd_trust_verdict_reason(verdict, &reason) != OKD_TRUST_STATUS_OK) {
        exit_code = fail("verify");
        goto done;
    }

    printf("%s: cluster %s %s %s\n", kubeconfig_path, cluster,
           okd_trust_verdict_is_trusted(verdict) ? "TRUSTS" : "DOES NOT TRUST", server_name);
    if (!okd_trust_verdict_is_trusted(verdict)) printf("reason: %s\n", reason);
    printf("CAs in the kubeconfig (%zu):\n", okd_trust_bundle_len(roots));
    for (i = 0; i < okd_trust_bundle_len(roots); i++) {
        char *subject = NULL;
        int64_t not_after = 0, left = 0;
        if (okd_trust_bundle_cert_subject(roots, i, &subject) != OKD_TRUST_STATUS_OK ||
            okd_trust_bundle_cert_not_after(roots, i, &not_after) != OKD_TRUST_STATUS_OK ||
            okd_trust_bundle_cert_expires_in(roots, i, at, &left) != OKD_TRUST_STATUS_OK) {
            okd_trust_string_free(subject);
            exit_code = fail("certificate");
            goto done;
        }
        printf("  %s: expires ", subject);
        print_date(not_after);
        if (left >= 0) {
            printf(" (in %lld days)\n", (long long)(left / 86400));
        } else {
            printf(" (EXPIRED %lld days ago)\n", (long long)(-left / 86400));
        }
        okd_trust_string_free(subject);
    }
    exit_code = okd_trust_verdict_is_trusted(verdict) ? 0 : 1;

done:
    okd_trust_string_free(reason);
    okd_trust_string_free(default_name);
    okd_trust_string_free(cluster);
    okd_trust_verdict_free(verdict);
    okd_trust_bundle_free(roots);
    okd_trust_bundle_free(chain);
    okd_trust_kubeconfig_free(kubeconfig);
    free(kubeconfig_data);
    free(chain_data);
    return exit_code;
}
