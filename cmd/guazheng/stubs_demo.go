package main

import (
	"context"
	"errors"
)

// Placeholders until the demo and daemon land (issue 6).
func runDemo(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
func runConfig(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
func runVersion(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
