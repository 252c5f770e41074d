import { describe, expect, it } from 'vitest';
import { demultiplex, dockerSocketPath, normalizeImage } from './dockerEngine.ts';

describe('Docker Engine client helpers', () => {
  it('reads DOCKER_HOST (unix only)', () => {
    expect(dockerSocketPath({ DOCKER_HOST: 'unix:///tmp/d/docker.sock' })).toEqual({
      path: '/tmp/d/docker.sock',
    });
    expect(dockerSocketPath({ DOCKER_HOST: 'tcp://10.0.0.1:2375' })).toEqual({
      error: 'DOCKER_HOST=tcp://10.0.0.1:2375: only unix:// sockets are supported',
    });
  });

  it('reads image references as docker does', () => {
    expect(normalizeImage('nginx')).toBe('nginx:latest');
    expect(normalizeImage('nginx:1.27')).toBe('nginx:1.27');
    expect(normalizeImage('localhost:5000/nginx')).toBe('localhost:5000/nginx:latest');
    expect(normalizeImage('nginx@sha256:abc')).toBe('nginx@sha256:abc');
  });

  it('de-frames the multiplexed log stream', () => {
    const frame = (stream: number, s: string) => {
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(Buffer.byteLength(s), 4);
      return Buffer.concat([head, Buffer.from(s)]);
    };
    const buf = Buffer.concat([frame(1, 'GET / 200\n'), frame(2, 'warn: x\n')]);
    expect(demultiplex(buf)).toBe('GET / 200\nwarn: x\n');
    expect(demultiplex(Buffer.from('plain tty output\n'))).toBe('plain tty output\n');
  });
});
