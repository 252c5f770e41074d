import type { ApplyResult, ManifestError, Scenario, ScenarioList } from '@l4lab/protocol';

// Runtime checks of the REST answers (the WebSocket frames go through protocol's parseServerMessage).

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isManifestError(v: unknown): v is ManifestError {
  return isRecord(v) && typeof v.message === 'string';
}

/** `{ errors: ManifestError[] }`; positions default to 1 when the server left them out. */
export function manifestErrorsOf(body: unknown): ManifestError[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.errors)) return undefined;
  return body.errors.filter(isManifestError).map((e) => ({
    message: e.message,
    path: typeof e.path === 'string' ? e.path : '',
    line: typeof e.line === 'number' && e.line > 0 ? e.line : 1,
    column: typeof e.column === 'number' && e.column > 0 ? e.column : 1,
    document: typeof e.document === 'number' ? e.document : 0,
    severity: e.severity === 'warning' ? 'warning' : 'error',
    code: typeof e.code === 'string' ? e.code : '',
  }));
}

function isApplyResult(v: unknown): v is ApplyResult {
  return (
    isRecord(v) &&
    typeof v.kind === 'string' &&
    typeof v.name === 'string' &&
    (v.action === 'created' || v.action === 'configured' || v.action === 'unchanged')
  );
}

export function applyResultsOf(body: unknown): ApplyResult[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.results)) return undefined;
  return body.results.filter(isApplyResult);
}

export function warningsOf(body: unknown): ManifestError[] {
  if (!isRecord(body) || !Array.isArray(body.warnings)) return [];
  return manifestErrorsOf({ errors: body.warnings }) ?? [];
}

function isScenario(v: unknown): v is Scenario {
  return (
    isRecord(v) &&
    typeof v.id === 'string' &&
    typeof v.title === 'string' &&
    typeof v.yaml === 'string'
  );
}

export function scenarioListOf(body: unknown): ScenarioList | undefined {
  if (!isRecord(body) || !Array.isArray(body.items) || typeof body.default !== 'string') {
    return undefined;
  }
  return { default: body.default, items: body.items.filter(isScenario) };
}

/** The message of an `ErrorResponse` (`{ error: { code, message } }`), if the body is one. */
export function errorMessageOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body.error;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  return typeof body.message === 'string' ? body.message : undefined;
}

export function idOf(body: unknown): string | undefined {
  return isRecord(body) && typeof body.id === 'string' ? body.id : undefined;
}
