package main

import (
	"context"
	"errors"
)

// Placeholders until the classifier lands (issue 2).
func runClassify(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
func runRules(ctx context.Context, e *env, args []string) error {
	return errors.New("not implemented yet")
}
