package deploy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"tintot/classify"
	"tintot/config"
	"tintot/models"
	"tintot/quota"
	"tintot/registry"
	"tintot/store/sqlite"
)

// yamlFiles lists every YAML file under deploy/ and .github/.
func yamlFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, root := range []string{".", "../.github"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("walk %s: %v", root, err)
		}
	}
	return files
}

// docs decodes every document of a YAML file into generic maps.
func docs(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []map[string]any
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if m != nil {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no YAML document", path)
	}
	return out
}

// dig walks nested maps and lists: keys for maps, ints for lists.
func dig(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: want a mapping holding %q, got %T", path, k, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("missing key %q (path %v)", k, path)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %v: want a list with index %d, got %T", path, k, v)
			}
			v = l[k]
		}
	}
	return v
}

func str(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, ok := dig(t, v, path...).(string)
	if !ok {
		t.Fatalf("%v is not a string", path)
	}
	return s
}

func TestEveryYAMLFileParses(t *testing.T) {
	files := yamlFiles(t)
	for _, want := range []string{"docker-compose.yml", "tintot.example.yaml", "k8s/deployment.yaml", "k8s/configmap.yaml", "k8s/secret.yaml", "k8s/service.yaml", "../.github/workflows/ci.yml"} {
		if !slices.Contains(files, filepath.Clean(want)) {
			t.Errorf("%s missing (found %v)", want, files)
		}
	}
	for _, f := range files {
		docs(t, f)
	}
}

func TestCompose(t *testing.T) {
	c := docs(t, "docker-compose.yml")[0]
	services := dig(t, c, "services").(map[string]any)
	for _, s := range []string{"mongo", "tintot", "mailpit"} {
		if _, ok := services[s]; !ok {
			t.Fatalf("service %s missing", s)
		}
	}
	if img := str(t, c, "services", "mongo", "image"); img != "mongo:7" {
		t.Errorf("mongo image = %q, want mongo:7", img)
	}
	cmd := strings.Join(toStrings(dig(t, c, "services", "mongo", "command")), " ")
	if !strings.Contains(cmd, "--replSet rs0") {
		t.Errorf("mongo command %q does not start a replica set rs0", cmd)
	}
	hc := strings.Join(toStrings(dig(t, c, "services", "mongo", "healthcheck", "test")), " ")
	if !strings.Contains(hc, "rs.initiate") || !strings.Contains(hc, "isWritablePrimary") {
		t.Errorf("mongo healthcheck %q must initiate the replica set and wait for a primary", hc)
	}
	env := dig(t, c, "services", "tintot", "environment").(map[string]any)
	if got := env["TINTOT_DATABASE_URL"]; got != "mongodb://mongo:27017/tintot?replicaSet=rs0" {
		t.Errorf("TINTOT_DATABASE_URL = %v", got)
	}
	if got := env["TINTOT_SMTP_URL"]; got != "smtp://mailpit:1025" {
		t.Errorf("TINTOT_SMTP_URL = %v, want the mail catcher", got)
	}
	if got := str(t, c, "services", "tintot", "depends_on", "mongo", "condition"); got != "service_healthy" {
		t.Errorf("tintot starts on mongo %q, want service_healthy", got)
	}
	if str(t, c, "services", "mailpit", "image") != "axllent/mailpit:latest" {
		t.Errorf("mail catcher is not mailpit")
	}
	ports := strings.Join(toStrings(dig(t, c, "services", "mailpit", "ports")), " ")
	for _, p := range []string{"8025:8025", "1025:1025"} {
		if !strings.Contains(ports, p) {
			t.Errorf("mailpit ports %q lack %s", ports, p)
		}
	}
	if str(t, c, "services", "tintot", "build", "dockerfile") != "deploy/Dockerfile" {
		t.Errorf("tintot is not built from deploy/Dockerfile")
	}
	for _, v := range toStrings(dig(t, c, "services", "tintot", "volumes")) {
		if src, _, ok := strings.Cut(v, ":"); ok && strings.HasPrefix(src, "./") {
			if _, err := os.Stat(src); err != nil {
				t.Errorf("mounted file %s: %v", src, err)
			}
		}
	}
}

