// Package deploycheck checks the deployment files of docker/ offline with the libraries the
// real tools are built from: the Helm chart with Helm's own linter and template engine, its
// manifests decoded strictly into the Kubernetes API types, and compose.yaml with the Compose
// specification's loader. It is a module of its own so that Helm's and Kubernetes' many
// dependencies stay out of the balancer's; .ci/test runs it.
package deploycheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	"sigs.k8s.io/yaml"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
)

const chartDir = "../helm/scalelite"

func valuesFile(t *testing.T, name string) map[string]any {
	t.Helper()
	vals, err := common.ReadValuesFile(filepath.Join(chartDir, "ci", name))
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

// TestHelmLint is `helm lint --strict` with each CI values file.
func TestHelmLint(t *testing.T) {
	for _, name := range []string{"minimal-values.yaml", "full-values.yaml"} {
		t.Run(name, func(t *testing.T) {
			res := lint.RunAll(chartDir, valuesFile(t, name), "scalelite")
			for _, m := range res.Messages {
				if m.Severity >= support.WarningSev {
					t.Errorf("helm lint: %s", m)
				}
			}
		})
	}
}

// render is `helm template` of the chart with the values; it returns the manifests by kind and
// name.
func render(t *testing.T, vals map[string]any) map[string]runtime.Object {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := util.ToRenderValues(ch, vals, common.ReleaseOptions{Name: "lb", Namespace: "bbb", IsInstall: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := engine.Render(ch, rv)
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	// Strict: an unknown or duplicated field is an error, as the API server's field validation.
	decoder := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	out := map[string]runtime.Object{}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		for _, doc := range strings.Split(files[name], "\n---") {
			if strings.TrimSpace(strings.TrimPrefix(doc, "---")) == "" || isComments(doc) {
				continue
			}
			var meta struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatalf("%s: not YAML: %v\n%s", name, err, doc)
			}
			key := meta.Kind + "/" + meta.Metadata.Name
			if strings.HasPrefix(meta.APIVersion, "monitoring.coreos.com/") {
				out[key] = &unstructuredDoc{raw: doc}
				continue
			}
			obj, _, err := decoder.Decode([]byte(doc), nil, nil)
			if err != nil {
				t.Fatalf("%s: %s does not decode strictly: %v\n%s", name, key, err, doc)
			}
			out[key] = obj
		}
	}
	return out
}

// unstructuredDoc holds a custom resource (Prometheus operator) as YAML.
type unstructuredDoc struct {
	runtime.Object
	raw string
}

func isComments(doc string) bool {
	for _, l := range strings.Split(doc, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") && l != "---" {
			return false
		}
	}
	return true
}

func TestHelmTemplateMinimal(t *testing.T) {
	objs := render(t, valuesFile(t, "minimal-values.yaml"))
	want := []string{
		"ConfigMap/lb-scalelite", "Secret/lb-scalelite", "Service/lb-scalelite", "Service/lb-scalelite-metrics",
		"Deployment/lb-scalelite-api", "Deployment/lb-scalelite-poller", "Deployment/lb-scalelite-importer",
		"HorizontalPodAutoscaler/lb-scalelite-api", "PodDisruptionBudget/lb-scalelite-api",
		"PersistentVolumeClaim/lb-scalelite-recordings",
	}
	var got []string
	for k := range objs {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("manifests %v, want %v", got, want)
	}

	secret := objs["Secret/lb-scalelite"].(*corev1.Secret)
	for _, k := range []string{"LOADBALANCER_SECRET", "DATABASE_URL", "REDIS_URL"} {
		if secret.StringData[k] == "" {
			t.Errorf("Secret lacks %s", k)
		}
	}
	if _, ok := secret.StringData["SECRET_KEY_BASE"]; ok {
		t.Errorf("an empty secret value is rendered")
	}
	cm := objs["ConfigMap/lb-scalelite"].(*corev1.ConfigMap)
	if cm.Data["METRICS_BIND"] != ":9090" || cm.Data["REDIS_NAMESPACE"] != "scalelite" {
		t.Errorf("ConfigMap %v", cm.Data)
	}

	api := objs["Deployment/lb-scalelite-api"].(*appsv1.Deployment)
	if api.Spec.Replicas != nil {
		t.Errorf("the api Deployment sets replicas while the HPA scales it")
	}
	c := api.Spec.Template.Spec.Containers[0]
	if strings.Join(c.Args, " ") != "serve --roles api" || c.LivenessProbe.HTTPGet.Path != "/healthz" ||
		c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.ReadinessProbe.HTTPGet.Port.String() != "http" {
		t.Errorf("api container %+v", c)
	}
	if !hasMount(c, "/var/bigbluebutton") || *c.SecurityContext.ReadOnlyRootFilesystem != true {
		t.Errorf("api container mounts %v", c.VolumeMounts)
	}
	poller := objs["Deployment/lb-scalelite-poller"].(*appsv1.Deployment)
	pc := poller.Spec.Template.Spec.Containers[0]
	if *poller.Spec.Replicas != 2 || pc.ReadinessProbe.HTTPGet.Port.String() != "metrics" || hasMount(pc, "/var/bigbluebutton") {
		t.Errorf("poller %d replicas, probe %v, mounts %v", *poller.Spec.Replicas, pc.ReadinessProbe.HTTPGet.Port, pc.VolumeMounts)
	}
	importer := objs["Deployment/lb-scalelite-importer"].(*appsv1.Deployment)
	if ic := importer.Spec.Template.Spec.Containers[0]; !hasMount(ic, "/var/bigbluebutton") || *importer.Spec.Template.Spec.TerminationGracePeriodSeconds < 60 {
		t.Errorf("importer mounts %v, grace %d", ic.VolumeMounts, *importer.Spec.Template.Spec.TerminationGracePeriodSeconds)
	}

	// Selectors: the Service and PDB reach the api pods only; the metrics Service every pod.
	apiLabels := api.Spec.Template.Labels
	pollerLabels := poller.Spec.Template.Labels
	svc := objs["Service/lb-scalelite"].(*corev1.Service)
	metrics := objs["Service/lb-scalelite-metrics"].(*corev1.Service)
	pdb := objs["PodDisruptionBudget/lb-scalelite-api"].(*policyv1.PodDisruptionBudget)
	if !selects(svc.Spec.Selector, apiLabels) || selects(svc.Spec.Selector, pollerLabels) {
		t.Errorf("Service selector %v", svc.Spec.Selector)
	}
	if !selects(pdb.Spec.Selector.MatchLabels, apiLabels) || selects(pdb.Spec.Selector.MatchLabels, pollerLabels) {
		t.Errorf("PDB selector %v", pdb.Spec.Selector.MatchLabels)
	}
	if !selects(metrics.Spec.Selector, apiLabels) || !selects(metrics.Spec.Selector, pollerLabels) {
		t.Errorf("metrics Service selector %v", metrics.Spec.Selector)
	}
	for _, d := range []*appsv1.Deployment{api, poller, importer} {
		if !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			t.Errorf("%s selects none of its pods", d.Name)
		}
	}
	hpa := objs["HorizontalPodAutoscaler/lb-scalelite-api"].(*autoscalingv2.HorizontalPodAutoscaler)
	if hpa.Spec.ScaleTargetRef.Name != api.Name || hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas != 2 {
		t.Errorf("HPA %+v", hpa.Spec)
	}
}

