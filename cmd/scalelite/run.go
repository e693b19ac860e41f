package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/config"
)

// env is what every command may use of the outside world. Commands never read os.Getenv,
// os.Stdout and the like directly, so run can be tested.
type env struct {
	getenv func(string) string
	// lookupEnv also tells an empty variable from an unset one (os.LookupEnv); getenv is it
	// with empty counting as unset. Both include the environment file's values (envFile, when
	// one is used) under the process environment (processEnv).
	lookupEnv  func(string) (string, bool)
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	processEnv func(string) (string, bool)
	envFile    string
	logLevel   *slog.LevelVar // the level of loadConfig's logger, changed by a reload
}

// lookupOf is a lookup over getenv, where an empty variable counts as unset.
func lookupOf(getenv func(string) string) func(string) (string, bool) {
	return func(k string) (string, bool) { v := getenv(k); return v, v != "" }
}

// useLookup makes lookup the environment that commands read.
func (e *env) useLookup(lookup func(string) (string, bool)) {
	e.lookupEnv = lookup
	e.getenv = func(k string) string { v, _ := lookup(k); return v }
}

// useEnvFile layers the environment file (--env-file or SCALELITE_ENV_FILE) under the process
// environment, so every command reads the same settings as serve; reloadEnvFile reads it again.
func (e *env) useEnvFile(path string) error {
	if path == "" {
		path, _ = e.processEnv(config.EnvFileVar)
	}
	if path == "" {
		return nil
	}
	e.envFile = path
	return e.reloadEnvFile()
}

func (e *env) reloadEnvFile() error {
	vals, err := config.ReadEnvFile(e.envFile)
	if err != nil {
		return err
	}
	e.useLookup(config.LayeredLookup(e.processEnv, vals))
	return nil
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
	e := &env{processEnv: lookup, stdin: stdin, stdout: stdout, stderr: stderr}
	e.useLookup(lookup)
	root := &cli.Command{
		Name:        "scalelite",
		Usage:       "a Scalelite-compatible BigBlueButton load balancer",
		Description: "Configuration comes from environment variables (see docs/configuration.md).",
		Commands:    commands(e),
		Flags:       []cli.Flag{&cli.StringFlag{Name: "env-file", Usage: "read settings from this file of KEY=VALUE lines, under the environment (default: " + config.EnvFileVar + ")"}},
		Before: func(ctx context.Context, cmd *cli.Command) (context.Context, error) {
			return ctx, e.useEnvFile(cmd.String("env-file"))
		},
		EnableShellCompletion: true,
		ConfigureShellCompletionCommand: func(c *cli.Command) {
			c.Hidden = false
			c.Usage = "print the shell completion script: scalelite completion bash|zsh|fish"
		},
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
