// Package version reports the kit's module version from the build
// information Go records in every binary, for the -version flag of the
// kit's binaries and the OpenAPI document's info.version.
package version

import (
	"runtime"
	"runtime/debug"
)

// Module is the kit's module path.
const Module = "github.com/zincware/zndraw-auth-go"

// Devel is the version of a build whose version is not known: a build in a
// checkout of the kit without VCS stamping, or a test binary.
const Devel = "(devel)"

// Get returns the kit's module version in the running binary: the module's
// own version when the binary is one of the kit's (v1.2.3 after go install
// ...@v1.2.3, a pseudo-version or Devel in a checkout), the version required
// when the kit is a dependency of the binary (the replacement's, when it is
// replaced), and Devel without build information.
func Get() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Devel
	}
	return fromBuildInfo(bi)
}

// fromBuildInfo is Get for a given build.
func fromBuildInfo(bi *debug.BuildInfo) string {
	if bi.Main.Path == Module {
		return orDevel(bi.Main.Version)
	}
	for _, d := range bi.Deps {
		if d.Path != Module {
			continue
		}
		if d.Replace != nil && d.Replace.Version != "" {
			return d.Replace.Version
		}
		if d.Replace != nil {
			return Devel
		}
		return orDevel(d.Version)
	}
	return Devel
}

func orDevel(v string) string {
	if v == "" {
		return Devel
	}
	return v
}

// Line is what a binary's -version flag prints: its name, the kit's
// version and the Go version it was built with.
func Line(program string) string {
	return program + " " + Get() + " (zndraw-auth-go, " + runtime.Version() + ")"
}
