// cyclec version.
package main

import (
	"fmt"
	goruntime "runtime"

	"github.com/spf13/cobra"

	"github.com/cyclec/cyclec"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the cyclec version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "cyclec %s (generated code v%d, %s)\n", cyclec.Version, cycrt.GenVersion, goruntime.Version())
			return nil
		},
	}
}
