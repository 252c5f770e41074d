import { describe, expect, it } from 'vitest';
import { RESOURCES } from './kube.ts';
import {
  RESOURCE_TYPES,
  qualifiedPlural,
  qualifiedSingular,
  resourceTypeOf,
  resourceTypeOfKind,
} from './resourceTypes.ts';

describe('resource types, as kubectl names them', () => {
  it.each([
    ['po', 'pods'],
    ['pod', 'pods'],
    ['Pods', 'pods'],
    ['svc', 'services'],
    ['service', 'services'],
    ['ep', 'endpoints'],
    ['endpoints', 'endpoints'],
    ['endpointslice', 'endpointslices'],
    ['endpointslices.discovery.k8s.io', 'endpointslices'],
    ['deploy', 'deployments'],
    ['deployments.apps', 'deployments'],
    ['deployment.apps', 'deployments'],
    ['rs', 'replicasets'],
    ['replicasets.apps', 'replicasets'],
    ['no', 'nodes'],
    ['ns', 'namespaces'],
  ])('%s is %s', (name, plural) => {
    expect(resourceTypeOf(name)?.plural).toBe(plural);
  });

  it('knows no other names: `endpoint` is not one (the type itself is plural), nor `svcs`', () => {
    for (const name of ['endpoint', 'svcs', 'deploy.apps', 'pods.apps', 'constructor', '']) {
      expect(resourceTypeOf(name)).toBeUndefined();
    }
  });

  it('names a type in messages and prefixes the way kubectl does', () => {
    const deployments = resourceTypeOfKind('Deployment')!;
    expect(qualifiedPlural(deployments)).toBe('deployments.apps');
    expect(qualifiedSingular(deployments)).toBe('deployment.apps');
    expect(qualifiedSingular(resourceTypeOfKind('EndpointSlice')!)).toBe(
      'endpointslice.discovery.k8s.io',
    );
    expect(qualifiedPlural(resourceTypeOf('po')!)).toBe('pods');
    expect(qualifiedSingular(resourceTypeOf('ep')!)).toBe('endpoints');
    expect(resourceTypeOfKind('CronJob')).toBeUndefined();
  });

  it("agrees with the kinds l4lab's /api/objects serves", () => {
    for (const [plural, kind] of Object.entries(RESOURCES)) {
      expect(resourceTypeOf(plural)?.kind).toBe(kind);
    }
  });

  it('gives each name to one type only', () => {
    const names = RESOURCE_TYPES.flatMap((t) => [
      t.plural,
      ...(t.singular === t.plural ? [] : [t.singular]),
      ...t.shortNames,
    ]);
    expect(new Set(names).size).toBe(names.length);
  });
});
