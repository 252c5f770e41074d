import { describe, expect, it } from 'vitest';
import { parseManifests } from '@l4lab/manifests';
import { indexedPath, remoteCode, statusErrors } from './statusErrors.ts';
import type { KubeStatus } from './kubeClient.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: sidecar
        image: busybox
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
          protocol: TCP
`;

const parsed = (text: string) => parseManifests(text).documents[0]!;
const doc = () => parsed(DEPLOYMENT);

describe('indexedPath', () => {
  it("turns the API server's field paths into the text's", () => {
    const value = doc().value;
    expect(indexedPath('.spec.replicas', value)).toBe('spec.replicas');
    expect(indexedPath('spec.template.spec.containers[1].image', value)).toBe(
      'spec.template.spec.containers[1].image',
    );
    expect(indexedPath('.spec.template.spec.containers[name="nginx"].image', value)).toBe(
      'spec.template.spec.containers[1].image',
    );
    expect(
      indexedPath(
        '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]',
        value,
      ),
    ).toBe('spec.template.spec.containers[1].ports[0]');
  });

  it('stops at the deepest part it can follow', () => {
    expect(indexedPath('.spec.template.spec.containers[name="gone"].image', doc().value)).toBe(
      'spec.template.spec.containers',
    );
  });
});

describe('statusErrors', () => {
  it("puts the API server's message, unchanged, on its first cause's line, and each further cause on its own", () => {
    const status: KubeStatus = {
      kind: 'Status',
      message:
        'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[1].image: Required value]',
      reason: 'Invalid',
      details: {
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: -1: must be greater than or equal to 0',
            field: 'spec.replicas',
          },
          {
            reason: 'FieldValueRequired',
            message: 'Required value',
            field: 'spec.template.spec.containers[1].image',
          },
        ],
      },
    };
    expect(statusErrors(status, 'unused', doc())).toEqual([
      {
        message: status.message,
        path: 'spec.replicas',
        line: 6,
        column: 13,
        document: 0,
        severity: 'error',
        code: 'L4_E_REMOTE_INVALID',
      },
      {
        message: 'spec.template.spec.containers[1].image: Required value',
        path: 'spec.template.spec.containers[1].image',
        line: 13,
        column: 16,
        document: 0,
        severity: 'error',
        code: 'L4_E_REMOTE_INVALID',
      },
    ]);
  });

  it('puts a refusal without fields on the first line of its document', () => {
    const status: KubeStatus = {
      kind: 'Status',
      message:
        'deployments.apps "web" is forbidden: User "dev" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
      reason: 'Forbidden',
    };
    expect(statusErrors(status, 'unused', doc())[0]).toMatchObject({
      message: status.message,
      path: '',
      line: 1,
      code: 'L4_E_REMOTE_FORBIDDEN',
    });
    expect(statusErrors(undefined, 'the server responded with HTTP 502', doc())[0]).toMatchObject({
      message: 'the server responded with HTTP 502',
      code: 'L4_E_REMOTE',
    });
  });

  it("finds the field a strict field validation's message names", () => {
    const notDeclared: KubeStatus = {
      kind: 'Status',
      message:
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicass: field not declared in schema',
      reason: 'BadRequest',
    };
    expect(
      statusErrors(notDeclared, '', parsed(DEPLOYMENT.replace('replicas', 'replicass')))[0],
    ).toMatchObject({
      path: 'spec.replicass',
      line: 6,
      code: 'L4_E_REMOTE_BAD_REQUEST',
    });
    const unknown: KubeStatus = {
      kind: 'Status',
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[1].imagee"',
      reason: 'BadRequest',
    };
    expect(statusErrors(unknown, '', doc())[0]).toMatchObject({
      path: 'spec.template.spec.containers[1].imagee', // not in the text: its nearest ancestor's line
      line: 12,
    });
  });

  it('names codes after the Status reason', () => {
    expect(remoteCode('AlreadyExists')).toBe('L4_E_REMOTE_ALREADY_EXISTS');
    expect(remoteCode('NotFound')).toBe('L4_E_REMOTE_NOT_FOUND');
  });
});
