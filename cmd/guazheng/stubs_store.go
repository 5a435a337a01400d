package main

import (
	"context"
	"errors"
)

// Placeholders until the evidence store lands (issue 4).
func runEvidence(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
func runExport(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
