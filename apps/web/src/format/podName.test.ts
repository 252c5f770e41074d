import { describe, expect, it } from 'vitest';
import { podNameParts } from './podName.ts';

describe('podNameParts', () => {
  it('keeps the ReplicaSet hash and the suffix of a Deployment pod whole', () => {
    expect(podNameParts('default/my-nginx-lb-6d4cf56db6-7kbs5')).toEqual({
      head: 'my-nginx-lb-',
      tail: '6d4cf56db6-7kbs5',
    });
  });

  it('keeps the last part of other names, and a name without dashes whole', () => {
    expect(podNameParts('default/web-0')).toEqual({ head: 'web-', tail: '0' });
    expect(podNameParts('ns/db-main-3')).toEqual({ head: 'db-main-', tail: '3' });
    expect(podNameParts('client')).toEqual({ head: '', tail: 'client' });
  });
});
