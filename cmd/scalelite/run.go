package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"
)

// env is what every command may use of the outside world. Commands never read os.Getenv,
// os.Stdout and the like directly, so run can be tested.
type env struct {
	getenv func(string) string
	// lookupEnv also tells an empty variable from an unset one (os.LookupEnv).
	lookupEnv func(string) (string, bool)
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
}

// lookupOf is a lookup over getenv, where an empty variable counts as unset.
func lookupOf(getenv func(string) string) func(string) (string, bool) {
	return func(k string) (string, bool) { v := getenv(k); return v, v != "" }
}

// usageError marks bad command-line input (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitCode maps an error returned by run to the process exit status.
func exitCode(err error) int {
	var ue usageError
	var ec cli.ExitCoder
	switch {
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &ec) && ec.ExitCode() != 0:
		return ec.ExitCode()
	}
	return 1
}

// run executes the command line args (args[0] is the program name). Errors are printed to
// stderr and returned.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runLookup(ctx, args, lookupOf(getenv), stdin, stdout, stderr)
}

// runLookup is run with the environment as os.LookupEnv gives it.
func runLookup(ctx context.Context, args []string, lookup func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) error {
	getenv := func(k string) string { v, _ := lookup(k); return v }
	e := &env{getenv: getenv, lookupEnv: lookup, stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cli.Command{
		Name:            "scalelite",
		Usage:           "a Scalelite-compatible BigBlueButton load balancer",
		Description:     "Configuration comes from environment variables (see docs/configuration.md).",
		Commands:        commands(e),
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		HideVersion:     true,
		Suggest:         true,
		// run returns errors; it never exits the process itself.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			return usageError{err}
		},
		CommandNotFound: func(_ context.Context, cmd *cli.Command, name string) {
			fmt.Fprintf(stderr, "scalelite: unknown command %q; see 'scalelite --help'\n", name)
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Present() {
				return usagef("unknown command %q; see 'scalelite --help'", cmd.Args().First())
			}
			return cli.ShowRootCommandHelp(cmd)
		},
	}
	if len(args) == 0 {
		args = []string{"scalelite"}
	}
	err := root.Run(ctx, args)
	if err != nil {
		fmt.Fprintf(stderr, "scalelite: %v\n", err)
	}
	return err
}
