package main

import (
	api "k8s.io/kubernetes/pkg/apis/core"
)

// serverSide reproduces the create-time steps kube-apiserver runs outside the strategies.
func serverSide(d *decoded) {
	switch o := d.internal.(type) {
	case *api.Service:
		allocate(o)
	case *api.Pod:
		podAdmission(o)
	}
}

// allocate is the Service REST's allocation: a ClusterIP from the service CIDR (the first
// family of a single-stack IPv4 cluster), and node ports for NodePort/LoadBalancer.
func allocate(svc *api.Service) {
	if svc.Spec.Type == api.ServiceTypeExternalName {
		return
	}
	if svc.Spec.IPFamilyPolicy == nil {
		p := api.IPFamilyPolicySingleStack
		svc.Spec.IPFamilyPolicy = &p
	}
	if len(svc.Spec.IPFamilies) == 0 {
		svc.Spec.IPFamilies = []api.IPFamily{api.IPv4Protocol}
	}
	if svc.Spec.ClusterIP == "" {
		svc.Spec.ClusterIP = allocatedIP
	}
	if len(svc.Spec.ClusterIPs) == 0 {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
	if svc.Spec.Type == api.ServiceTypeNodePort || svc.Spec.Type == api.ServiceTypeLoadBalancer {
		for i := range svc.Spec.Ports {
			if svc.Spec.Ports[i].NodePort == 0 {
				svc.Spec.Ports[i].NodePort = int32(30000 + i)
			}
		}
	}
}

// podAdmission is what the default-enabled Pod admission plugins add: the ServiceAccount
// plugin's service account name, the Priority plugin's priority and preemption policy, and
// the DefaultTolerationSeconds plugin's tolerations. (The ServiceAccount plugin's projected
// token volume is not reproduced: it needs the namespace's default ServiceAccount.)
func podAdmission(p *api.Pod) {
	if p.Spec.ServiceAccountName == "" {
		p.Spec.ServiceAccountName = "default"
	}
	if p.Spec.Priority == nil {
		var zero int32
		p.Spec.Priority = &zero
	}
	if p.Spec.PreemptionPolicy == nil {
		pp := api.PreemptLowerPriority
		p.Spec.PreemptionPolicy = &pp
	}
	secs := int64(300)
	for _, key := range []string{"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"} {
		found := false
		for _, t := range p.Spec.Tolerations {
			if t.Key == key {
				found = true
			}
		}
		if !found {
			p.Spec.Tolerations = append(p.Spec.Tolerations, api.Toleration{
				Key: key, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: &secs,
			})
		}
	}
}
