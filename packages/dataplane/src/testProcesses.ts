// For this package's tests: whether a process they started is still there. The same as
// @l4lab/runtime's processAlive, which this package does not depend on.

/** Whether a process with this pid exists (signal 0: nothing is sent). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
