import { describe, expect, it } from 'vitest';
import { DNS1123_LABEL_MESSAGE, dnsLabelErrors, joinNameErrors } from './dnsLabel.ts';

describe('a student name as a DNS-1123 label (a namespace name)', () => {
  it('accepts lowercase alphanumerics and inner dashes, up to 63 characters', () => {
    for (const ok of ['alice', 'student-3', '123-abc', 'a', 'x'.repeat(63)]) {
      expect(dnsLabelErrors(ok), ok).toEqual([]);
    }
  });

  it("refuses with Kubernetes' own message", () => {
    expect(DNS1123_LABEL_MESSAGE).toBe(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
    for (const bad of ['Alice', '-alice', 'alice-', 'al ice', 'al_ice', 'élise', '']) {
      expect(dnsLabelErrors(bad), bad).toEqual([DNS1123_LABEL_MESSAGE]);
    }
  });

  it('says a name with dots only that it must not contain dots (as Go does)', () => {
    expect(dnsLabelErrors('alice.smith')).toEqual(['must not contain dots']);
  });

  it('counts the length first, then the form', () => {
    expect(dnsLabelErrors('x'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(dnsLabelErrors(`${'x'.repeat(63)}-`)).toEqual([
      'must be no more than 63 characters',
      DNS1123_LABEL_MESSAGE,
    ]);
  });

  it('lets the Join page leave the name empty (the server picks student-<n>)', () => {
    expect(joinNameErrors('')).toEqual([]);
    expect(joinNameErrors('Bob')).toEqual([DNS1123_LABEL_MESSAGE]);
  });
});
