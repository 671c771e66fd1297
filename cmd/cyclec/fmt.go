// cyclec fmt: canonical formatting of .cyc files.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/lang"
)

func newFmtCmd() *cobra.Command {
	var write, list bool
	cmd := &cobra.Command{
		Use:   "fmt [-w | -l] [FILE…]",
		Short: "Print .cyc files in canonical form",
		Long: `fmt prints each file in canonical form. With -w it rewrites the files
that change instead; with -l it lists them. With no files it formats
standard input to standard output (for editors). Formatting is
idempotent and keeps every comment.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if write && list {
				return usageErr("fmt: -w and -l cannot be used together")
			}
			if len(args) == 0 {
				if write || list {
					return usageErr("fmt: -w and -l need files")
				}
				return formatStdin(cmd)
			}
			failed := false
			for _, path := range args {
				src, err := readSource(path)
				if err != nil {
					return err
				}
				out, diags := lang.FormatSource(filepath.ToSlash(path), src)
				if diags.HasErrors() {
					diag.Fprint(cmd.ErrOrStderr(), diags, func(string) ([]byte, bool) { return src, true })
					failed = true
					continue
				}
				switch {
				case list:
					if !bytes.Equal(src, out) {
						fmt.Fprintln(cmd.OutOrStdout(), path)
					}
				case write:
					if bytes.Equal(src, out) {
						continue
					}
					info, err := os.Stat(path)
					if err != nil {
						return programErr(err)
					}
					if err := writeFileAtomic(path, out, info.Mode().Perm()); err != nil {
						return programErr(err)
					}
				default:
					cmd.OutOrStdout().Write(out)
				}
			}
			if failed {
				return reported
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "rewrite files in place")
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list files whose formatting differs")
	return cmd
}

// formatStdin formats standard input to standard output.
func formatStdin(cmd *cobra.Command) error {
	src, err := io.ReadAll(cmd.InOrStdin())
	if err != nil {
		return programErr(fmt.Errorf("reading standard input: %w", err))
	}
	out, diags := lang.FormatSource("<stdin>", src)
	if diags.HasErrors() {
		diag.Fprint(cmd.ErrOrStderr(), diags, func(string) ([]byte, bool) { return src, true })
		return reported
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}
