// ConfigMap validation (pkg/apis/core/validation ValidateConfigMap), with Kubernetes' messages.
import { invalid } from './fieldError.ts';
import { isDNS1123Subdomain } from './names.ts';
import type { FieldError } from './types.ts';
import { isConfigMapKey, validateBytesMap } from './validateAccess.ts';
import { validateObjectMeta } from './validateMeta.ts';
import type { MetaShape } from './validateMeta.ts';

export interface ConfigMapShape {
  metadata?: MetaShape;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** core.MaxSecretSize, which bounds a ConfigMap's data and binaryData together. */
const MAX_CONFIG_MAP_SIZE = 1024 * 1024;

const UTF8 = new TextEncoder();

/** ValidateConfigMap: metadata, every key, no key in both maps, 1 MiB of values in all. */
export function validateConfigMap(m: ConfigMapShape): FieldError[] {
  const errs = validateObjectMeta(m.metadata ?? {}, true, isDNS1123Subdomain);
  const data = m.data ?? {};
  const binary = m.binaryData ?? {};
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    const path = `data[${key}]`;
    for (const msg of isConfigMapKey(key)) errs.push(invalid(path, key, msg));
    if (Object.hasOwn(binary, key))
      errs.push(invalid(path, key, 'duplicate of key present in binaryData'));
    total += UTF8.encode(String(value)).length;
  }
  total += validateBytesMap('binaryData', binary, (value) => value, errs);
  if (total > MAX_CONFIG_MAP_SIZE) {
    // Kubernetes passes an empty path: the error is about the whole object.
    errs.push({
      type: 'Too long',
      path: '',
      detail: `must have at most ${MAX_CONFIG_MAP_SIZE} bytes`,
    });
  }
  return errs;
}
