import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from './canonicalQuantity.ts';

// Expected values are what kube-apiserver stores (resource.Quantity's MarshalJSON after
// ParseQuantity), as `kubectl get -o yaml` shows them back.
describe('canonicalQuantity: resource.Quantity as the API server stores it', () => {
  it.each([
    // Numbers become strings; fractions become milli-units.
    [0.5, '500m'],
    [1, '1'],
    [2, '2'],
    ['0.5', '500m'],
    ['0.1', '100m'],
    ['1.5', '1500m'],
    ['1.5m', '1500u'],
    // Trailing zeros move into the suffix.
    ['1000m', '1'],
    ['1000', '1k'],
    ['2000Mi', '2000Mi'],
    ['1024Mi', '1Gi'],
    ['64Mi', '64Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['512Ki', '512Ki'],
    // Binary amounts below 1024 or not whole are written as decimal.
    ['0.5Ki', '512'],
    ['1.1Ki', '1126400m'],
    // Already canonical: kept as written.
    ['500m', '500m'],
    ['250m', '250m'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['129M', '129M'],
    ['123Mi', '123Mi'],
    ['+1', '+1'],
    // Zeros, leading zeros, exponents, tiny amounts.
    ['0', '0'],
    ['0m', '0'],
    ['0Gi', '0'],
    // Leading zeros are dropped before the canonical check, so the text is kept (Go does too).
    ['0500m', '0500m'],
    ['12e2', '1200'],
    ['1e3', '1e3'],
    ['0.0000000001', '1n'],
    ['-0.5', '-500m'],
    ['  2Gi ', '2Gi'],
  ])('%j -> %j', (input, stored) => expect(canonicalQuantity(input)).toBe(stored));
});
