import {
  manifestErrorSchema,
  type ApplyResult,
  type ManifestError,
  type Scenario,
  type ScenarioList,
  type TutorialFile,
} from '@l4lab/protocol';

// Runtime checks of the REST answers (the WebSocket frames go through protocol's parseServerMessage).

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What an error reads as when the server (or a proxy in front of it) left a field out or sent it
 * malformed: positions default to 1, so the editor can still put a marker on the text.
 */
const MANIFEST_ERROR_DEFAULTS: Omit<ManifestError, 'message'> = {
  path: '',
  line: 1,
  column: 1,
  document: 0,
  severity: 'error',
  code: '',
};

/** Each field as protocol's schema reads it, or its default; undefined without a message. */
function manifestErrorOf(v: unknown): ManifestError | undefined {
  if (!isRecord(v) || typeof v.message !== 'string') return undefined;
  const field = <K extends keyof typeof MANIFEST_ERROR_DEFAULTS>(key: K) => {
    const parsed = manifestErrorSchema.shape[key].safeParse(v[key]);
    return (parsed.success ? parsed.data : MANIFEST_ERROR_DEFAULTS[key]) as ManifestError[K];
  };
  const position = (key: 'line' | 'column') => {
    const n = field(key);
    return n > 0 ? n : 1;
  };
  return {
    message: v.message,
    path: field('path'),
    line: position('line'),
    column: position('column'),
    document: field('document'),
    severity: field('severity'),
    code: field('code'),
  };
}

/** `{ errors: ManifestError[] }`, each entry read by `manifestErrorOf`. */
export function manifestErrorsOf(body: unknown): ManifestError[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.errors)) return undefined;
  return body.errors.flatMap((e) => manifestErrorOf(e) ?? []);
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

/** `GET /api/tutorial`'s files; undefined for another shape. */
export function tutorialFilesOf(body: unknown): TutorialFile[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.items)) return undefined;
  return body.items.filter(
    (f): f is TutorialFile =>
      isRecord(f) && typeof f.name === 'string' && typeof f.text === 'string',
  );
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
