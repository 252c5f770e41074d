// A student's name becomes their namespace: checked as Kubernetes checks a namespace's name
// (IsDNS1123Label in k8s.io/apimachinery/pkg/util/validation), with its exact messages, so the
// Join page says live what the server would refuse.
import { isDNS1123Label } from '@l4lab/manifests';

/** Kubernetes' message for a name that is not a DNS-1123 label. */
export const DNS1123_LABEL_MESSAGE = isDNS1123Label('-')[0]!;

/** The problems of `value` as a DNS-1123 label (the API server's own check); empty when valid. */
export function dnsLabelErrors(value: string): string[] {
  return isDNS1123Label(value);
}

/** The Join page's name: optional (the server then picks `student-<n>`), else a DNS-1123 label. */
export function joinNameErrors(name: string): string[] {
  return name === '' ? [] : dnsLabelErrors(name);
}
