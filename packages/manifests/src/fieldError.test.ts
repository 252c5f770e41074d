import { describe, expect, it } from 'vitest';
import {
  duplicate,
  forbidden,
  formatFieldError,
  GoLiteral,
  invalid,
  notSupported,
  required,
} from './fieldError.ts';

describe('formatFieldError', () => {
  it('prints Required value without a value', () => {
    expect(formatFieldError(required('spec.ports'))).toBe('spec.ports: Required value');
    expect(formatFieldError(required('metadata.name', 'name or generateName is required'))).toBe(
      'metadata.name: Required value: name or generateName is required',
    );
  });

  it('prints Forbidden without a value', () => {
    expect(
      formatFieldError(
        forbidden('spec.ports[0].nodePort', "may not be used when `type` is 'ClusterIP'"),
      ),
    ).toBe("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
  });

  it('quotes strings and prints numbers plain', () => {
    expect(
      formatFieldError(invalid('spec.replicas', -1, 'must be greater than or equal to 0')),
    ).toBe('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(formatFieldError(invalid('spec.clusterIPs[0]', 'None', 'x'))).toBe(
      'spec.clusterIPs[0]: Invalid value: "None": x',
    );
    expect(formatFieldError(invalid('spec.x', true, 'y'))).toBe('spec.x: Invalid value: true: y');
  });

  it('prints Go literals as they are', () => {
    const labels = new GoLiteral('map[string]string{"app":"web"}');
    expect(formatFieldError(invalid('spec.template.metadata.labels', labels, 'no'))).toBe(
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: no',
    );
  });

  it('lists supported values', () => {
    const e = notSupported('spec.ports[0].protocol', 'HTTP', ['SCTP', 'TCP', 'UDP']);
    expect(formatFieldError(e)).toBe(
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    );
    const { detail: _detail, ...withoutDetail } = e;
    expect(formatFieldError(withoutDetail)).toBe(formatFieldError(e));
  });

  it('prints Duplicate value with the value and no detail', () => {
    expect(formatFieldError(duplicate('spec.ports[1].nodePort', 30080))).toBe(
      'spec.ports[1].nodePort: Duplicate value: 30080',
    );
  });
});
