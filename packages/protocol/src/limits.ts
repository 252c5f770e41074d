/**
 * What one lab runs at most. A laptop lab shares its file descriptors, processes and event loop
 * between every Service and pod, so each of these is bounded: past one, the API answers in
 * Kubernetes' words (`Too many`, `exceeded quota`, `Too many requests`) instead of letting one
 * apply take the lab down. Shown in the README; the dashboard and the server read them from here.
 */
export const LAB_LIMITS = {
  /** Ports of one Service (`spec.ports`). */
  portsPerService: 100,
  /** Replicas of one Deployment (`spec.replicas`). */
  replicasPerDeployment: 50,
  /** Services in the lab, all namespaces. */
  services: 200,
  /** Pods in the lab, all namespaces (bare pods and the replicas Deployments ask for). */
  pods: 500,
  /** Listening frontends: per Service port, the ClusterIP, one per node for a NodePort, LB and external IPs. */
  frontends: 2000,
  /** `exec` commands running at once. */
  execSessions: 16,
} as const;

/** The name under which the lab's own limits appear in `exceeded quota` errors. */
export const LAB_QUOTA_NAME = 'l4lab-limits';
