// Command-line tests: whole cyclec invocations as testscript scripts in
// testdata/script, run in-process through run().
package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"cyclec": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
		"mknc":   mkncMain,
		// cyclec with the progress bar's delay at zero, so that a short
		// run would show a bar if its stderr were a terminal.
		"cyclec-eager": func() {
			progressDelay = 0
			os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
		},
	})
}

func TestScripts(t *testing.T) {
	goEnv := map[string]string{}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT"} {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		goEnv[name] = strings.TrimSpace(string(out))
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			for k, v := range goEnv {
				e.Setenv(k, v)
			}
			// Runs must build offline, from the module cache alone.
			e.Setenv("GOPROXY", "off")
			e.Setenv("GOFLAGS", "")
			e.Setenv("CYCLEC_CACHE", e.WorkDir+"/cache")
			return nil
		},
	})
}
