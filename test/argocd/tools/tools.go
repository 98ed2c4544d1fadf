//go:build tools

// Package tools pins the Argo CD command this module builds, so `go mod tidy` keeps it.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
