package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	dep := func(v string, r *debug.Module) *debug.Module {
		return &debug.Module{Path: Module, Version: v, Replace: r}
	}
	for _, tc := range []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"installed binary", debug.BuildInfo{Main: debug.Module{Path: Module, Version: "v1.2.3"}}, "v1.2.3"},
		{"checkout", debug.BuildInfo{Main: debug.Module{Path: Module, Version: "(devel)"}}, Devel},
		{"no version", debug.BuildInfo{Main: debug.Module{Path: Module}}, Devel},
		{"dependency", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: "other", Version: "v9"}, dep("v0.4.0", nil)}}, "v0.4.0"},
		{"replaced by a version", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{dep("v0.4.0", &debug.Module{Path: "fork", Version: "v0.4.1"})}}, "v0.4.1"},
		{"replaced by a directory", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{dep("v0.4.0", &debug.Module{Path: "../kit"})}}, Devel},
		{"not in the binary", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}}, Devel},
	} {
		if got := fromBuildInfo(&tc.bi); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLine(t *testing.T) {
	l := Line("zndraw-auth-login")
	if !strings.HasPrefix(l, "zndraw-auth-login "+Get()+" ") || !strings.Contains(l, "go1.") {
		t.Errorf("Line = %q", l)
	}
}
