//go:build tools

// Package tools pins the AWS Controllers for Kubernetes ECS controller this module builds (the
// peer bench/ack/ compares the operator with), so `go mod tidy` keeps it.
package tools

import (
	_ "github.com/aws-controllers-k8s/ecs-controller/cmd/controller"
)