func TestHelmTemplateFull(t *testing.T) {
	objs := render(t, valuesFile(t, "full-values.yaml"))
	for _, k := range []string{"Ingress/lb-scalelite", "ServiceMonitor/lb-scalelite", "PrometheusRule/lb-scalelite", "ConfigMap/lb-scalelite-dashboard"} {
		if objs[k] == nil {
			t.Errorf("no %s", k)
		}
	}
	if objs["PersistentVolumeClaim/lb-scalelite-recordings"] != nil {
		t.Errorf("a PVC is rendered although recordings.existingClaim is set")
	}
	api := objs["Deployment/lb-scalelite-api"].(*appsv1.Deployment)
	c := api.Spec.Template.Spec.Containers[0]
	if c.Image != "registry.example.com/scalelite-go:v1.2.3" {
		t.Errorf("image %s", c.Image)
	}
	var dbURL string
	for _, e := range c.Env {
		if e.Name == "DATABASE_URL" {
			dbURL = e.Value
		}
	}
	if dbURL != "postgres://scalelite:$(DATABASE_PASSWORD)@postgres.example.internal:5432/scalelite?sslmode=require" {
		t.Errorf("DATABASE_URL from the password Secret: %q", dbURL)
	}
	for _, v := range api.Spec.Template.Spec.Volumes {
		if v.Name == "recordings" && v.PersistentVolumeClaim.ClaimName != "bbb-recordings" {
			t.Errorf("recordings claim %s", v.PersistentVolumeClaim.ClaimName)
		}
	}
	ing := objs["Ingress/lb-scalelite"].(*networkingv1.Ingress)
	if ing.Spec.Rules[0].Host != "lb.example.com" || ing.Spec.TLS[0].SecretName != "scalelite-tls" ||
		ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name != "lb-scalelite" {
		t.Errorf("Ingress %+v", ing.Spec)
	}
	cm := objs["ConfigMap/lb-scalelite"].(*corev1.ConfigMap)
	if cm.Data["POLL_INTERVAL"] != "30" || cm.Data["REDIS_NAMESPACE"] != "scalelite-prod" {
		t.Errorf("ConfigMap %v", cm.Data)
	}

	// The PrometheusRule carries docker/monitoring/alerts.yaml, and promtool accepts it.
	rule := objs["PrometheusRule/lb-scalelite"].(*unstructuredDoc)
	var pr struct {
		Spec map[string]any `json:"spec"`
	}
	if err := yaml.Unmarshal([]byte(rule.raw), &pr); err != nil {
		t.Fatal(err)
	}
	canonical, err := os.ReadFile("../monitoring/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := yaml.Unmarshal(canonical, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pr.Spec, want) {
		t.Errorf("the PrometheusRule's spec differs from docker/monitoring/alerts.yaml")
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		out, _ := yaml.Marshal(pr.Spec)
		file := filepath.Join(t.TempDir(), "rules.yaml")
		os.WriteFile(file, out, 0o644)
		if res, err := exec.Command(promtool, "check", "rules", file).CombinedOutput(); err != nil {
			t.Errorf("promtool check rules on the PrometheusRule: %v\n%s", err, res)
		}
	}
	dash := objs["ConfigMap/lb-scalelite-dashboard"].(*corev1.ConfigMap)
	if dash.Labels["grafana_dashboard"] != "1" || !strings.Contains(dash.Data["scalelite.json"], `"uid": "scalelite-go"`) {
		t.Errorf("dashboard ConfigMap labels %v", dash.Labels)
	}
}

// A release without its required values fails with a message that says what to set.
func TestHelmTemplateRequiredValues(t *testing.T) {
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := util.ToRenderValues(ch, map[string]any{}, common.ReleaseOptions{Name: "lb", Namespace: "bbb"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Render(ch, rv); err == nil || !strings.Contains(err.Error(), "secrets.LOADBALANCER_SECRET is required") {
		t.Errorf("render without values: %v", err)
	}
}

func hasMount(c corev1.Container, path string) bool {
	for _, m := range c.VolumeMounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}

// selects reports whether a label selector matches the labels.
func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
