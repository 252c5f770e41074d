import type { JSONSchema } from 'monaco-yaml';

// A small schema for completion and hover in the editor (validation comes from @l4lab/manifests).

const labels: JSONSchema = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Map of string keys and values used to organize and select objects.',
};

const metadata: JSONSchema = {
  type: 'object',
  description: "Standard object's metadata.",
  properties: {
    name: { type: 'string', description: 'Name must be unique within a namespace.' },
    namespace: { type: 'string', description: 'The namespace the object lives in (default).' },
    labels,
    annotations: { ...labels, description: 'Unstructured key value map.' },
  },
};

const selector: JSONSchema = {
  type: 'object',
  description: 'A label query over pods.',
  properties: { matchLabels: labels },
};

const container: JSONSchema = {
  type: 'object',
  required: ['name', 'image'],
  properties: {
    name: { type: 'string' },
    image: { type: 'string', description: 'Container image name (nginx runs a real nginx).' },
    imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
    command: { type: 'array', items: { type: 'string' } },
    args: { type: 'array', items: { type: 'string' } },
    ports: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          containerPort: { type: 'integer', minimum: 1, maximum: 65535 },
          protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
        },
      },
    },
  },
};

const podSpec: JSONSchema = {
  type: 'object',
  properties: {
    containers: { type: 'array', items: container },
    nodeName: { type: 'string' },
    terminationGracePeriodSeconds: { type: 'integer' },
  },
};

const deploymentSpec: JSONSchema = {
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 0, description: 'Number of desired pods (default 1).' },
    selector,
    template: { type: 'object', properties: { metadata, spec: podSpec } },
    strategy: {
      type: 'object',
      properties: {
        type: { enum: ['RollingUpdate', 'Recreate'] },
        rollingUpdate: {
          type: 'object',
          properties: { maxSurge: {}, maxUnavailable: {} },
        },
      },
    },
  },
};

const serviceSpec: JSONSchema = {
  type: 'object',
  properties: {
    type: {
      enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
      description: 'How the Service is exposed. Defaults to ClusterIP.',
    },
    selector: { ...labels, description: 'Route traffic to pods with these labels.' },
    ports: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          targetPort: { type: ['integer', 'string'] },
          nodePort: { type: 'integer', minimum: 30000, maximum: 32767 },
        },
      },
    },
    clusterIP: { type: 'string', description: '"None" makes a headless Service.' },
    externalName: { type: 'string' },
    externalIPs: { type: 'array', items: { type: 'string' } },
    sessionAffinity: { enum: ['None', 'ClientIP'] },
    sessionAffinityConfig: {
      type: 'object',
      properties: {
        clientIP: { type: 'object', properties: { timeoutSeconds: { type: 'integer' } } },
      },
    },
    externalTrafficPolicy: { enum: ['Cluster', 'Local'] },
    internalTrafficPolicy: { enum: ['Cluster', 'Local'] },
    publishNotReadyAddresses: { type: 'boolean' },
  },
};

function kindWithSpec(kind: string, spec: JSONSchema): JSONSchema {
  return {
    if: { properties: { kind: { const: kind } }, required: ['kind'] },
    then: { properties: { spec } },
  };
}

export const kubernetesSchema: JSONSchema = {
  type: 'object',
  properties: {
    apiVersion: { enum: ['v1', 'apps/v1', 'discovery.k8s.io/v1'] },
    kind: { enum: ['Deployment', 'Service', 'Pod', 'ReplicaSet', 'Namespace'] },
    metadata,
  },
  allOf: [
    kindWithSpec('Deployment', deploymentSpec),
    kindWithSpec('ReplicaSet', deploymentSpec),
    kindWithSpec('Service', serviceSpec),
    kindWithSpec('Pod', podSpec),
  ],
};
