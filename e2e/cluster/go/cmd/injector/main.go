// Sidecar injector stand-in: a real mutating admission webhook doing what istiod's injector does
// for these tests. The API server calls it over TLS on 127.0.0.1 for pod CREATE in namespaces
// labelled istio-injection=enabled (the MutatingWebhookConfiguration run.sh registers by URL).
// It adds the istio-proxy container as Istio's injection template does, honouring
//
//	sidecar.istio.io/inject: "false"       no sidecar
//	sidecar.istio.io/proxyImage            the image, used as is only when it contains a "/";
//	                                       otherwise HUB/VALUE:TAG, as Istio's template does
//	sidecar.istio.io/proxyMemory           resources.requests.memory
//	sidecar.istio.io/proxyMemoryLimit      resources.limits.memory
//
// and records sidecar.istio.io/status. No iptables init container: the rig routes nothing.
//
//	injector --listen 127.0.0.1:PORT --cert FILE --key FILE --hub HUB --image NAME --tag TAG
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const proxySHA = "meshdbg-e2e-envoy-like"

type config struct{ hub, image, tag string }

type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address (loopback only)")
	cert := flag.String("cert", "", "serving certificate (PEM)")
	key := flag.String("key", "", "its key (PEM)")
	var c config
	flag.StringVar(&c.hub, "hub", "", "default registry and path, e.g. 127.0.0.1:5000")
	flag.StringVar(&c.image, "image", "proxyv2", "default proxy image name")
	flag.StringVar(&c.tag, "tag", "stock", "default proxy image tag")
	flag.Parse()
	if !strings.HasPrefix(*listen, "127.0.0.1:") {
		log.Fatalf("injector: listens on 127.0.0.1 only, not %s", *listen)
	}
	http.HandleFunc("/inject", func(w http.ResponseWriter, r *http.Request) { serve(c, w, r) })
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	log.Printf("injector: listening on https://%s/inject", *listen)
	log.Fatal(http.ListenAndServeTLS(*listen, *cert, *key, nil))
}

func serve(c config, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
		http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
		return
	}
	response := &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}
	var pod corev1.Pod
	if err := json.Unmarshal(review.Request.Object.Raw, &pod); err != nil {
		response.Allowed = false
		response.Result = nil
	} else if ops := inject(c, &pod); len(ops) > 0 {
		patch, _ := json.Marshal(ops)
		kind := admissionv1.PatchTypeJSONPatch
		response.Patch, response.PatchType = patch, &kind
		log.Printf("injector: %s/%s%s: istio-proxy %s", review.Request.Namespace, pod.Name, pod.GenerateName, ops[len(ops)-1].Value.(corev1.Container).Image)
	}
	review.Response, review.Request = response, nil
	out, _ := json.Marshal(review)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// inject returns the JSON patch that adds the sidecar, or nothing for a pod that opts out or has one.
func inject(c config, pod *corev1.Pod) []patchOp {
	a := pod.Annotations
	if a["sidecar.istio.io/inject"] == "false" {
		return nil
	}
	// A template may name the sidecar with image "auto" (the seed's StatefulSet does): Istio
	// fills that container in; one with a real image is already injected.
	at := -1
	for i, ct := range pod.Spec.Containers {
		if ct.Name == "istio-proxy" {
			if ct.Image != "auto" {
				return nil
			}
			at = i
		}
	}
	image := fmt.Sprintf("%s/%s:%s", c.hub, c.image, c.tag)
	if v := a["sidecar.istio.io/proxyImage"]; v != "" {
		if strings.Contains(v, "/") {
			image = v
		} else {
			image = fmt.Sprintf("%s/%s:%s", c.hub, v, c.tag)
		}
	}
	requests := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("40Mi")}
	limits := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2000m"), corev1.ResourceMemory: resource.MustParse("1024Mi")}
	if v := a["sidecar.istio.io/proxyMemory"]; v != "" {
		requests[corev1.ResourceMemory] = resource.MustParse(v)
	}
	if v := a["sidecar.istio.io/proxyMemoryLimit"]; v != "" {
		limits[corev1.ResourceMemory] = resource.MustParse(v)
	}
	uid, no, yes := int64(1337), false, true
	sidecar := corev1.Container{
		Name:  "istio-proxy",
		Image: image,
		Args:  []string{"proxy", "sidecar"},
		Env: []corev1.EnvVar{
			{Name: "ISTIO_META_ISTIO_PROXY_SHA", Value: proxySHA},
			{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
		},
		Ports: []corev1.ContainerPort{{Name: "http-envoy-prom", ContainerPort: 15090, Protocol: corev1.ProtocolTCP}},
		ReadinessProbe: &corev1.Probe{
			ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz/ready", Port: intstr.FromInt32(15021)}},
			InitialDelaySeconds: 1, PeriodSeconds: 2, TimeoutSeconds: 3, FailureThreshold: 30,
		},
		Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits},
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: &no, Privileged: &no, ReadOnlyRootFilesystem: &yes,
			RunAsUser: &uid, RunAsGroup: &uid, RunAsNonRoot: &yes,
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
		ImagePullPolicy: corev1.PullIfNotPresent,
	}
	status := `{"containers":["istio-proxy"],"revision":"meshdbg-e2e"}`
	var ops []patchOp
	if a == nil {
		ops = append(ops, patchOp{Op: "add", Path: "/metadata/annotations", Value: map[string]string{"sidecar.istio.io/status": status}})
	} else {
		ops = append(ops, patchOp{Op: "add", Path: "/metadata/annotations/sidecar.istio.io~1status", Value: status})
	}
	if at >= 0 {
		return append(ops, patchOp{Op: "replace", Path: fmt.Sprintf("/spec/containers/%d", at), Value: sidecar})
	}
	return append(ops, patchOp{Op: "add", Path: "/spec/containers/-", Value: sidecar})
}
