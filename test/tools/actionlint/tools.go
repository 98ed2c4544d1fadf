//go:build tools

// Package tools pins the actionlint command this module builds, so `go mod tidy` keeps it.
package tools

import (
	_ "github.com/rhysd/actionlint/cmd/actionlint"
)
