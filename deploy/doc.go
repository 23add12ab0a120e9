// Package deploy holds the deployment files of tintot (Dockerfile, Compose, systemd,
// Kubernetes, CI workflow, example configuration and units); its tests check that they
// parse and say what operators rely on. It has no code of its own.
package deploy
