// Package verifybench times Go's crypto/x509 on the chains of okd-trust's criterion `verify`
// bench, exported by `cargo run -p okd-trust-benches --bin export-chains -- DIR` and named by
// OKD_TRUST_BENCH_CHAINS=DIR. Two shapes per chain, as in criterion: "Verify" on certificates
// parsed once (what okd-trust verify measures), and "ParseVerify" parsing the served leaf and
// intermediates on every call (what a TLS handshake does). Both check validity, serverAuth and
// the host name.
package verifybench

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

const host = "api-int.bench.example"

// at is inside every exported chain's validity: 1970 + 5 days, as CHAIN_AT in the benches.
var at = time.Unix(5*86400, 0)

func ders(b *testing.B, path string) [][]byte {
	text, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var out [][]byte
	for {
		var block *pem.Block
		block, text = pem.Decode(text)
		if block == nil {
			return out
		}
		out = append(out, block.Bytes)
	}
}

func parse(b *testing.B, der []byte) *x509.Certificate {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		b.Fatal(err)
	}
	return cert
}

func BenchmarkChains(b *testing.B) {
	dir := os.Getenv("OKD_TRUST_BENCH_CHAINS")
	if dir == "" {
		b.Skip("OKD_TRUST_BENCH_CHAINS is not set: run scripts/bench-go.sh")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		leafDER := ders(b, filepath.Join(dir, name, "leaf.pem"))[0]
		intDERs := ders(b, filepath.Join(dir, name, "intermediates.pem"))
		roots := x509.NewCertPool()
		roots.AddCert(parse(b, ders(b, filepath.Join(dir, name, "root.pem"))[0]))

		leaf := parse(b, leafDER)
		intermediates := x509.NewCertPool()
		for _, der := range intDERs {
			intermediates.AddCert(parse(b, der))
		}
		opts := x509.VerifyOptions{Roots: roots, Intermediates: intermediates, DNSName: host, CurrentTime: at}
		if _, err := leaf.Verify(opts); err != nil {
			b.Fatalf("%s: Go does not trust the chain: %v", name, err)
		}

		b.Run(name+"/Verify", func(b *testing.B) {
			for b.Loop() {
				if _, err := leaf.Verify(opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/ParseVerify", func(b *testing.B) {
			for b.Loop() {
				leaf := parse(b, leafDER)
				pool := x509.NewCertPool()
				for _, der := range intDERs {
					pool.AddCert(parse(b, der))
				}
				opts := x509.VerifyOptions{Roots: roots, Intermediates: pool, DNSName: host, CurrentTime: at}
				if _, err := leaf.Verify(opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
