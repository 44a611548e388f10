module okd-trust.example/oracles

// The language version selects Go's GODEBUG defaults: keep it at the toolchain's release, so
// the oracle decides as a client-go program built with this Go does.
go 1.26
