// Command cyclec compiles .cyc data-assimilation programs to Go, checks
// them, formats them and runs them.
//
//	cyclec check FILE…              report diagnostics
//	cyclec build FILE -o DIR        write DIR/<stem>.cyc.go
//	cyclec run FILE [--cycle NAME] [--set name=value]… [--json]
//	cyclec fmt [-w] FILE…           print or rewrite in canonical form
//	cyclec plot RUN.nc [-o FILE.png] draw a NetCDF history as a PNG
//	cyclec version
//
// Exit status: 0 on success, 1 for errors in the program, 2 for misuse of
// the command.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
