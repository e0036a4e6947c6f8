package serve

import "github.com/zincware/zndraw-auth-go/internal/version"

// Version returns the kit's module version in the running binary, from the
// build information Go records: v1.2.3 when the kit is required at
// v1.2.3, "(devel)" in a build of a checkout.
func Version() string { return version.Get() }

// VersionLine is what -version prints: program's name, the kit's version
// and the Go version.
func VersionLine(program string) string { return version.Line(program) }
