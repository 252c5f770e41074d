/**
 * Address ranges for one test run: a pod /16 in 127.150-199.0.0, a service /16 in 127.100-149.0.0
 * and nodes in 127.19.x.0, picked at random, so tests (and parallel runs) never collide with a lab
 * running on the default ranges or with each other.
 */
export function testRanges(): {
  podCIDR: string;
  serviceCIDR: string;
  nodeIP: string;
  flags: string[];
} {
  const r = Math.floor(Math.random() * 50);
  const s = Math.floor(Math.random() * 50);
  const podCIDR = `127.${150 + r}.0.0/16`;
  const serviceCIDR = `127.${100 + s}.0.0/16`;
  const nodeIP = `127.19.${r}.2`;
  return {
    podCIDR,
    serviceCIDR,
    nodeIP,
    flags: ['--pod-cidr', podCIDR, '--service-cidr', serviceCIDR, '--node-ip', nodeIP],
  };
}
