// One check against one student's view of the lab: passed or not, and a sentence for the room.
import type { EvaluationContext } from './evaluationContext.ts';
import { evaluateConnections } from './evaluateConnections.ts';
import { evaluateEndpoints, evaluateObject, evaluateObjects } from './evaluateObjects.ts';
import type { Check, CheckResult } from './types.ts';

export function evaluate(check: Check, ctx: EvaluationContext): CheckResult {
  if ('object' in check) return evaluateObject(check.object, ctx);
  if ('objects' in check) return evaluateObjects(check.objects, ctx);
  if ('endpoints' in check) return evaluateEndpoints(check.endpoints, ctx);
  return evaluateConnections(check.connections, ctx);
}
