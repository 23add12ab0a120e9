package config

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// File is the optional YAML file (TINTOT_CONFIG). Each section is parsed by the package
// that owns it: quota for the policy, classify for the rules.
type File struct {
	Policy yaml.Node `yaml:"policy"`
	Rules  yaml.Node `yaml:"rules"`
}

// ReadFile parses the YAML file at path; unknown top-level keys are an error.
func ReadFile(path string) (File, error) {
	var f File
	if path == "" {
		return f, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("config: unable to read %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && err.Error() != "EOF" {
		return f, fmt.Errorf("config: %s: %w", path, err)
	}
	return f, nil
}
