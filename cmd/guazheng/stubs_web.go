package main

import (
	"context"
	"errors"
)

// Placeholders until the web UI lands (issue 5).
func runServe(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
func runUser(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
func runReport(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