// TestComposeFerretDB: the FerretDB deployment runs FerretDB on PostgreSQL, tintot on
// it, and adds the PostgreSQL indexes FerretDB lacks once tintot is up.
func TestComposeFerretDB(t *testing.T) {
	c := docs(t, "docker-compose.ferretdb.yml")[0]
	if got := str(t, c, "services", "ferretdb", "environment", "FERRETDB_HANDLER"); got != "postgresql" {
		t.Errorf("FERRETDB_HANDLER = %q, want postgresql", got)
	}
	if got := str(t, c, "services", "tintot", "environment", "TINTOT_DATABASE_URL"); got != "mongodb://ferretdb:27017/tintot" {
		t.Errorf("TINTOT_DATABASE_URL = %q", got)
	}
	if got := str(t, c, "services", "pg-indexes", "depends_on", "tintot", "condition"); got != "service_healthy" {
		t.Errorf("pg-indexes runs on tintot %q, want service_healthy (its collections exist then)", got)
	}
	cmd := strings.Join(toStrings(dig(t, c, "services", "pg-indexes", "command")), " ")
	if !strings.Contains(cmd, "db=tintot") || !strings.Contains(cmd, "/postgresql-indexes.sql") {
		t.Errorf("pg-indexes command %q", cmd)
	}
	for _, v := range toStrings(dig(t, c, "services", "pg-indexes", "volumes")) {
		src, _, _ := strings.Cut(v, ":")
		if _, err := os.Stat(src); err != nil {
			t.Errorf("mounted file %s: %v", src, err)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
	case string:
		out = append(out, x)
	}
	return out
}

// k8sObjects indexes the Kubernetes manifests by kind.
func k8sObjects(t *testing.T) map[string]map[string]any {
	t.Helper()
	objs := map[string]map[string]any{}
	files, _ := filepath.Glob("k8s/*.yaml")
	for _, f := range files {
		for _, d := range docs(t, f) {
			kind := str(t, d, "kind")
			if kind == "Kustomization" {
				for _, r := range toStrings(dig(t, d, "resources")) {
					if _, err := os.Stat(filepath.Join("k8s", r)); err != nil {
						t.Errorf("kustomization resource %s: %v", r, err)
					}
				}
				continue
			}
			objs[kind] = d
		}
	}
	return objs
}

func TestKubernetes(t *testing.T) {
	objs := k8sObjects(t)
	for _, k := range []string{"Deployment", "Service", "ConfigMap", "Secret"} {
		if objs[k] == nil {
			t.Fatalf("no %s manifest", k)
		}
	}
	dep := objs["Deployment"]
	if r := dig(t, dep, "spec", "replicas"); r != 2 {
		t.Errorf("replicas = %v, want 2", r)
	}
	ctr := dig(t, dep, "spec", "template", "spec", "containers", 0)
	if p := str(t, ctr, "readinessProbe", "httpGet", "path"); p != "/readyz" {
		t.Errorf("readiness path = %s", p)
	}
	if p := str(t, ctr, "livenessProbe", "httpGet", "path"); p != "/healthz" {
		t.Errorf("liveness path = %s", p)
	}
	for _, r := range []string{"cpu", "memory"} {
		dig(t, ctr, "resources", "requests", r)
	}
	// Every secret and config key the pod reads exists.
	cm := dig(t, objs["ConfigMap"], "data").(map[string]any)
	sec := dig(t, objs["Secret"], "stringData").(map[string]any)
	cmName := str(t, objs["ConfigMap"], "metadata", "name")
	secName := str(t, objs["Secret"], "metadata", "name")
	for _, e := range dig(t, ctr, "env").([]any) {
		from, ok := e.(map[string]any)["valueFrom"].(map[string]any)
		if !ok {
			continue
		}
		if ref, ok := from["secretKeyRef"].(map[string]any); ok {
			if ref["name"] != secName || sec[ref["key"].(string)] == nil {
				t.Errorf("env reads secret %v key %v, which does not exist", ref["name"], ref["key"])
			}
		}
		if ref, ok := from["configMapKeyRef"].(map[string]any); ok {
			if ref["name"] != cmName || cm[ref["key"].(string)] == nil {
				t.Errorf("env reads config map %v key %v, which does not exist", ref["name"], ref["key"])
			}
		}
	}
	for _, k := range []string{"TINTOT_SMTP_URL", "TINTOT_ADMIN_TOKEN", "TINTOT_DATABASE_URL"} {
		if sec[k] == nil {
			t.Errorf("secret lacks %s", k)
		}
	}
	if !strings.HasPrefix(sec["TINTOT_DATABASE_URL"].(string), "mongodb://") {
		t.Errorf("two replicas need MongoDB, secret has %v", sec["TINTOT_DATABASE_URL"])
	}
	// The service selects the pods.
	sel := dig(t, objs["Service"], "spec", "selector").(map[string]any)
	labels := dig(t, dep, "spec", "template", "metadata", "labels").(map[string]any)
	for k, v := range sel {
		if labels[k] != v {
			t.Errorf("service selector %s=%v does not match pod labels %v", k, v, labels)
		}
	}
	// The config map's tintot.yaml is a valid tintot configuration.
	path := filepath.Join(t.TempDir(), "tintot.yaml")
	if err := os.WriteFile(path, []byte(cm["tintot.yaml"].(string)), 0o600); err != nil {
		t.Fatal(err)
	}
	checkConfigFile(t, path)
}

// checkConfigFile loads a tintot YAML file the way the service does and returns its policy.
func checkConfigFile(t *testing.T, path string) models.Policy {
	t.Helper()
	f, err := config.ReadFile(path)
	if err != nil {
		t.Fatalf("config.ReadFile(%s): %v", path, err)
	}
	p, err := quota.PolicyFromYAML(&f.Policy)
	if err != nil {
		t.Fatalf("%s: policy: %v", path, err)
	}
	if _, err := classify.RulesFromYAML(&f.Rules); err != nil {
		t.Fatalf("%s: rules: %v", path, err)
	}
	return p
}

func TestExampleConfig(t *testing.T) {
	p := checkConfigFile(t, "tintot.example.yaml")
	if len(p.Peaks) == 0 || !strings.Contains(p.Peaks[0].Name, "Tuần cao điểm") {
		t.Fatalf("example has no peak week: %+v", p.Peaks)
	}
	base := map[string]int{}
	for _, tg := range p.Targets {
		if tg.Level == models.LevelBaseline {
			base[tg.Name] = tg.Minimum
		}
	}
	for name, min := range p.Peaks[0].Minimums {
		if min <= base[name] {
			t.Errorf("peak minimum of %s is %d, not above the baseline %d", name, min, base[name])
		}
	}
	if len(p.Exemptions) == 0 || p.Exemptions[0].Reason == "" {
		t.Errorf("example has no exemption with a reason")
	}
}

func TestCIWorkflow(t *testing.T) {
	w := docs(t, "../.github/workflows/ci.yml")[0]
	on := dig(t, w, "on").(map[string]any)
	for _, e := range []string{"push", "pull_request"} {
		if _, ok := on[e]; !ok {
			t.Errorf("workflow does not run on %s", e)
		}
	}
	job := dig(t, w, "jobs", "test")
	if uri := str(t, job, "env", "TINTOT_TEST_MONGO_URI"); uri != "mongodb://localhost:27017/?replicaSet=rs0&directConnection=true" {
		t.Errorf("TINTOT_TEST_MONGO_URI = %q", uri)
	}
	var runs []string
	goVersion := ""
	for _, s := range dig(t, job, "steps").([]any) {
		m := s.(map[string]any)
		if r, ok := m["run"].(string); ok {
			runs = append(runs, r)
		}
		if m["uses"] == "actions/setup-go@v5" {
			goVersion = str(t, m, "with", "go-version")
		}
	}
	if goVersion != "1.26" {
		t.Errorf("setup-go version = %q, want 1.26", goVersion)
	}
	all := strings.Join(runs, "\n")
	for _, want := range []string{"mongo:7", "--replSet rs0", "rs.initiate", "chromium", "go vet ./...", "go test -race ./..."} {
		if !strings.Contains(all, want) {
			t.Errorf("workflow steps lack %q", want)
		}
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{"FROM golang:1.26 AS build", "CGO_ENABLED=0", "./cmd/tintot", "tzdata", "ca-certificates",
		"USER 10001", `VOLUME ["/data"]`, "EXPOSE 8080", "HEALTHCHECK", "/healthz", "sqlite:///data/tintot.db"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	froms := 0
	for _, l := range strings.Split(df, "\n") {
		if strings.HasPrefix(l, "FROM ") {
			froms++
		}
	}
	if froms < 2 {
		t.Errorf("Dockerfile has %d stages, want a multi-stage build", froms)
	}
}

func TestSystemdUnit(t *testing.T) {
	f, err := os.Open("tintot.service")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "["):
			section = l
		default:
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				t.Errorf("bad line in tintot.service: %q", l)
			}
			keys[section+k] = v
		}
	}
	want := map[string]string{
		"[Service]User":            "tintot",
		"[Service]EnvironmentFile": "/etc/tintot/tintot.env",
		"[Service]NoNewPrivileges": "yes",
		"[Service]ProtectSystem":   "strict",
		"[Service]ReadWritePaths":  "/var/lib/tintot",
		"[Service]Restart":         "on-failure",
		"[Service]ExecStart":       "/usr/local/bin/tintot serve",
		"[Install]WantedBy":        "multi-user.target",
	}
	for k, v := range want {
		if keys[k] != v {
			t.Errorf("%s = %q, want %q", k, keys[k], v)
		}
	}
}

func TestExampleUnitsImport(t *testing.T) {
	f, err := os.Open("examples/units.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := registry.Import(ctx, st, f, registry.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("example file rejected: %v", rep.Errors)
	}
	if rep.Units < 15 || rep.Changes.UnitsCreated != rep.Units {
		t.Errorf("example import: %+v", rep)
	}
}
