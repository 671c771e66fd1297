// cyclec check: diagnostics only.
package main

import (
	"github.com/spf13/cobra"
)

func newCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE…",
		Short: "Report the diagnostics of .cyc files",
		Long: `check parses and type-checks each file and prints its diagnostics as
file:line:col: error: message, with the source line and a caret, including
what build would report (forms not implemented yet, generated names that
collide). It writes nothing, prints nothing for a clean program and exits 1
if any file has errors.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := false
			for _, path := range args {
				if _, _, err := generate(path, "", cmd.ErrOrStderr()); err != nil {
					if err != reported {
						return err
					}
					failed = true
				}
			}
			if failed {
				return reported
			}
			return nil
		},
	}
}
