package main

import (
	"context"
	"errors"
)

// Placeholders until the demo lands (issue 6).
func runDemo(ctx context.Context, e *env, args []string) error { return errors.New("not implemented yet") }
