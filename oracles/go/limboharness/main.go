// Command limboharness decides x509-limbo test cases with Go's crypto/x509, as a client-go
// program (kubelet) would decide the same chain in a TLS handshake.
//
// It reads a limbo suite (JSON) on stdin and writes the limbo harness result format on stdout.
// Per case it does what crypto/tls and client-go do:
//   - roots: every trusted certificate appended to one pool with AppendCertsFromPEM, which
//     skips what does not parse (client-go builds its pool from certificate-authority-data so);
//   - the peer certificate and every intermediate are "presented": crypto/tls parses the whole
//     Certificate message first, so any one of them that fails to parse fails the case;
//   - Verify with the expected peer name as DNSName (an IP address is matched against IP SANs),
//     the validation time, and the case's extended key usages (none: serverAuth).
//
// Only what a TLS client never does is skipped: CRLs, a maximum chain depth, client validation.
package main

import (
	"bufio"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"
	"crypto/x509"
)

type peerName struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type testcase struct {
	ID                     string    `json:"id"`
	ValidationKind         string    `json:"validation_kind"`
	TrustedCerts           []string  `json:"trusted_certs"`
	UntrustedIntermediates []string  `json:"untrusted_intermediates"`
	PeerCertificate        string    `json:"peer_certificate"`
	ValidationTime         *string   `json:"validation_time"`
	ExtendedKeyUsage       []string  `json:"extended_key_usage"`
	ExpectedPeerName       *peerName `json:"expected_peer_name"`
	MaxChainDepth          *int      `json:"max_chain_depth"`
	Crls                   []string  `json:"crls"`
}

type suite struct {
	Testcases []testcase `json:"testcases"`
}

type result struct {
	ID      string  `json:"id"`
	Actual  string  `json:"actual_result"`
	Context *string `json:"context"`
}

type output struct {
	Version int      `json:"version"`
	Harness string   `json:"harness"`
	Results []result `json:"results"`
}

var extKeyUsages = map[string]x509.ExtKeyUsage{
	"anyExtendedKeyUsage": x509.ExtKeyUsageAny,
	"serverAuth":          x509.ExtKeyUsageServerAuth,
	"clientAuth":          x509.ExtKeyUsageClientAuth,
	"codeSigning":         x509.ExtKeyUsageCodeSigning,
	"emailProtection":     x509.ExtKeyUsageEmailProtection,
	"timeStamping":        x509.ExtKeyUsageTimeStamping,
	"OCSPSigning":         x509.ExtKeyUsageOCSPSigning,
}

// errSkip marks a case outside what a TLS client checks.
type errSkip struct{ why string }

func (e errSkip) Error() string { return e.why }

func parsePresented(text, what string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", what)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return cert, nil
}

func decide(tc *testcase) error {
	switch {
	case len(tc.Crls) > 0:
		return errSkip{"CRLs not supported"}
	case tc.MaxChainDepth != nil:
		return errSkip{"max chain depth not supported"}
	case tc.ValidationKind != "SERVER":
		return errSkip{"unimplemented validationKind" + tc.ValidationKind}
	}
	roots := x509.NewCertPool()
	for _, text := range tc.TrustedCerts {
		roots.AppendCertsFromPEM([]byte(text))
	}
	leaf, err := parsePresented(tc.PeerCertificate, "peer certificate")
	if err != nil {
		return err
	}
	intermediates := x509.NewCertPool()
	for i, text := range tc.UntrustedIntermediates {
		cert, err := parsePresented(text, fmt.Sprintf("intermediate %d", i))
		if err != nil {
			return err
		}
		intermediates.AddCert(cert)
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: time.Now()}
	if tc.ValidationTime != nil {
		at, err := time.Parse(time.RFC3339, *tc.ValidationTime)
		if err != nil {
			return errSkip{"validation_time: " + err.Error()}
		}
		opts.CurrentTime = at
	}
	if tc.ExpectedPeerName != nil {
		opts.DNSName = tc.ExpectedPeerName.Value
	}
	for _, name := range tc.ExtendedKeyUsage {
		usage, ok := extKeyUsages[name]
		if !ok {
			return errSkip{"unknown extended key usage " + name}
		}
		opts.KeyUsages = append(opts.KeyUsages, usage)
	}
	_, err = leaf.Verify(opts)
	return err
}

func main() {
	var s suite
	if err := json.NewDecoder(bufio.NewReader(os.Stdin)).Decode(&s); err != nil {
		fmt.Fprintln(os.Stderr, "limboharness: reading the suite:", err)
		os.Exit(2)
	}
	out := output{Version: 1, Harness: "gocryptox509-" + runtime.Version()}
	for i := range s.Testcases {
		tc := &s.Testcases[i]
		r := result{ID: tc.ID, Actual: "SUCCESS"}
		if err := decide(tc); err != nil {
			why := err.Error()
			r.Context = &why
			var skip errSkip
			if errors.As(err, &skip) {
				r.Actual = "SKIPPED"
			} else {
				r.Actual = "FAILURE"
			}
		}
		out.Results = append(out.Results, r)
	}
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "limboharness: writing results:", err)
		os.Exit(2)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "limboharness: writing results:", err)
		os.Exit(2)
	}
}
