import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';

// Test addresses: service CIDR 10.96.0.0/12, IPv6 documentation range 2001:db8::/32.

function service(spec: Record<string, unknown>, name = 'web'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec },
  };
}

const messages = (s: unknown): string[] => validateObject(s).map(formatFieldError);

describe('IP families on a single-stack IPv4 cluster', () => {
  it('accepts IPv4 asked for in every way a single-stack cluster allows', () => {
    expect(messages(service({ ipFamilies: ['IPv4'] }))).toEqual([]);
    expect(messages(service({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] }))).toEqual([]);
    expect(messages(service({ ipFamilyPolicy: 'PreferDualStack' }))).toEqual([]);
    expect(messages(service({ clusterIP: '10.96.0.50' }))).toEqual([]);
  });

  it('refuses IPv6 as not configured on this cluster', () => {
    expect(messages(service({ ipFamilies: ['IPv6'] }))).toEqual([
      'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster',
    ]);
    expect(
      messages(service({ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'] })),
    ).toEqual(['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster']);
    expect(
      messages(service({ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] })),
    ).toEqual(['spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster']);
  });

  it('refuses RequireDualStack, and both families with SingleStack', () => {
    expect(messages(service({ ipFamilyPolicy: 'RequireDualStack' }))).toEqual([
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    ]);
    expect(
      messages(service({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] })),
    ).toEqual([
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
      'spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster',
    ]);
    expect(
      messages(service({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'] })),
    ).toEqual([
      "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
    ]);
  });

  it('refuses an IPv6 cluster IP as the registry does, and a family that does not match the IP', () => {
    expect(messages(service({ clusterIP: '2001:db8::10' }))).toEqual([
      'spec.clusterIPs[0]: Invalid value: []string{"2001:db8::10"}: IPv6 is not configured on this cluster',
    ]);
    expect(messages(service({ clusterIP: '10.96.0.50', ipFamilies: ['IPv6'] }))).toEqual([
      'spec.clusterIPs[0]: Invalid value: "10.96.0.50": expected an IPv6 value as indicated by `ipFamilies[0]`',
    ]);
    expect(
      messages(
        service({
          clusterIP: '10.96.0.50',
          clusterIPs: ['10.96.0.50', '10.96.0.51'],
          ipFamilyPolicy: 'PreferDualStack',
        }),
      ),
    ).toEqual([
      'spec.clusterIPs: Invalid value: []string{"10.96.0.50", "10.96.0.51"}: may specify no more than one IP for each IP family',
    ]);
  });

  it('checks the values themselves', () => {
    expect(messages(service({ ipFamilies: ['IPv4', 'IPv4'], ipFamilyPolicy: 'Dual' }))).toEqual([
      'spec.ipFamilies[1]: Duplicate value: "IPv4"',
      'spec.ipFamilyPolicy: Unsupported value: "Dual": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
    ]);
    expect(messages(service({ ipFamilies: ['IPv5'] }))).toEqual([
      'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
    ]);
  });

  it('answers the family errors alone, as the registry checks them before validating', () => {
    const bad = service({ ipFamilies: ['IPv6'], sessionAffinity: 'Sticky' }, 'Web');
    expect(messages(bad)).toEqual([
      'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster',
    ]);
  });

  it('lets a headless Service without selector be dual-stack, as every cluster does', () => {
    const headless = service({ clusterIP: 'None', selector: undefined });
    expect(messages(headless)).toEqual([]);
    expect(messages({ ...headless, spec: { clusterIP: 'None', ipFamilies: ['IPv6'] } })).toEqual(
      [],
    );
  });

  it('refuses families on an ExternalName Service', () => {
    const name = service({
      type: 'ExternalName',
      externalName: 'example.com',
      ipFamilyPolicy: 'SingleStack',
    });
    expect(messages(name)).toEqual([
      'spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services',
    ]);
  });

  it('puts the message on the ipFamilies line, with the kind and name, as kubectl prints it', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: v6\nspec:\n  ipFamilies: [IPv6]\n  ports: [{port: 80}]\n';
    expect(checkManifests(text).errors).toEqual([
      expect.objectContaining({
        message:
          'The Service "v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster',
        line: 6,
        code: 'L4_E_INVALID',
      }),
    ]);
  });
});
