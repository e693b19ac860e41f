package main

import (
	"context"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/bbbsim"
)

func bbbsimCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:            "bbbsim",
		Usage:           "run simulated BigBlueButton servers on 127.0.0.1 (see 'scalelite bbbsim --help')",
		SkipFlagParsing: true, // bbbsim.RunCommand parses its own flags and answers --help
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return bbbsim.RunCommand(ctx, cmd.Args().Slice(), e.stdout)
		},
	}
}
